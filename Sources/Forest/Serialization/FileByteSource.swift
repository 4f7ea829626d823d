#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

/// A model file opened for one sequential read: the only file I/O of the Forest target (writing a
/// model file is `ForestModel.write(into:)` handed to a file writer, in Serve).
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
