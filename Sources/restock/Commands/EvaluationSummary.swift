import Evaluate
import Foundation

/// The printed form of a comparison: an aligned table (the JSON form is the job summary's `metrics`).
struct EvaluationSummary {
    let result: CrossValidatedComparison.Result
    let seconds: Double

    func table() -> String {
        EvaluationSummary.table(heading: "rows \(result.rows), users \(result.groups), features \(result.features.count), folds \(result.folds), "
            + "seconds \(String(format: "%.1f", seconds))", scores: result.scores)
    }

    /// A heading line, a blank line and one aligned row of pair and demand scores per model.
    static func table(heading: String, scores: [(name: String, scores: ModelScores)]) -> String {
        var lines = [heading, ""]
        let header = ["model", "R2", "MAE", "AUC", "logloss", "F1@0.2", "F1 exp", "|", "demand R2", "demand MAE", "products"]
        var rows = [header]
        for (name, s) in scores {
            rows.append([name, n(s.pair.r2), n(s.pair.mae), n(s.pair.auc), n(s.pair.logloss), n(s.pair.f1At02), n(s.pair.f1Expected),
                         "|", n(s.demand.r2), n(s.demand.mae), "\(s.demand.products)"])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max()! }
        for row in rows {
            lines.append(row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    private static func n(_ v: Double) -> String { v.isFinite ? String(format: "%.4f", v) : "nan" }
}

/// One model's scores in `evaluate --json`: the pooled out-of-fold `pair` and `demand` scores, and
/// `folds`, the same scores on each fold's held-out rows alone (their spread is the error bar).
struct FoldedScores: Encodable {
    let scores: ModelScores
    let folds: [ModelScores]

    enum CodingKeys: String, CodingKey { case pair, demand, folds }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scores.pair, forKey: .pair)
        try c.encode(scores.demand, forKey: .demand)
        try c.encode(folds, forKey: .folds)
    }
}
