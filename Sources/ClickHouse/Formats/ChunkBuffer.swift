#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer for stream decoders: chunks are appended at `end`, the decoder consumes from
/// `start`, and the unconsumed bytes move to the front only when a chunk no longer fits behind them
/// (so each byte is copied in once and moved O(1) times on average). Grows only when the unconsumed
/// bytes plus one chunk exceed the capacity, i.e. memory is O(largest unconsumed span + chunk).
final class ChunkBuffer {
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// First unconsumed byte.
    var start = 0
    /// One past the last byte.
    private(set) var end = 0
    /// The largest capacity reached.
    private(set) var peakCapacity: Int

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        storage = .allocate(byteCount: capacity, alignment: 16)
        peakCapacity = capacity
    }

    deinit { storage.deallocate() }

    var unconsumed: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: end - start) }

    func append(_ chunk: UnsafeRawBufferPointer) {
        guard let source = chunk.baseAddress, !chunk.isEmpty else { return }
        if end + chunk.count > capacity {
            if start > 0 {
                memmove(storage, storage + start, end - start)
                end -= start
                start = 0
            }
            if end + chunk.count > capacity {
                let grown = max(capacity * 2, end + chunk.count)
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                bigger.copyMemory(from: storage, byteCount: end)
                storage.deallocate()
                storage = bigger
                capacity = grown
                peakCapacity = max(peakCapacity, grown)
            }
        }
        (storage + end).copyMemory(from: source, byteCount: chunk.count)
        end += chunk.count
    }

    /// Drops all but the last `keep` unconsumed bytes.
    func keepLast(_ keep: Int) {
        start = max(start, end - keep)
    }
}
