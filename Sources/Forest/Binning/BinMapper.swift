import Dispatch
import Tabular

/// Per-feature quantile bins, fitted once on the training matrix and saved with the model.
///
/// Feature j has `edges[j]` = e_0 < e_1 < ... < e_{k-1} (k ≤ 254) and k + 1 value bins. The code of a
/// value x is
///   - k + 1 (`valueBinCount`, the missing bin) when x is NaN,
///   - else the smallest b with x ≤ e_b, or k when x > e_{k-1}.
/// A split "left = codes ≤ t" is therefore the float test `x ≤ e_t` (t < k), and t = k means "every
/// non-missing value goes left" (threshold +∞); so prediction on Float32 values never needs the codes.
///
/// Edges: the distinct non-missing values of a sample of rows (all rows up to `sampleRowLimit`) are
/// sorted; with at most `maxBins` distinct values every value gets its own bin, else bins are closed
/// greedily when the running count crosses the next multiple of (sample size / maxBins). An edge is
/// the midpoint of the last value of a bin and the first of the next, rounded to Float and kept
/// strictly below the next value, so each training value falls in the bin it was counted in.
/// Cost: O(s log s) per feature for a sample of s rows; coding is O(n · p · log k), 8 branch-free steps.
public struct BinMapper: Sendable, Equatable {
    /// Rows sampled to fit the edges (LightGBM's `bin_construct_sample_cnt` is 200 000 too).
    public static let sampleRowLimit = 200_000

    /// Upper edges per feature, in schema order.
    public let edges: [[Float]]

    public init(edges: [[Float]]) {
        self.edges = edges
    }

    public var featureCount: Int { edges.count }

    /// Number of value bins of a feature (edges + 1); the missing bin is extra.
    public func valueBinCount(_ feature: Int) -> Int { edges[feature].count + 1 }

    /// The float threshold of the split "codes ≤ bin": the bin's upper edge, +∞ for the last bin.
    public func threshold(feature: Int, bin: Int) -> Float {
        bin < edges[feature].count ? edges[feature][bin] : .infinity
    }

    /// The code of one value (reference implementation, linear scan); NaN has code `valueBinCount`.
    public func code(_ x: Float, feature: Int) -> UInt8 {
        if x.isNaN { return UInt8(valueBinCount(feature)) }
        let e = edges[feature]
        var b = 0
        while b < e.count && x > e[b] { b += 1 }
        return UInt8(b)
    }

    /// Fits edges on `matrix` with at most `maxBins` value bins per feature, sampling rows with `seed`
    /// when there are more than `sampleRowLimit`.
    public static func fit(_ matrix: FeatureMatrix, maxBins: Int, seed: UInt64, threads: Int = 1) -> BinMapper {
        precondition((2...255).contains(maxBins), "maxBins must be in 2...255")
        let n = matrix.rowCount, p = matrix.featureCount
        let rows = sampleRows(rowCount: n, limit: sampleRowLimit, seed: seed)
        var result = [[Float]](repeating: [], count: p)
        matrix.values.withUnsafeBufferPointer { values in
            nonisolated(unsafe) let values = values
            nonisolated(unsafe) let out = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: p)
            out.initialize(repeating: [])
            defer { out.deallocate() }
            let workers = max(1, min(threads, p))
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var sample = [Float]()
                sample.reserveCapacity(rows?.count ?? n)
                var j = w
                while j < p {
                    sample.removeAll(keepingCapacity: true)
                    let column = values.baseAddress! + j * n
                    if let rows {
                        for r in rows where !column[r].isNaN { sample.append(column[r]) }
                    } else {
                        for r in 0..<n where !column[r].isNaN { sample.append(column[r]) }
                    }
                    out[j] = edgesFor(&sample, maxBins: maxBins)
                    j += workers
                }
            }
            for j in 0..<p { result[j] = out[j] }
        }
        return BinMapper(edges: result)
    }

    /// Edges for one feature's non-missing sample (sorted in place).
    static func edgesFor(_ sample: inout [Float], maxBins: Int) -> [Float] {
        if sample.isEmpty { return [] }
        sample.sort()
        var values: [Float] = [], counts: [Int] = []
        for x in sample {
            if let last = values.last, last == x { counts[counts.count - 1] += 1 } else {
                values.append(x)
                counts.append(1)
            }
        }
        var edges: [Float] = []
        if values.count <= maxBins {
            for i in 0..<(values.count - 1) { edges.append(midpoint(values[i], values[i + 1])) }
            return edges
        }
        let perBin = Double(sample.count) / Double(maxBins)
        var cumulative = 0, nextCut = 1.0
        for i in 0..<(values.count - 1) {
            cumulative += counts[i]
            if Double(cumulative) >= nextCut * perBin {
                edges.append(midpoint(values[i], values[i + 1]))
                while nextCut * perBin <= Double(cumulative) { nextCut += 1 }
                if edges.count == maxBins - 1 { break }
            }
        }
        return edges
    }

    /// A Float m with a ≤ m < b, as near (a + b) / 2 as Float allows.
    static func midpoint(_ a: Float, _ b: Float) -> Float {
        let m = Float((Double(a) + Double(b)) / 2)
        return (m >= a && m < b) ? m : a
    }

    /// Sorted sample rows (stratified: one uniform row from each of `limit` equal strata), or nil
    /// when every row is used.
    static func sampleRows(rowCount n: Int, limit: Int, seed: UInt64) -> [Int]? {
        guard n > limit else { return nil }
        var rng = SplitMix64(seed: seed ^ 0xB1A5_ED6E_5A3D_1E0F)
        return (0..<limit).map { i in
            let lo = i * n / limit, hi = (i + 1) * n / limit
            return lo + rng.integer(below: hi - lo)
        }
    }
}
