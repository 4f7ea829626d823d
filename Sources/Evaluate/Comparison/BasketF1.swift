import Decisions

/// Mean per-group F1 of predicted baskets under the Kaggle Instacart rules: a group's true set is
/// its rows with y = 1, or {None} when there are none; a prediction is a set of rows, or {None}.
public enum BasketF1 {
    /// (threshold F1, expected-F1 F1) averaged over groups. Rows of a group need not be contiguous.
    /// Cost O(n log n + Σ nᵍ²) (the expected-F1 search is quadratic in a group's size).
    public static func mean(probabilities p: [Double], labels y: [Double], groups: [Int32],
                            threshold: Double) -> (threshold: Double, expected: Double) {
        precondition(p.count == y.count && y.count == groups.count, "BasketF1: one value per row")
        // Rows in group order already (as the features are built, user by user) need no sort.
        let grouped = zip(groups, groups.dropFirst()).allSatisfy { $0 <= $1 }
        let order = grouped ? Array(groups.indices)
            : groups.indices.sorted { groups[$0] < groups[$1] || (groups[$0] == groups[$1] && $0 < $1) }
        var sumThreshold = 0.0, sumExpected = 0.0, count = 0
        var i = 0
        while i < order.count {
            var j = i
            while j < order.count && groups[order[j]] == groups[order[i]] { j += 1 }
            let rows = Array(order[i..<j])
            let truth = Set(rows.indices.filter { y[rows[$0]] > 0.5 })
            let fixed = Set(rows.indices.filter { p[rows[$0]] >= threshold })
            sumThreshold += f1(predicted: fixed, includesNone: fixed.isEmpty, truth: truth)
            let best = ExpectedF1Basket.choose(probabilities: rows.map { p[$0] })
            sumExpected += f1(predicted: Set(best.items), includesNone: best.includesNone, truth: truth)
            count += 1
            i = j
        }
        guard count > 0 else { return (.nan, .nan) }
        return (sumThreshold / Double(count), sumExpected / Double(count))
    }

    /// F1 with None as an item: truth {None} when `truth` is empty.
    static func f1(predicted: Set<Int>, includesNone: Bool, truth: Set<Int>) -> Double {
        let none = -1
        let guess = includesNone ? predicted.union([none]) : predicted
        let actual = truth.isEmpty ? [none] : truth
        return Metrics.f1Score(predicted: guess, actual: actual)
    }
}
