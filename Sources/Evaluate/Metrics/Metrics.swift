/// Scoring functions over predictions `ŷ` and observed values `y` (equal lengths). Each states its
/// formula, its edge cases and its cost; all accumulate in `Double`.
public enum Metrics {}

extension Metrics {
    /// Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)².
    /// Edge cases (as scikit-learn's `r2_score`): a constant `y` gives 1 when every prediction is
    /// exact and 0 otherwise; empty input gives NaN. Cost O(n).
    public static func rSquared(_ observed: [Double], _ predicted: [Double]) -> Double {
        precondition(observed.count == predicted.count, "rSquared: lengths differ")
        guard !observed.isEmpty else { return .nan }
        let mean = observed.reduce(0, +) / Double(observed.count)
        var residual = 0.0, total = 0.0
        for i in observed.indices {
            let e = observed[i] - predicted[i], d = observed[i] - mean
            residual += e * e
            total += d * d
        }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    /// Mean absolute error Σ|y − ŷ| / n; NaN for empty input. Cost O(n).
    public static func meanAbsoluteError(_ observed: [Double], _ predicted: [Double]) -> Double {
        precondition(observed.count == predicted.count, "meanAbsoluteError: lengths differ")
        guard !observed.isEmpty else { return .nan }
        var sum = 0.0
        for i in observed.indices { sum += abs(observed[i] - predicted[i]) }
        return sum / Double(observed.count)
    }

    /// Root mean squared error √(Σ(y − ŷ)² / n); NaN for empty input. Cost O(n).
    public static func rootMeanSquaredError(_ observed: [Double], _ predicted: [Double]) -> Double {
        precondition(observed.count == predicted.count, "rootMeanSquaredError: lengths differ")
        guard !observed.isEmpty else { return .nan }
        var sum = 0.0
        for i in observed.indices { let e = observed[i] - predicted[i]; sum += e * e }
        return (sum / Double(observed.count)).squareRoot()
    }
}
