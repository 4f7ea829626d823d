#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TabularIO

/// Temporary bucket files that let the generator sort ~34M order_products rows by a random order_id in
/// bounded memory: rows (packed `UInt64`, see `OrderProductRow`) are appended to the bucket of their
/// order-id range, buffered in memory per bucket, then each bucket is read back whole and sorted on its
/// own. Files live in a hidden folder and are deleted by `remove()`.
///
/// Memory: `bucketCount * bufferRows * 8` bytes of buffers. Cost: each row is written and read once.
final class SpillBuckets {
    let directory: String
    let bucketCount: Int
    private let bufferRows: Int
    private let buffers: UnsafeMutablePointer<UInt64>
    private var filled: [Int]
    private var written: [Int]
    private var descriptors: [Int32]

    init(directory: String, bucketCount: Int, bufferRows: Int = 8192) throws {
        self.directory = directory
        self.bucketCount = bucketCount
        self.bufferRows = bufferRows
        buffers = .allocate(capacity: bucketCount * bufferRows)
        filled = [Int](repeating: 0, count: bucketCount)
        written = [Int](repeating: 0, count: bucketCount)
        descriptors = []
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            buffers.deallocate()
            throw FileError(path: directory, operation: "create folder", errno: errno)
        }
        for b in 0..<bucketCount {
            let path = self.path(of: b)
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if fd < 0 {
                let code = errno
                remove()
                throw FileError(path: path, operation: "create", errno: code)
            }
            descriptors.append(fd)
        }
    }

    deinit {
        remove()
        buffers.deallocate()
    }

    func path(of bucket: Int) -> String { directory + "/bucket-\(bucket).bin" }

    /// Appends one row to `bucket`.
    @inline(__always)
    func append(_ row: UInt64, to bucket: Int) throws {
        let n = filled[bucket]
        buffers[bucket * bufferRows + n] = row
        filled[bucket] = n + 1
        if n + 1 == bufferRows { try flush(bucket) }
    }

    /// Writes every buffer out.
    func flushAll() throws {
        for b in 0..<bucketCount { try flush(b) }
    }

    /// Number of rows appended to `bucket` so far.
    func rowCount(of bucket: Int) -> Int { written[bucket] + filled[bucket] }

    /// Reads a flushed bucket back whole. Safe to call from several threads for different buckets.
    func read(_ bucket: Int) throws -> [UInt64] {
        let count = written[bucket]
        let fd = descriptors[bucket]
        let path = self.path(of: bucket)
        return try [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < raw.count {
                let n = pread(fd, raw.baseAddress! + offset, raw.count - offset, off_t(offset))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { throw FileError(path: path, operation: "read", errno: n < 0 ? errno : EIO) }
                offset += n
            }
            initialized = count
        }
    }

    /// Closes and deletes every bucket file and the folder.
    func remove() {
        for (b, fd) in descriptors.enumerated() {
            close(fd)
            unlink(path(of: b))
        }
        descriptors = []
        rmdir(directory)
    }

    private func flush(_ bucket: Int) throws {
        let n = filled[bucket]
        guard n > 0 else { return }
        let start = UnsafeRawPointer(buffers + bucket * bufferRows)
        let bytes = n * MemoryLayout<UInt64>.stride
        var offset = 0
        while offset < bytes {
            let w = pwrite(
                descriptors[bucket], start + offset, bytes - offset,
                off_t(written[bucket] * MemoryLayout<UInt64>.stride + offset))
            if w < 0 && errno == EINTR { continue }
            if w < 0 { throw FileError(path: path(of: bucket), operation: "write", errno: errno) }
            offset += w
        }
        written[bucket] += n
        filled[bucket] = 0
    }
}

/// One order_products row packed in 64 bits: order_id (bits 0-31), product_id (32-49),
/// add_to_cart_order (50-61), reordered (62), train (63; else prior).
enum OrderProductRow {
    @inline(__always)
    static func pack(orderID: Int, productID: Int32, cartPosition: Int, reordered: UInt8, train: Bool) -> UInt64 {
        UInt64(orderID) | UInt64(productID) << 32 | UInt64(cartPosition) << 50 | UInt64(reordered) << 62
            | (train ? 1 << 63 : 0)
    }

    @inline(__always) static func orderID(_ row: UInt64) -> Int { Int(row & 0xFFFF_FFFF) }
    @inline(__always) static func productID(_ row: UInt64) -> Int { Int((row >> 32) & 0x3_FFFF) }
    @inline(__always) static func cartPosition(_ row: UInt64) -> Int { Int((row >> 50) & 0xFFF) }
    @inline(__always) static func reordered(_ row: UInt64) -> Int { Int((row >> 62) & 1) }
    @inline(__always) static func isTrain(_ row: UInt64) -> Bool { row >> 63 == 1 }
}
