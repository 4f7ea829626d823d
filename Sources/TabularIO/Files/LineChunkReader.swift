#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor (a file or a pipe) in blocks and hands out whole lines, many at a time,
/// as byte ranges of one buffer: the bounded-memory front end of `MatrixCSVStream`.
///
/// Each `readLines` call first drops the bytes handed out by the previous call, then reads until it
/// holds `maxLines` complete lines or the input ends (the last line may lack its newline), so one
/// call's lines are contiguous in `bytes` and stay valid until the next call. The buffer starts at
/// `bufferSize` bytes and doubles when a call's lines do not fit: memory is O(the longest batch of
/// lines), never O(input). Cost: one `read(2)` per buffer refill (a pipe gives ≤ 64 KiB per read) and
/// one `memchr` pass over the bytes.
final class LineChunkReader {
    let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var endOfInput = false

    init(fileDescriptor: Int32, name: String, ownsDescriptor: Bool, bufferSize: Int) {
        self.fd = fileDescriptor
        self.name = name
        self.ownsDescriptor = ownsDescriptor
        capacity = max(bufferSize, 16)
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Appends the offsets `[start, end)` (into `bytes`, newline excluded, CR kept) of up to
    /// `maxLines` next lines to `starts` and `ends`; returns how many. 0 means the input has ended.
    func readLines(max maxLines: Int, starts: inout [Int], ends: inout [Int]) throws -> Int {
        if start > 0 {
            if end > start { memmove(bytes, bytes + start, end - start) }
            end -= start
            start = 0
        }
        var count = 0
        var p = 0
        while count < maxLines {
            if p < end, let found = memchr(bytes + p, 10, end - p) {
                let newline = found.assumingMemoryBound(to: UInt8.self) - bytes
                starts.append(p)
                ends.append(newline)
                count += 1
                p = newline + 1
                continue
            }
            if endOfInput {
                if p < end {
                    starts.append(p)
                    ends.append(end)
                    count += 1
                    p = end
                }
                break
            }
            try fill()
        }
        start = p
        return count
    }

    /// Reads more bytes after `end`, doubling the buffer when it is full; sets `endOfInput` at EOF.
    private func fill() throws {
        if end == capacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: bytes, count: end)
            bytes.deallocate()
            bytes = larger
            capacity *= 2
        }
        while true {
            let n = read(fd, bytes + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: name, operation: "read", errno: errno)
            }
            if n == 0 { endOfInput = true } else { end += n }
            return
        }
    }
}
