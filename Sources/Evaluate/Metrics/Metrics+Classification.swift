import Decisions

extension Metrics {
    /// Area under the ROC curve for 0/1 labels (label > 0.5 is positive) and real scores, by the
    /// Mann–Whitney rank sum: AUC = (Σ ranks of positives − n₊(n₊+1)/2) / (n₊ n₋), with tied scores
    /// given their average rank (so a tie between a positive and a negative counts one half).
    /// NaN when only one class is present (AUC is undefined there). Cost O(n log n).
    public static func areaUnderROC(labels: [Double], scores: [Double]) -> Double {
        precondition(labels.count == scores.count, "areaUnderROC: lengths differ")
        // (score, label) pairs sorted by value: contiguous, so faster than sorting indices; the
        // order inside a tie does not matter, as every row of a tie gets the same average rank.
        var pairs = zip(scores, labels).map { (score: $0, positive: $1 > 0.5) }
        pairs.sort { $0.score < $1.score }
        var positives = 0.0, rankSum = 0.0
        var i = 0
        while i < pairs.count {
            var j = i
            while j + 1 < pairs.count && pairs[j + 1].score == pairs[i].score { j += 1 }
            let averageRank = Double(i + j) / 2 + 1          // ranks are 1-based
            for k in i...j where pairs[k].positive {
                positives += 1
                rankSum += averageRank
            }
            i = j + 1
        }
        let negatives = Double(pairs.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Mean binary log loss −Σ [y ln p + (1 − y) ln(1 − p)] / n with p clipped to
    /// [ε, 1 − ε], ε = 1e-15 (as scikit-learn), so a confident mistake costs ≈ 34.5, not ∞.
    /// NaN for empty input. Cost O(n).
    public static func logLoss(labels: [Double], probabilities: [Double], epsilon: Double = 1e-15) -> Double {
        precondition(labels.count == probabilities.count, "logLoss: lengths differ")
        guard !labels.isEmpty else { return .nan }
        var sum = 0.0
        for i in labels.indices {
            let p = min(max(probabilities[i], epsilon), 1 - epsilon)
            let y = labels[i]
            sum -= y * _log(p) + (1 - y) * _log(1 - p)
        }
        return sum / Double(labels.count)
    }

    /// F1 of a predicted set against a true set: 2|P ∩ T| / (|P| + |T|). Two empty sets agree
    /// perfectly (F1 = 1); exactly one empty set gives 0. Cost O(|P| + |T|). The definition lives
    /// with the baskets it scores (`ExpectedF1Basket.f1Score`, Decisions).
    public static func f1Score<T: Hashable>(predicted: Set<T>, actual: Set<T>) -> Double {
        ExpectedF1Basket.f1Score(predicted: predicted, actual: actual)
    }
}

@inline(__always)
func _log(_ x: Double) -> Double {
    // Natural log without Foundation.
    x.isFinite && x > 0 ? Double.log(x) : (x == 0 ? -.infinity : .nan)
}

extension Double {
    /// ln x, through the C library.
    static func log(_ x: Double) -> Double { _stdlib_log(x) }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _stdlib_log(_ x: Double) -> Double { Glibc.log(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _stdlib_log(_ x: Double) -> Double { Darwin.log(x) }
#endif
