import Foundation
import TabularIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input as a file, for readers that map their input (binary matrices, models): the bytes
/// are copied once into a temporary file that is removed when this value is released. Cost: one
/// pass over the input and its size on the temporary disk.
final class StandardInputFile {
    let path: String

    /// Copies all of standard input into a fresh file under TMPDIR. Refuses a terminal, whose input
    /// would never end.
    init(option: String, directory: String = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") throws {
        if isatty(0) == 1 { throw StandardInputError(option: option, reason: "standard input is a terminal; pipe a file into it") }
        var template = Array((directory + "/restock-stdin-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileError(path: directory, operation: "create a temporary file in", errno: errno) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: "-", operation: "read", errno: errno)
            }
            if got == 0 { break }
            var done = 0
            while done < got {
                let wrote = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, got - done) }
                if wrote < 0 { throw FileError(path: path, operation: "write", errno: errno) }
                done += wrote
            }
            total += got
        }
        if total == 0 { throw StandardInputError(option: option, reason: "standard input is empty") }
    }

    deinit { unlink(path) }
}

/// Standard input could not serve as an option's input.
struct StandardInputError: Error, CustomStringConvertible {
    let option: String
    let reason: String
    var description: String { "\(option) -: \(reason)" }
}
