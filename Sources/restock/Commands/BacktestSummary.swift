import Evaluate
import Foundation

/// The stock backtest of `evaluate`, printed after the scores: for every model, the stock rule on
/// its out-of-fold probabilities with σ² = Σ p(1 − p) (φ = 1, TASK.md's rule), and for each model
/// again with the overdispersion φ̂ estimated from its own out-of-fold residuals (in-sample for φ).
/// The naive model's rows are the "past rate" policy: p = up_rate.
struct BacktestSummary {
    let result: CrossValidatedComparison.Result

    func table() -> String {
        var rows = [["model", "phi", "level", "achieved", "short", "over", "stock"]]
        var demandLine = ""
        for (name, _) in result.scores {
            guard let p = result.predictions[name] else { continue }
            let clipped = p.map { min(max($0, 0), 1) }
            let demand = DemandAggregation(items: result.itemKeys, probabilities: clipped, labels: result.labels)
            let phi = StockBacktest.dispersion(demand)
            for dispersion in [1, phi] {
                let backtest = StockBacktest(demand, dispersion: dispersion)
                demandLine = "products \(backtest.products), realised demand \(Int(backtest.demand)) units"
                for level in backtest.levels {
                    rows.append([name, String(format: "%.3f", dispersion), String(format: "%.2f", level.target),
                                 String(format: "%.4f", level.achieved), String(format: "%.0f", level.unitsShort),
                                 String(format: "%.0f", level.unitsOver), String(format: "%.0f", level.stock)])
                }
            }
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        let body = rows.map { row in
            row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return (["", "stock backtest (labelled users' next orders; \(demandLine)):"] + body).joined(separator: "\n")
    }
}
