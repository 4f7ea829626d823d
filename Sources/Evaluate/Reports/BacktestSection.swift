import Foundation

/// The stock backtest's part of the evaluation notebook: a table of every policy × rule × level
/// (achieved and expected level, units short and over, stock, the per-product level) and two charts of the
/// model's rules and the other policies' default rule (`chartedRuns`), achieved level
/// against target (y = x is a rule that keeps its promise) and units short against units over (the
/// trade-off a rule buys; lower-left is better). Pure; cost O(runs · levels).
public struct BacktestSection {
    public let suite: StockBacktestSuite

    public init(suite: StockBacktestSuite) {
        self.suite = suite
    }

    public func render(figureFolder: String) -> (markdown: String, figures: [(name: String, svg: String)]) {
        var md = "## Stock backtest\n\n"
        md += "Every policy's stock for each of \(suite.products) products, set from the labelled users' candidate rows, "
            + "against the realised demand of their next orders (\(Int(suite.demand)) units). "
            + "Policies: `forest` and `ridge` (out-of-fold probabilities), `past_rate` (p = up_rate), "
            + "`moving_average` (p = up_in_last5 / min(5, u_orders)). Rules: `normal` is ⌈μ + zσ⌉ with σ² = Σ p(1 − p) "
            + "(the rule before); `discrete` is the smallest s with P(D ≤ s) ≥ level (binomial / negative binomial with "
            + "the same mean and variance); `φ cv` widens the variance by φ cross-validated over products; `c cv` adds (c·μ)² to it, c the model's relative error on μ cross-validated over products (one product, one vote); `fleet` runs the discrete rule at the "
            + "per-product level (last column) at which the expected share of covered products is the target. "
            + "*Achieved* is the share of products whose demand ≤ stock; *expected* is the mean P(D ≤ s) the rule "
            + "promises (above the target by the rounding of a discrete quantile). The charts show the first policy "
            + "under every rule and the others under the default rule (`discrete`, variance 1).\n\n"
        md += "| policy | rule | variance | target | achieved | expected | units short | units over | stock | per-product level |\n"
        md += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for run in suite.runs {
            for l in run.levels {
                md += "| \(run.policy) | \(run.rule) | \(run.varianceLabel) | \(String(format: "%.2f", l.target)) | \(p4(l.achieved)) "
                    + "| \(p4(l.expected)) | \(Int(l.unitsShort)) | \(Int(l.unitsOver)) | \(Int(l.stock)) "
                    + "| \(l.productLevel.map(p4) ?? String(format: "%.2f", l.target)) |\n"
            }
        }
        let figures = makeFigures()
        md += "\n"
        for (name, _) in figures { md += "![\(name)](\(figureFolder)/\(name).svg)\n\n" }
        return (md, figures)
    }

    /// The runs drawn: the first policy (the model) under every rule, each rule its own colour, and
    /// the other policies under the default rule (discrete, variance 1), dashed: 24 lines in one chart
    /// are not readable; the table holds them all.
    func chartedRuns() -> [(run: StockBacktestSuite.Run, kind: SVGChart.Series.Kind, colour: String)] {
        guard let model = suite.runs.first?.policy else { return [] }
        let ruleColours = ["normal 1": "#7f7f7f", "discrete 1": "#1f77b4", "discrete cv": "#17becf", "fleet 1": "#d62728",
                           "discrete mean-error": "#9467bd", "fleet mean-error": "#e377c2"]
        let policyColours = ["ridge": "#ff7f0e", "past_rate": "#2ca02c", "moving_average": "#8c564b"]
        return suite.runs.compactMap { run in
            if run.policy == model {
                return (run, run.rule == "normal" ? .dashedLine : .line, ruleColours["\(run.rule) \(run.variance)"] ?? "#444")
            }
            guard run.rule == "discrete", run.variance == "1" else { return nil }
            return (run, .dashedLine, policyColours[run.policy] ?? "#444")
        }
    }

    func makeFigures() -> [(name: String, svg: String)] {
        var levels = SVGChart(title: "Stock backtest: achieved service level against target",
                              xLabel: "target service level", yLabel: "achieved (share of products with demand ≤ stock)")
        let charted = chartedRuns()
        let targets = charted.flatMap { $0.run.levels.map(\.target) }
        let lo = min(targets.min() ?? 0.9, charted.flatMap { $0.run.levels.map(\.achieved) }.filter(\.isFinite).min() ?? 0.9)
        levels.xRange = (lo - 0.005)...1
        levels.yRange = (lo - 0.005)...1
        var tradeOff = SVGChart(title: "Stock backtest: units short (lost sales) against units over (waste)",
                                xLabel: "units over", yLabel: "units short")
        for (run, kind, colour) in charted {
            let label = "\(run.policy) \(run.rule) \(run.varianceLabel)"
            levels.series.append(.init(kind, xs: run.levels.map(\.target), ys: run.levels.map(\.achieved), colour: colour, label: label))
            tradeOff.series.append(.init(kind, xs: run.levels.map(\.unitsOver), ys: run.levels.map(\.unitsShort), colour: colour, label: label))
            tradeOff.series.append(.init(.points, xs: run.levels.map(\.unitsOver), ys: run.levels.map(\.unitsShort), colour: colour))
        }
        levels.series.append(.init(.dashedLine, xs: [lo - 0.005, 1], ys: [lo - 0.005, 1], colour: "#888", label: "achieved = target"))
        return [("backtest-levels", levels.render()), ("backtest-short-over", tradeOff.render())]
    }

    private func p4(_ v: Double) -> String { v.isFinite ? String(format: "%.4f", v) : "nan" }
}
