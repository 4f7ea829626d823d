#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap` + `madvise(MADV_SEQUENTIAL)`), for byte
/// parsers; unmapped by `unmap()` or on deinit. Pages are read on first touch and count as resident
/// (page cache) while mapped, so readers unmap each file as soon as it is parsed. An empty file maps
/// to an empty buffer. Throws `FileError` (a directory is `EISDIR`).
public final class MappedFile {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    private var address: UnsafeMutableRawPointer?

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
        defer { closeDescriptor(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw FileError(path: path, operation: "stat", errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, operation: "read", errno: EISDIR) }
        let size = Int(info.st_size)
        if size == 0 {
            address = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw FileError(path: path, operation: "map", errno: errno)
        }
        _ = madvise(mapped, size, MADV_SEQUENTIAL)
        address = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    /// Unmaps the file; `bytes` must not be used afterwards. Called again, does nothing.
    public func unmap() {
        if let address { munmap(address, bytes.count) }
        address = nil
    }

    deinit { unmap() }
}

@inline(__always)
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
