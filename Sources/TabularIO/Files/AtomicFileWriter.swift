#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered byte writer that writes to a temporary file beside its destination and renames it
/// into place only in `commit()`, so an interrupted run never leaves a file that looks complete.
/// Appending formats integers and floats straight into the buffer (no `String` per field). Not
/// thread-safe: one writer per thread.
///
/// Where the bytes go is `OutputDestination`'s decision: the temporary name is unique per writer
/// (`.<name>.<pid>.<random>.partial`, created with `O_EXCL`), so two runs writing one path each
/// rename a whole file of their own and the last rename wins; a symbolic link is followed and its
/// target replaced (the link stays); a device, a named pipe or a socket (/dev/null, /dev/full, a
/// FIFO) is written in place, never replaced, and a failed write there (ENOSPC on /dev/full) is
/// thrown like any other. Temporary files are recorded in `TemporaryFiles.shared`, so that an
/// executable can remove them when it is interrupted.
///
/// `standardOutput()` gives the same buffered writer over standard output, for commands whose
/// `--out -` streams into a pipe: for streams `commit()` only flushes and nothing can be taken back.
///
/// Cost: one `write(2)` per `bufferSize` bytes; formatting an integer is O(digits).
public final class AtomicFileWriter {
    /// The output path as given.
    public let path: String
    /// The file that `commit()` leaves complete: `path` with symbolic links followed.
    public let destination: String
    /// The file being written: a fresh name beside `destination`, or `destination` itself for a stream.
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
    private let registry: TemporaryFiles

    /// Opens a fresh temporary file beside `path` (links followed) for writing; when `path` is a
    /// device, a pipe or a socket it is opened and written in place instead, never replaced. A
    /// folder is refused. `registry` records the temporary file while it exists.
    public init(path: String, bufferSize: Int = 1 << 20, registry: TemporaryFiles = .shared) throws {
        self.path = path
        self.registry = registry
        let target = try OutputDestination(path)
        destination = target.path
        if target.isStream {
            temporaryPath = target.path
            fd = open(target.path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
        } else {
            temporaryPath = target.temporaryPath()
            do {
                fd = try registry.create(temporaryPath)
            } catch let error as FileError {
                // name what the user gave (a missing folder, no permission), not the temporary name
                throw FileError(path: path, operation: "create", errno: error.code)
            }
        }
        isStream = target.isStream
        closesDescriptor = true
        capacity = max(bufferSize, 64)
        buffer = .allocate(capacity: capacity)
    }

    private init(standardOutputBufferSize bufferSize: Int) {
        path = "-"
        destination = "-"
        temporaryPath = "-"
        registry = .shared
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
        if fsync(fd) != 0 { throw FileError(path: path, operation: "sync", errno: errno) }
        close(fd)
        finished = true
        do {
            try registry.publish([(temporaryPath, destination)])
        } catch {
            registry.remove(temporaryPath)
            throw error
        }
    }

    /// Flushes and closes the temporary file without renaming it (for a caller that renames a
    /// group of files together, see `AtomicFileWriter.renameAll`); a stream is flushed and done.
    public func finishWithoutRename() throws {
        if isStream { return try commit() }
        try flush()
        if fsync(fd) != 0 { throw FileError(path: path, operation: "sync", errno: errno) }
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
        registry.remove(temporaryPath)
    }

    /// Renames each finished writer's temporary file to its destination (streams have none), all
    /// under one hold of the registry's lock: an interruption sees none or all of them renamed.
    public static func renameAll(_ writers: [AtomicFileWriter]) throws {
        let files = writers.filter { !$0.isStream }
        guard let registry = files.first?.registry else { return }
        try registry.publish(files.map { ($0.temporaryPath, $0.destination) })
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", errno: errno)
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
