#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only file I/O of the Forest target: whole-file read and atomic write of model files.
enum ModelFileIO {
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ModelFileError.io("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw ModelFileError.io("cannot stat: \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < size {
                let got = posixRead(fd, buffer.baseAddress! + done, size - done)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw ModelFileError.io("cannot read: \(String(cString: strerror(errno)))")
                }
                if got == 0 { break }
                done += got
            }
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

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
