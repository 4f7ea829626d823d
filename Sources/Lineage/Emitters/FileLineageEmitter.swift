import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends each event as one line of JSON (the OpenLineage "file transport" layout) to a file,
/// created with mode 0644 if absent. Each `emit` opens the file with `O_APPEND`, writes the whole line
/// with a single `write(2)` and closes it, so lines from concurrent emitters (threads or processes)
/// never interleave on a local Linux file system; a short write is reported, not completed, because a
/// second write could land after another writer's line. Cost: one open/write/close per event.
public struct FileLineageEmitter: LineageEmitter {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var destination: String { path }

    public func emit(_ event: LineageEvent) throws {
        var line = try event.jsonData()
        line.append(UInt8(ascii: "\n"))
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written: Int
        repeat {
            written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        } while written < 0 && errno == EINTR
        if written < 0 { throw failure("cannot write: \(String(cString: strerror(errno)))") }
        if written != line.count { throw failure("short write: \(written) of \(line.count) bytes") }
    }

    private func failure(_ message: String) -> LineageError {
        LineageError(kind: .fileWriteFailed, destination: path, message: message)
    }
}
