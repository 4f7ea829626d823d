import Foundation
import TabularIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input, or a named pipe such as bash's `<(...)`, as a regular file, for readers that map
/// their input or read it twice (binary matrices, models): the bytes are copied once into a temporary
/// file that is removed when this value is released (or when the run is interrupted: it is recorded
/// in `TemporaryFiles.shared`). Cost: one pass over the input and its size on
/// the temporary disk.
final class StandardInputFile {
    let path: String

    /// Copies all of standard input (`source` "-") or of the stream at `source` into a fresh file
    /// under TMPDIR. Refuses a terminal, whose input would never end.
    init(option: String, source: String = "-", directory: String = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") throws {
        let input = source == "-" ? 0 : open(source, O_RDONLY | O_CLOEXEC)
        if input < 0 { throw FileError(path: source, operation: "open", errno: errno) }
        defer { if input != 0 { close(input) } }
        if isatty(input) == 1 { throw StandardInputError(option: option, reason: "standard input is a terminal; pipe a file into it") }
        var template = Array((directory + "/restock-stdin-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileError(path: directory, operation: "create a temporary file in", errno: errno) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        TemporaryFiles.shared.record(path)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: source, operation: "read", errno: errno)
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
        if total == 0 { throw StandardInputError(option: option, reason: source == "-" ? "standard input is empty" : "\(source) is empty") }
    }

    deinit { TemporaryFiles.shared.remove(path) }
}

/// Standard input could not serve as an option's input.
struct StandardInputError: Error, CustomStringConvertible {
    let option: String
    let reason: String
    var description: String { "\(option) -: \(reason)" }
}

extension StandardInputFile {
    /// True when `path` is a stream (a named pipe or a character device), not a file that can be mapped.
    static func isStream(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFCHR
    }
}
