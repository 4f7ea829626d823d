/// XXH64, Yann Collet's 64-bit xxHash (the reference is xxhash.h, `XXH64`), computed incrementally:
/// feeding the bytes in any number of pieces gives the same value as hashing them at once, and the
/// value equals `XXH64(bytes, length, seed)` of the C library, `xxhash.xxh64_intdigest` in Python
/// and `xxhsum -H1`. Not cryptographic: it tells apart data sets and models that differ by accident,
/// not by design. Four 64-bit lanes per 32-byte stripe, several GB/s; cost O(bytes), no allocation.
public struct XXHash64: Sendable {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var lanes: (UInt64, UInt64, UInt64, UInt64)
    /// Bytes not yet hashed, fewer than 32.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0
    private var totalLength: UInt64 = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        lanes = (seed &+ Self.prime1 &+ Self.prime2, seed &+ Self.prime2, seed, seed &- Self.prime1)
    }

    /// The hash of `bytes` at once.
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        var hasher = XXHash64(seed: seed)
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.value
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        let a = accumulator &+ input &* prime2
        return ((a << 31) | (a >> 33)) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        (accumulator ^ round(0, lane)) &* prime1 &+ prime4
    }

    @inline(__always)
    private static func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    /// Hashes one 32-byte stripe at `p`.
    @inline(__always)
    private mutating func stripe(_ p: UnsafeRawPointer) {
        lanes.0 = Self.round(lanes.0, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        lanes.1 = Self.round(lanes.1, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        lanes.2 = Self.round(lanes.2, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        lanes.3 = Self.round(lanes.3, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// Adds `bytes` to the hashed data.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        totalLength &+= UInt64(remaining)
        if pendingCount > 0 {
            let take = min(32 - pendingCount, remaining)
            let count = pendingCount
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.advanced(by: count).copyMemory(from: p, byteCount: take) }
            pendingCount += take
            p += take
            remaining -= take
            guard pendingCount == 32 else { return }
            var full = pending
            withUnsafeBytes(of: &full) { stripe($0.baseAddress!) }
            pendingCount = 0
        }
        while remaining >= 32 {
            stripe(p)
            p += 32
            remaining -= 32
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: p, byteCount: remaining) }
            pendingCount = remaining
        }
    }

    /// Adds the little-endian bytes of an integer.
    public mutating func update<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    /// Adds the UTF-8 byte count of `text` as a UInt64, then its UTF-8 bytes.
    public mutating func update(text: String) {
        let utf8 = Array(text.utf8)
        update(UInt64(utf8.count))
        utf8.withUnsafeBytes { update($0) }
    }

    /// Adds the bytes of every element of a contiguous array (memory order, which is little-endian
    /// order on every platform Restock builds for).
    public mutating func update<T>(contentsOf array: [T]) {
        array.withUnsafeBytes { update($0) }
    }

    /// The hash of everything added so far (the hasher can go on being updated).
    public var value: UInt64 {
        var h: UInt64
        if totalLength >= 32 {
            h = Self.rotate(lanes.0, 1) &+ Self.rotate(lanes.1, 7) &+ Self.rotate(lanes.2, 12) &+ Self.rotate(lanes.3, 18)
            h = Self.merge(h, lanes.0)
            h = Self.merge(h, lanes.1)
            h = Self.merge(h, lanes.2)
            h = Self.merge(h, lanes.3)
        } else {
            h = seed &+ Self.prime5
        }
        h &+= totalLength
        var tail = pending
        let count = pendingCount
        withUnsafeBytes(of: &tail) { raw in
            var i = 0
            while i + 8 <= count {
                h ^= Self.round(0, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = Self.rotate(h, 27) &* Self.prime1 &+ Self.prime4
                i += 8
            }
            if i + 4 <= count {
                h ^= UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.prime1
                h = Self.rotate(h, 23) &* Self.prime2 &+ Self.prime3
                i += 4
            }
            while i < count {
                h ^= UInt64(raw[i]) &* Self.prime5
                h = Self.rotate(h, 11) &* Self.prime1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.prime2
        h ^= h >> 29
        h &*= Self.prime3
        h ^= h >> 32
        return h
    }
}
