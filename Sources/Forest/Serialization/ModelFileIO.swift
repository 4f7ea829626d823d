#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only file I/O of the Forest target: whole-file read and atomic write of model files.
enum ModelFileIO {
    /// Writes the bytes that `body` hands to its sink to `path.partial` through a 1 MiB buffer, syncs,
    /// and renames the file to `path`; removes the partial file on failure.
    static func writeAtomically(to path: String, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let temporary = path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw ModelFileError.io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var used = 0
        func flush() throws {
            var done = 0
            while done < used {
                let wrote = posixWrite(fd, buffer + done, used - done)
                if wrote < 0 {
                    if errno == EINTR { continue }
                    throw ModelFileError.io("cannot write \(temporary): \(String(cString: strerror(errno)))")
                }
                done += wrote
            }
            used = 0
        }
        do {
            try body { bytes in
                var offset = 0
                while offset < bytes.count {
                    if used == capacity { try flush() }
                    let n = min(capacity - used, bytes.count - offset)
                    (buffer + used).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
                    used += n
                    offset += n
                }
            }
            try flush()
            if fsync(fd) != 0 { throw ModelFileError.io("cannot sync \(temporary): \(String(cString: strerror(errno)))") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw ModelFileError.io("cannot rename \(temporary) to \(path): \(why)")
        }
    }
}

@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

@inline(__always)
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// A model file opened for one sequential read.
struct FileByteSource: ModelByteSource {
    let fd: Int32
    let size: Int

    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ModelFileError.io("cannot open: \(String(cString: strerror(errno)))") }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let why = String(cString: strerror(errno))
            closeDescriptor(fd)
            throw ModelFileError.io("cannot stat: \(why)")
        }
        size = Int(info.st_size)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let got = posixRead(fd, buffer.baseAddress!, buffer.count)
            if got >= 0 { return got }
            if errno != EINTR { throw ModelFileError.io("cannot read: \(String(cString: strerror(errno)))") }
        }
    }

    func close() { closeDescriptor(fd) }
}

@inline(__always)
private func closeDescriptor(_ fd: Int32) { close(fd) }
