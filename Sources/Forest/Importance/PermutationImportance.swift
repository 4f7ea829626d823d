import Dispatch
import Tabular

/// Permutation importance on out-of-bag rows (Breiman 2001, at the level of the ensemble).
///
/// A sample R of rows is drawn once; for each row, its out-of-bag prediction is the mean of the trees
/// for which it was out of bag. The baseline is the out-of-bag mean squared error over R. For feature
/// j, the codes of j are shuffled among the rows of R (a seeded permutation per feature), the
/// out-of-bag predictions are recomputed, and importance_j = MSE_j − baseline (≥ 0 for a useful
/// feature, about 0 for noise). Features are processed in parallel, each independently, so the result
/// does not depend on the thread count. Cost: O(p · |R| · T_oob · depth).
enum PermutationImportance {
    /// Up to `limit` rows, spread evenly over the matrix (stratified, seeded); empty when limit is 0.
    static func sampleRows(rowCount n: Int, limit: Int, seed: UInt64) -> [Int] {
        guard limit > 0, n > 0 else { return [] }
        if n <= limit { return Array(0..<n) }
        var rng = SplitMix64(seed: seed ^ 0x5EED_0F_0B_5EED)
        return (0..<limit).map { i in
            let lo = i * n / limit, hi = (i + 1) * n / limit
            return lo + rng.integer(below: hi - lo)
        }
    }

    /// `outOfBag[t * rows.count + i]` is 1 when rows[i] was out of bag for tree t.
    static func compute(trees: [DecisionTree], binned: BinnedMatrix, target: [Float], rows: [Int], outOfBag: [UInt8],
                        seed: UInt64, threads: Int) -> [Double] {
        let p = binned.featureCount, k = rows.count
        var gathered = [UInt8](repeating: 0, count: k * p)
        for (i, r) in rows.enumerated() {
            for f in 0..<p { gathered[i * p + f] = binned.codes[r * binned.rowStride + f] }
        }
        let local = gathered
        let y = rows.map { Double(target[$0]) }
        let valueBins = binned.valueBinCounts
        let baseline = meanSquaredError(trees: trees, codes: local, featureCount: p, valueBins: valueBins, y: y, outOfBag: outOfBag)
        var result = [Double](repeating: 0, count: p)
        result.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            let workers = max(1, min(threads, p))
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var f = w
                while f < p {
                    var shuffled = local
                    var rng = SplitMix64(seed: seed &+ 0x9E37_79B9 &* UInt64(f + 1))
                    var order = Array(0..<k)
                    for i in stride(from: k - 1, to: 0, by: -1) { order.swapAt(i, rng.integer(below: i + 1)) }
                    for i in 0..<k { shuffled[i * p + f] = local[order[i] * p + f] }
                    out[f] = meanSquaredError(trees: trees, codes: shuffled, featureCount: p, valueBins: valueBins, y: y,
                                              outOfBag: outOfBag) - baseline
                    f += workers
                }
            }
        }
        return result
    }

    /// Out-of-bag MSE over the rows (of `codes`, row-major) that have at least one out-of-bag tree.
    static func meanSquaredError(trees: [DecisionTree], codes: [UInt8], featureCount p: Int, valueBins: [Int], y: [Double],
                                 outOfBag: [UInt8]) -> Double {
        let k = y.count
        var sums = [Double](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
        for (t, tree) in trees.enumerated() {
            for i in 0..<k where outOfBag[t * k + i] != 0 {
                var node = 0
                while tree.feature[node] >= 0 {
                    let f = Int(tree.feature[node])
                    let c = codes[i * p + f]
                    let goLeft = Int(c) == valueBins[f] ? tree.missingGoesLeft[node] != 0 : c <= tree.thresholdBin[node]
                    node = Int(goLeft ? tree.left[node] : tree.right[node])
                }
                sums[i] += Double(tree.value[node])
                counts[i] += 1
            }
        }
        var sse = 0.0, rows = 0
        for i in 0..<k where counts[i] > 0 {
            let e = y[i] - sums[i] / Double(counts[i])
            sse += e * e
            rows += 1
        }
        return rows > 0 ? sse / Double(rows) : 0
    }
}
