#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file (unmapped on `unmap()` or deinit).
///
/// Pages are read on first touch and count as resident (page cache) while mapped, so the reader
/// closes each file as soon as it is parsed. An empty file maps to an empty buffer.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    private var address: UnsafeMutableRawPointer?

    /// Maps `path`; `name` is the file name used in errors.
    init(path: String, name: String, directory: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw CSVError(file: name, line: nil, column: nil, problem: .missingFile(directory: directory)) }
            throw CSVError(file: name, line: nil, column: nil, problem: .unreadable(reason: String(cString: strerror(code))))
        }
        defer { closeDescriptor(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw CSVError(file: name, line: nil, column: nil, problem: .unreadable(reason: String(cString: strerror(errno))))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw CSVError(file: name, line: nil, column: nil, problem: .unreadable(reason: "is a directory"))
        }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            address = nil
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CSVError(file: name, line: nil, column: nil, problem: .unreadable(reason: String(cString: strerror(errno))))
        }
        _ = madvise(p, size, MADV_SEQUENTIAL)
        address = p
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    /// Unmaps the file; `bytes` must not be used afterwards. Called again, does nothing.
    func unmap() {
        if let address { munmap(address, bytes.count) }
        address = nil
    }

    deinit { unmap() }
}

@inline(__always)
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
