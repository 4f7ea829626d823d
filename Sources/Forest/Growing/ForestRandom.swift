/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast generator whose whole state is one UInt64,
/// so a tree's stream is fixed by its seed alone whatever thread grows it.
///
/// `bounded(_:)` is Lemire's multiply-shift with rejection: unbiased, one 128-bit multiply per draw.
public struct ForestRandom: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound (bound > 0).
    @inlinable
    public mutating func bounded(_ bound: Int) -> Int {
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// The per-tree seeds of a forest: the first `count` outputs of the stream started at `seed`.
    /// Drawn before any tree is grown, so tree i's seed does not depend on the thread count.
    public static func treeSeeds(masterSeed: UInt64, count: Int) -> [UInt64] {
        var rng = ForestRandom(seed: masterSeed)
        return (0..<count).map { _ in rng.next() }
    }
}
