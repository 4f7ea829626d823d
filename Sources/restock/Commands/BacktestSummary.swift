import Evaluate
import Foundation
import Tabular

/// The stock backtest of `evaluate`, printed after the scores and written under `result.stock_backtest`
/// of `--json`: `StockBacktestSuite` over four policies, each a probability per labelled row:
/// - `forest`, `ridge`: the models' out-of-fold predictions;
/// - `past_rate`: the user's past rate, p = up_rate (the naive model);
/// - `moving_average`: the user's rate over their last m = min(5, u_orders) prior orders,
///   p = up_in_last5 / min(5, u_orders), so a product's μ is the mean count over each user's recent
///   orders summed over its users.
/// Each under the `normal` rule (φ = 1, before), the `discrete` rule (φ = 1), the `discrete` rule
/// with φ cross-validated over products, and the `fleet` target (`StockBacktestSuite`).
struct BacktestSummary {
    let suite: StockBacktestSuite

    init(result: CrossValidatedComparison.Result, matrix: LabelledMatrix) {
        var policies: [(name: String, probabilities: [Double])] = []
        for name in ["forest", "ridge"] { if let p = result.predictions[name] { policies.append((name, p)) } }
        if let p = result.predictions["naive"] { policies.append(("past_rate", p)) }
        if let p = Self.movingAverage(matrix) { policies.append(("moving_average", p)) }
        suite = StockBacktestSuite(policies: policies, items: result.itemKeys, labels: result.labels)
    }

    /// up_in_last5 / min(5, u_orders) on the labelled rows (in the order the comparison keeps them).
    static func movingAverage(_ matrix: LabelledMatrix) -> [Double]? {
        guard let recent = matrix.features.column(named: "up_in_last5"),
              let orders = matrix.features.column(named: "u_orders") else { return nil }
        return matrix.labelledRows.map { r in
            let window = min(5, Double(orders[orders.startIndex + r]))
            let count = Double(recent[recent.startIndex + r])
            return window > 0 && !count.isNaN ? count / window : 0
        }
    }

    func table() -> String {
        var rows = [["policy", "rule", "variance", "level", "achieved", "expected", "short", "over", "stock", "product level"]]
        for run in suite.runs {
            for level in run.levels {
                rows.append([run.policy, run.rule, run.varianceLabel,
                             String(format: "%.2f", level.target), String(format: "%.4f", level.achieved),
                             String(format: "%.4f", level.expected), String(format: "%.0f", level.unitsShort),
                             String(format: "%.0f", level.unitsOver), String(format: "%.0f", level.stock),
                             String(format: "%.4f", level.productLevel ?? level.target)])
            }
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        let body = rows.map { row in
            row.enumerated().map { c, cell in
                c < 2 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let heading = "stock backtest (labelled users' next orders; products \(suite.products), "
            + "realised demand \(Int(suite.demand)) units):"
        return (["", heading] + body).joined(separator: "\n")
    }
}
