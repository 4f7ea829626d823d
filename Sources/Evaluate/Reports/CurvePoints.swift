/// Points of the curves a report draws, computed from scores and 0/1 labels.
public enum CurvePoints {
    /// The ROC curve (false-positive rate, true-positive rate), one point per distinct score from
    /// the highest down, thinned to at most `limit` points. Cost O(n log n).
    public static func roc(labels: [Double], scores: [Double], limit: Int = 200) -> (fpr: [Double], tpr: [Double]) {
        let positives = Double(labels.filter { $0 > 0.5 }.count)
        let negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else { return ([0, 1], [0, 1]) }
        let counts = cumulativeCounts(labels: labels, scores: scores)
        let fpr = [0] + counts.map { $0.fp / negatives }, tpr = [0] + counts.map { $0.tp / positives }
        let picks = thinned(fpr.count, to: limit)
        return (picks.map { fpr[$0] }, picks.map { tpr[$0] })
    }

    /// Per distinct score from the highest down, the true and false positives among the rows scored
    /// at least that high (ties form one step). Cost O(n log n).
    static func cumulativeCounts(labels: [Double], scores: [Double]) -> [(tp: Double, fp: Double)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var out: [(tp: Double, fp: Double)] = []
        var tp = 0.0, fp = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j < order.count && scores[order[j]] == scores[order[i]] {
                if labels[order[j]] > 0.5 { tp += 1 } else { fp += 1 }
                j += 1
            }
            out.append((tp, fp))
            i = j
        }
        return out
    }

    /// The indices of `count` points kept for a curve of at most `limit` points: all of them, or
    /// `limit` evenly spaced ones from the first to the last.
    static func thinned(_ count: Int, to limit: Int) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        let step = Double(count - 1) / Double(limit - 1)
        return (0..<limit).map { Int((Double($0) * step).rounded()) }
    }

    /// Calibration: rows sorted by predicted probability and cut into `bins` equal-count bins; per
    /// bin, the mean prediction and the observed rate of positives. Cost O(n log n).
    public static func calibration(labels: [Double], probabilities: [Double], bins: Int = 10) -> (predicted: [Double], observed: [Double]) {
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        guard !order.isEmpty else { return ([], []) }
        var predicted: [Double] = [], observed: [Double] = []
        for b in 0..<bins {
            let lo = b * order.count / bins, hi = (b + 1) * order.count / bins
            guard hi > lo else { continue }
            var sp = 0.0, sy = 0.0
            for k in lo..<hi { sp += probabilities[order[k]]; sy += labels[order[k]] }
            predicted.append(sp / Double(hi - lo))
            observed.append(sy / Double(hi - lo))
        }
        return (predicted, observed)
    }

    /// The precision-recall curve: one (recall, precision) point per distinct score from the
    /// highest down, precision = TP / (TP + FP) and recall = TP / P among the rows scored at least
    /// that high, thinned to at most `limit` points; also the average precision
    /// AP = Σ (Rₖ − Rₖ₋₁) Pₖ (the step-wise area, as scikit-learn's). Cost O(n log n).
    public static func precisionRecall(labels: [Double], scores: [Double], limit: Int = 200)
        -> (recall: [Double], precision: [Double], averagePrecision: Double) {
        let positives = Double(labels.filter { $0 > 0.5 }.count)
        guard positives > 0 else { return ([], [], .nan) }
        var recall: [Double] = [], precision: [Double] = []
        var ap = 0.0, lastRecall = 0.0
        for (tp, fp) in cumulativeCounts(labels: labels, scores: scores) {
            let r = tp / positives, p = tp / (tp + fp)
            ap += (r - lastRecall) * p
            lastRecall = r
            if tp > 0 {     // before the first positive, recall is 0 and precision says nothing
                recall.append(r)
                precision.append(p)
            }
        }
        let picks = thinned(recall.count, to: limit)
        return (picks.map { recall[$0] }, picks.map { precision[$0] }, ap)
    }

    /// Counts of `values` in `bins` equal-width bins over [lo, hi] (values outside are clamped
    /// into the end bins; NaN skipped), with the bin centres. Cost O(n).
    public static func histogram(_ values: [Double], bins: Int, lo: Double = 0, hi: Double = 1) -> (centres: [Double], counts: [Double]) {
        var counts = [Double](repeating: 0, count: bins)
        let width = (hi - lo) / Double(bins)
        for v in values where v.isFinite {
            counts[min(max(Int((v - lo) / width), 0), bins - 1)] += 1
        }
        return ((0..<bins).map { lo + (Double($0) + 0.5) * width }, counts)
    }
}
