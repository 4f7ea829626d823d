import TabularIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The commands' text on standard output (tables, summaries, `--json` objects), written with
/// `write(2)` and checked: a failed write (`> /dev/full`: ENOSPC, a closed pipe: EPIPE) throws a
/// `FileError` ("cannot write standard output: ...", exit 74) instead of being lost at exit as
/// `print` loses it. Unbuffered: one `write(2)` per call, so nothing waits in a buffer at exit.
enum StandardOutput {
    /// Writes `text` whole, retrying interrupted and partial writes.
    static func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = systemWrite(1, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: "standard output", operation: "write", errno: errno)
                }
                offset += n
            }
        }
    }

    /// Writes `line` and a newline (`terminator` otherwise), as `print` would.
    static func print(_ line: String, terminator: String = "\n") throws {
        try write(line + terminator)
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
