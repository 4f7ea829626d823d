/// The exact, sort-based split finder (scikit-learn's `BestSplitter`): the naive twin of the
/// histogram finder, used by tests. It sorts a node's rows by the raw value of a feature and tries a
/// threshold between every two consecutive distinct values, with missing rows on the right, then on
/// the left. When every feature has at most `maxBins` distinct values, each value has its own bin and
/// the two finders must choose the same partition with the same score.
/// Cost: O(n log n) per feature.
enum ExactSplitFinder {
    struct Result: Equatable {
        var feature: Int
        /// The largest non-missing value that goes left.
        var lastLeftValue: Float
        var missingLeft: Bool
        var score: Double
    }

    /// `column(f)` gives feature f's values by row; `samples` are the node's rows.
    static func best(samples: [Sample], features: [Int], minLeaf: Int, column: (Int) -> [Float]) -> Result? {
        let totalSum = samples.reduce(0.0) { $0 + Double($1.target) * Double($1.weight) }
        let totalWeight = samples.reduce(0.0) { $0 + Double($1.weight) }
        let n = samples.count
        var best: Result?
        for f in features {
            let x = column(f)
            let present = samples.filter { !x[Int($0.row)].isNaN }.sorted { x[Int($0.row)] < x[Int($1.row)] }
            let missing = samples.filter { x[Int($0.row)].isNaN }
            let ms = missing.reduce(0.0) { $0 + Double($1.target) * Double($1.weight) }
            let mw = missing.reduce(0.0) { $0 + Double($1.weight) }
            var ls = 0.0, lw = 0.0
            for i in 0..<present.count {
                let s = present[i]
                ls += Double(s.target) * Double(s.weight)
                lw += Double(s.weight)
                let v = x[Int(s.row)]
                if i + 1 < present.count && x[Int(present[i + 1].row)] == v { continue }
                for missingLeft in [false, true] where missingLeft == false || !missing.isEmpty {
                    let lc = i + 1 + (missingLeft ? missing.count : 0)
                    let sl = ls + (missingLeft ? ms : 0), wl = lw + (missingLeft ? mw : 0)
                    let rc = n - lc
                    if lc < minLeaf || rc < minLeaf { continue }
                    let sr = totalSum - sl, wr = totalWeight - wl
                    let score = sl * sl / wl + sr * sr / wr
                    if best == nil || score > best!.score {
                        best = Result(feature: f, lastLeftValue: v, missingLeft: missingLeft, score: score)
                    }
                }
            }
        }
        return best
    }
}
