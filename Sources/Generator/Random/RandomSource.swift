import Tabular

/// xoshiro256** (Blackman & Vigna 2018): a fast 64-bit generator with 256 bits of state, period
/// 2^256 - 1, seeded through `SplitMix64` (Tabular) so that nearby seeds give unrelated streams.
///
/// The generator never reads a clock or a global: every stream is derived from the master seed by
/// `RandomSource(master:stream:index:)`, a counter-based hash of (master, stream, index). This is what
/// makes the generated data the same whatever the thread count: user `u` always draws from the stream
/// `(seed, .user, u)`, whichever thread simulates it.
///
/// Uniform integers come from `integer(below:)` (Lemire's method, Tabular) like the forest's.
///
/// Cost: `next()` is a handful of shifts, rotations and one multiply (~1 ns).
public struct RandomSource: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64
    /// The second value of the last polar-method pair, if not used yet (see `normal()`).
    @usableFromInline var spareNormal: Double = .nan

    /// Seeds the 256-bit state with four SplitMix64 outputs of `seed` (never all zero).
    public init(seed: UInt64) {
        var sm = seed
        s0 = SplitMix64.step(&sm)
        s1 = SplitMix64.step(&sm)
        s2 = SplitMix64.step(&sm)
        s3 = SplitMix64.step(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The stream number `index` of kind `stream` under `master`: a counter-based derivation
    /// (two SplitMix64 finalisers over the mixed triple), so streams can be created in any order
    /// and on any thread.
    public init(master: UInt64, stream: UInt64, index: UInt64) {
        let a = SplitMix64.mix(master &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1))
        self.init(seed: SplitMix64.mix(a ^ (index &* 0xD1B5_4A32_D192_ED03 &+ 0x8CB9_2BA7_2F3D_8DD7)))
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform on the open interval (0, 1): safe to take the logarithm of.
    @inlinable @inline(__always)
    public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    @inlinable @inline(__always)
    func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }
}

/// The kinds of random stream drawn from one master seed (the `stream` of
/// `RandomSource(master:stream:index:)`). Adding a kind never changes the others' streams.
enum RandomStream: UInt64 {
    /// Catalog: product ids, popularity, reorderability, names.
    case catalog = 1
    /// Per user (index = user id): number of orders and test/train flag, drawn in the first pass.
    case userPlan = 2
    /// Per user (index = user id): everything else about the user.
    case userLife = 3
    /// The order-id permutation.
    case orderIDs = 4
}
