import Decisions

/// Mean per-group F1 of predicted baskets under the Kaggle Instacart rules: a group's true set is
/// its rows with y = 1, or {None} when there are none; a prediction is a set of rows, or {None}.
public enum BasketF1 {
    /// (threshold F1, expected-F1 F1) averaged over groups. Rows of a group need not be contiguous.
    /// Cost O(n log n + Σ nᵍ²) (the expected-F1 search is quadratic in a group's size).
    public static func mean(probabilities p: [Double], labels y: [Double], groups: [Int32],
                            threshold: Double) -> (threshold: Double, expected: Double) {
        perGroup(probabilities: p, labels: y, groups: groups, threshold: threshold).mean()
    }

    /// Each group's two F1s, groups in ascending order of key when the rows are not in group order,
    /// else in their order of appearance (the order `mean` sums them in). Cost as `mean`.
    public static func perGroup(probabilities p: [Double], labels y: [Double], groups: [Int32],
                                threshold: Double) -> GroupF1s {
        precondition(p.count == y.count && y.count == groups.count, "BasketF1: one value per row")
        let order = rowOrder(groups)
        var out = GroupF1s()
        var i = 0
        while i < order.count {
            var j = i
            while j < order.count && groups[order[j]] == groups[order[i]] { j += 1 }
            let rows = Array(order[i..<j])
            let truth = Set(rows.indices.filter { y[rows[$0]] > 0.5 })
            let fixed = Set(rows.indices.filter { p[rows[$0]] >= threshold })
            let best = ExpectedF1Basket.choose(probabilities: rows.map { p[$0] })
            out.keys.append(groups[order[i]])
            out.threshold.append(f1(predicted: fixed, includesNone: fixed.isEmpty, truth: truth))
            out.expected.append(f1(predicted: Set(best.items), includesNone: best.includesNone, truth: truth))
            i = j
        }
        return out
    }

    /// Per-group F1s: `keys[g]`'s threshold and expected-F1 baskets' F1.
    public struct GroupF1s: Sendable, Equatable {
        public var keys: [Int32] = []
        public var threshold: [Double] = []
        public var expected: [Double] = []

        /// Both F1s averaged over the groups, summed in order (NaN when there is no group).
        public func mean() -> (threshold: Double, expected: Double) {
            guard !keys.isEmpty else { return (.nan, .nan) }
            var sumThreshold = 0.0, sumExpected = 0.0
            for g in keys.indices { sumThreshold += threshold[g]; sumExpected += expected[g] }
            return (sumThreshold / Double(keys.count), sumExpected / Double(keys.count))
        }

        /// The groups of several parts (each group in exactly one part) in the order `perGroup`
        /// gives for all the rows together, whose group keys are `groups`: so that `mean()` of the
        /// result equals `mean` on all the rows, bit for bit. Cost that of `rowOrder` plus O(rows).
        static func merging(_ parts: [GroupF1s], groups: [Int32]) -> GroupF1s {
            var at: [Int32: (part: Int, index: Int)] = [:]
            for (k, part) in parts.enumerated() { for (i, key) in part.keys.enumerated() { at[key] = (k, i) } }
            let order = BasketF1.rowOrder(groups)
            var out = GroupF1s()
            for (n, r) in order.enumerated() where n == 0 || groups[order[n - 1]] != groups[r] {
                let key = groups[r]
                guard let (k, i) = at[key] else { continue }
                out.keys.append(key)
                out.threshold.append(parts[k].threshold[i])
                out.expected.append(parts[k].expected[i])
            }
            return out
        }
    }

    /// The rows in the order their groups are taken: as they are when already in group order (as
    /// the features are built, user by user: no sort), else by group key, then row.
    static func rowOrder(_ groups: [Int32]) -> [Int] {
        let grouped = zip(groups, groups.dropFirst()).allSatisfy { $0 <= $1 }
        return grouped ? Array(groups.indices)
            : groups.indices.sorted { groups[$0] < groups[$1] || (groups[$0] == groups[$1] && $0 < $1) }
    }

    /// F1 with None as an item: truth {None} when `truth` is empty.
    static func f1(predicted: Set<Int>, includesNone: Bool, truth: Set<Int>) -> Double {
        let none = -1
        let guess = includesNone ? predicted.union([none]) : predicted
        let actual = truth.isEmpty ? [none] : truth
        return Metrics.f1Score(predicted: guess, actual: actual)
    }
}
