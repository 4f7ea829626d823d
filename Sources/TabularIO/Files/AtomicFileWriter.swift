#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered byte writer that writes to `<path>.partial` and renames to `path` only in `commit()`,
/// so an interrupted run never leaves a file that looks complete. Appending formats integers and
/// floats straight into the buffer (no `String` per field). Not thread-safe: one writer per thread.
///
/// `standardOutput()` gives the same buffered writer over standard output, for commands whose
/// `--out -` streams into a pipe, and a path that is a device or a pipe (/dev/null, a FIFO) is
/// written in place rather than replaced: for these streams `commit()` only flushes and nothing
/// can be taken back.
///
/// Cost: one `write(2)` per `bufferSize` bytes; formatting an integer is O(digits).
public final class AtomicFileWriter {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private let capacity: Int
    private var finished = false
    /// True when the writer writes straight into a stream (standard output, or a path that exists
    /// and is not a regular file, such as /dev/null or a named pipe): no temporary file, no rename,
    /// `commit()` only flushes, and nothing written can be taken back.
    public let isStream: Bool
    private let closesDescriptor: Bool

    /// Opens `<path>.partial` for writing (truncating it). When `path` exists and is not a regular
    /// file (a device or a pipe), it is opened and written in place instead, never replaced.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, operation: "write", errno: EISDIR) }
            temporaryPath = path
            fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
            isStream = true
        } else {
            temporaryPath = path + ".partial"
            fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 { throw FileError(path: temporaryPath, operation: "create", errno: errno) }
            isStream = false
        }
        closesDescriptor = true
        capacity = max(bufferSize, 64)
        buffer = .allocate(capacity: capacity)
    }

    private init(standardOutputBufferSize bufferSize: Int) {
        path = "-"
        temporaryPath = "-"
        fd = 1
        capacity = max(bufferSize, 64)
        buffer = .allocate(capacity: capacity)
        isStream = true
        closesDescriptor = false
    }

    /// The writer for an output option's value: standard output for `-`, else `init(path:)`.
    public static func opening(_ path: String, bufferSize: Int = 1 << 20) throws -> AtomicFileWriter {
        path == "-" ? standardOutput(bufferSize: bufferSize) : try AtomicFileWriter(path: path, bufferSize: bufferSize)
    }

    /// A buffered writer over standard output (file descriptor 1), named `-`.
    public static func standardOutput(bufferSize: Int = 1 << 20) -> AtomicFileWriter {
        AtomicFileWriter(standardOutputBufferSize: bufferSize)
    }

    deinit {
        if !finished { abandon() }
        buffer.deallocate()
    }

    /// Appends raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count > capacity - count { try flush() }
        if bytes.count >= capacity {
            try writeAll(bytes)
            return
        }
        (buffer + count).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// Appends the UTF-8 bytes of `text` as they are.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends one byte.
    @inline(__always)
    public func write(byte: UInt8) throws {
        if count == capacity { try flush() }
        buffer[count] = byte
        count += 1
    }

    /// Appends a decimal integer.
    public func write(int value: Int) throws {
        if capacity - count < 24 { try flush() }
        var v = value.magnitude
        if value < 0 { buffer[count] = UInt8(ascii: "-"); count += 1 }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[n] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
                n += 1
            } while v > 0
            for i in stride(from: n - 1, through: 0, by: -1) {
                buffer[count] = scratch[i]
                count += 1
            }
        }
    }

    /// Appends a value with exactly one decimal (`15.0`), as Instacart writes days_since_prior_order.
    public func write(oneDecimal value: Double) throws {
        let tenths = Int((value * 10).rounded())
        try write(int: tenths / 10)
        try write(byte: UInt8(ascii: "."))
        try write(byte: UInt8(truncatingIfNeeded: abs(tenths % 10)) + 48)
    }

    /// Appends a CSV field per RFC 4180: quoted (with doubled quotes) only when it holds a comma, a
    /// quote, CR or LF.
    public func write(csvField bytes: UnsafeRawBufferPointer) throws {
        let needsQuotes = bytes.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        if !needsQuotes { return try write(bytes) }
        try write(byte: 34)
        for b in bytes {
            if b == 34 { try write(byte: 34) }
            try write(byte: b)
        }
        try write(byte: 34)
    }

    public func write(csvField text: String) throws {
        var text = text
        try text.withUTF8 { try write(csvField: UnsafeRawBufferPointer($0)) }
    }

    /// Writes the buffer out.
    public func flush() throws {
        guard count > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(start: buffer, count: count))
        count = 0
    }

    /// Flushes, syncs, closes and renames the temporary file to `path` (standard output: flushes).
    public func commit() throws {
        try flush()
        if isStream {
            if closesDescriptor { close(fd) }
            finished = true
            return
        }
        if fsync(fd) != 0 { throw FileError(path: temporaryPath, operation: "sync", errno: errno) }
        close(fd)
        finished = true
        if rename(temporaryPath, path) != 0 { throw FileError(path: path, operation: "rename to", errno: errno) }
    }

    /// Flushes and closes the temporary file without renaming it (for a caller that renames a
    /// group of files together, see `AtomicFileWriter.renameAll`).
    public func finishWithoutRename() throws {
        precondition(!isStream, "AtomicFileWriter: a stream has no temporary file")
        try flush()
        if fsync(fd) != 0 { throw FileError(path: temporaryPath, operation: "sync", errno: errno) }
        close(fd)
        finished = true
    }

    /// Closes and deletes the temporary file (a stream: drops what is still buffered).
    public func abandon() {
        if isStream {
            if !finished && closesDescriptor { close(fd) }
            count = 0
            finished = true
            return
        }
        if !finished { close(fd) }
        finished = true
        unlink(temporaryPath)
    }

    /// Renames each finished writer's temporary file to its final name.
    public static func renameAll(_ writers: [AtomicFileWriter]) throws {
        for w in writers where rename(w.temporaryPath, w.path) != 0 {
            throw FileError(path: w.path, operation: "rename to", errno: errno)
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: temporaryPath, operation: "write", errno: errno)
            }
            offset += n
        }
    }
}

/// A failed file-system call, with the path and the system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let operation: String
    public let code: Int32

    public init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// The system's text for the error code.
    public var reason: String { String(cString: strerror(code)) }

    public var description: String {
        "cannot \(operation) \(path): \(reason)"
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, buf, n)
}
