import Tabular
import TestSupport

/// Small seeded datasets for the forest tests.
enum ToyData {
    /// `features` columns; column 0 is uniform in [0, 1); the others are noise with `distinct`
    /// distinct values each (0 = continuous). y = 1{x0 > 0.5} + N(0, noise²)-ish (uniform noise).
    static func step(rows: Int, features: Int = 4, noise: Float = 0.2, distinct: Int = 0, seed: UInt64 = 1) -> (FeatureMatrix, [Float]) {
        var rng = TestRandom(seed: seed)
        var columns: [[Float]] = []
        for j in 0..<features {
            columns.append((0..<rows).map { _ in
                let u = Float(rng.next() >> 40) / Float(1 << 24)
                if distinct > 0 && j > 0 { return (u * Float(distinct)).rounded(.down) }
                return u
            })
        }
        let y: [Float] = (0..<rows).map { r in
            let u = Float(rng.next() >> 40) / Float(1 << 24)
            return (columns[0][r] > 0.5 ? 1 : 0) + noise * (2 * u - 1) * 1.7
        }
        let schema = FeatureSchema(names: (0..<features).map { "x\($0)" })
        return (FeatureMatrix(schema: schema, columns: columns), y)
    }

    /// Integer-valued features with fewer than `distinct` values, some NaN, and a noisy target.
    static func discrete(rows: Int, features: Int, distinct: Int, missingRate: Double, seed: UInt64) -> (FeatureMatrix, [Float]) {
        var rng = TestRandom(seed: seed)
        var columns: [[Float]] = []
        for _ in 0..<features {
            columns.append((0..<rows).map { _ in
                if Double(rng.next() >> 11) / Double(1 << 53) < missingRate { return .nan }
                return Float(rng.next() % UInt64(distinct))
            })
        }
        let y: [Float] = (0..<rows).map { r in
            let a = columns[0][r].isNaN ? 3 : columns[0][r]
            let b = columns[1 % features][r].isNaN ? 0 : columns[1 % features][r]
            return Float(a * 0.1 + (b > 5 ? 1 : 0)) + Float(rng.next() % 100) / 100
        }
        let schema = FeatureSchema(names: (0..<features).map { "f\($0)" })
        return (FeatureMatrix(schema: schema, columns: columns), y)
    }
}
