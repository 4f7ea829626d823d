/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast generator whose whole state is one UInt64,
/// so a stream is fixed by its seed alone, whatever thread draws from it. The forest draws every
/// tree's bootstrap and feature choices from one; the data generator seeds its xoshiro256** streams
/// with its steps (`step(_:)`) and its finaliser (`mix(_:)`).
///
/// Cost: one add, two multiplies and three shift-xors per draw.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        Self.step(&state)
    }

    /// Advances `state` by the golden-ratio increment and returns its mixed value.
    @inlinable
    public static func step(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// The SplitMix64 finaliser, a bijective 64-bit mixing function.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The first `count` outputs of the stream started at `masterSeed`: one seed per parallel task
    /// (a forest's trees), drawn before the tasks start so that task i's seed does not depend on the
    /// thread count.
    public static func seeds(masterSeed: UInt64, count: Int) -> [UInt64] {
        var rng = SplitMix64(seed: masterSeed)
        return (0..<count).map { _ in rng.next() }
    }
}

extension RandomNumberGenerator {
    /// A uniform integer in 0..<bound (bound > 0): Lemire's multiply-shift with rejection, unbiased,
    /// one 128-bit multiply per draw (rarely more).
    @inlinable
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }
}
