import Tabular

/// Approximate equality with a stated absolute tolerance; NaN equals NaN.
public func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance
}

public func isClose(_ a: Float, _ b: Float, tolerance: Float = 1e-6) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance
}

/// The repeatable generator of test data: the project's one random source.
public typealias TestRandom = SplitMix64

/// Equal bit for bit (so NaN equals NaN): the test of "identical" matrices.
public func bitwiseEqual(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}
