import Forest
import Tabular

/// Permutation importance of a trained forest on held-out rows (rows of users it never saw):
/// for feature j, importance_j = L(y, f(X with column j shuffled)) − L(y, f(X)), where L is the
/// log loss of the predictions clipped to [ε, 1 − ε]. A feature the model leans on raises the
/// loss when its values are shuffled across rows; a useless one leaves it unchanged (≈ 0, and a
/// little below 0 by chance). Correlated features share their importance: shuffling one leaves the
/// other to carry the signal. Rows: up to `rows` of the matrix, spread evenly; one seeded
/// permutation per feature. Cost: (p + 1) predictions of `rows` rows, O(p · rows · trees · depth).
public enum HeldOutPermutationImportance {
    public static func logLossIncrease(model: ForestModel, features: FeatureMatrix, labels: [Double], rows limit: Int,
                                       seed: UInt64, threads: Int) -> [Double] {
        let n = features.rowCount
        guard n > 0, limit > 0, labels.count == n else { return [Double](repeating: .nan, count: features.featureCount) }
        let picked = n <= limit ? Array(0..<n) : (0..<limit).map { $0 * n / limit }
        let sample = features.selectingRows(picked)
        let y = picked.map { labels[$0] }
        func loss(_ m: FeatureMatrix) -> Double {
            let p = ((try? model.predict(m, threads: threads)) ?? []).map { min(max(Double($0), 0), 1) }
            return Metrics.logLoss(labels: y, probabilities: p)
        }
        let baseline = loss(sample)
        let k = sample.rowCount
        return (0..<sample.featureCount).map { j in
            var generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(j + 1))
            var order = Array(0..<k)
            order.shuffle(using: &generator)
            var values = sample.values
            let column = Array(sample.column(j))
            for r in 0..<k { values[j * k + r] = column[order[r]] }
            return loss(FeatureMatrix(rowCount: k, schema: sample.schema, values: values)) - baseline
        }
    }
}
