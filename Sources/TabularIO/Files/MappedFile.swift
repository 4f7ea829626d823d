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

    /// `contents` mapped as if they were the file `path` (for tests and fuzz harnesses: no file of
    /// that name is needed). The bytes go to an unlinked temporary file in /tmp that is mapped like
    /// any other, so readers may hand its pages back (`madvise(MADV_DONTNEED)`) and read them again,
    /// which anonymous memory would not survive. Cost: one write of the bytes.
    public init(path: String, contents: [UInt8]) throws {
        self.path = path
        if contents.isEmpty {
            address = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        var template = Array("/tmp/restock-bytes-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileError(path: path, operation: "create a temporary copy of", errno: errno) }
        defer { closeDescriptor(fd) }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        var done = 0
        while done < contents.count {
            let wrote = contents.withUnsafeBytes { write(fd, $0.baseAddress! + done, contents.count - done) }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write a temporary copy of", errno: errno)
            }
            done += wrote
        }
        guard let mapped = mmap(nil, contents.count, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw FileError(path: path, operation: "map", errno: errno)
        }
        address = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: contents.count)
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
