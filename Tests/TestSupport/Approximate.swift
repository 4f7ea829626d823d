/// Approximate equality with a stated absolute tolerance; NaN equals NaN.
public func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance
}

public func isClose(_ a: Float, _ b: Float, tolerance: Float = 1e-6) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance
}

/// SplitMix64: a small, fast, repeatable generator for test data.
public struct TestRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Equal bit for bit (so NaN equals NaN): the test of "identical" matrices.
public func bitwiseEqual(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}
