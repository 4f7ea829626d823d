import Foundation

/// The figures of an evaluation notebook. Each is a standalone SVG; costs are those of the curves
/// (O(n log n) per model) and of the marks drawn (sampled to a few thousand per panel).
extension EvaluationNotebook {
    /// One panel per metric: each fold's score per model (small dots) and their mean ± sd (whisker).
    func foldFigure() -> String {
        let names = result.scores.map(\.name)
        let panels = ReportedMetric.all.map { metric -> SVGChart in
            var chart = SVGChart(title: "\(metric.title) \(metric.higherIsBetter ? "↑" : "↓")", xLabel: "", yLabel: "")
            chart.width = 250
            chart.height = 210
            chart.xCategories = names
            for (i, name) in names.enumerated() {
                let values = (result.foldScores[name] ?? []).map { metric.value($0) }
                let d = meanAndDeviation(values)
                var folds = SVGChart.Series(.points, xs: values.indices.map { Double(i) + 0.18 + 0.04 * Double($0) }, ys: values,
                                            colour: colour(name))
                folds.opacity = 0.7
                folds.radius = 2
                var bar = SVGChart.Series(.errorBars, xs: [Double(i)], ys: [d.mean], colour: colour(name))
                bar.low = [d.mean - d.sd]
                bar.high = [d.mean + d.sd]
                chart.series += [folds, bar]
            }
            return chart
        }
        return SVGChart.grid(panels, columns: 4, title: "Scores per fold (dots) and their mean ± sd over \(result.folds) folds (whiskers)")
    }

    func rocFigure() -> String {
        var roc = SVGChart(title: "ROC curve (out-of-fold)", xLabel: "false-positive rate", yLabel: "true-positive rate")
        roc.xRange = 0...1
        roc.yRange = 0...1
        roc.legendPlace = .bottomRight
        for (name, s) in result.scores {
            let curve = CurvePoints.roc(labels: result.labels, scores: result.predictions[name] ?? [])
            roc.series.append(.init(.line, xs: curve.fpr, ys: curve.tpr, colour: colour(name), label: "\(name) (AUC \(f4(s.pair.auc)))"))
        }
        roc.series.append(.init(.dashedLine, xs: [0, 1], ys: [0, 1], colour: "#888"))
        return roc.render()
    }

    func precisionRecallFigure() -> String {
        var chart = SVGChart(title: "Precision-recall curve (out-of-fold)", xLabel: "recall (share of reorders found)",
                             yLabel: "precision (share of picks that are reorders)")
        chart.xRange = 0...1
        chart.yRange = 0...1
        chart.legendPlace = .topRight
        for (name, _) in result.scores {
            let curve = CurvePoints.precisionRecall(labels: result.labels, scores: result.predictions[name] ?? [])
            chart.series.append(.init(.line, xs: curve.recall, ys: curve.precision, colour: colour(name),
                                      label: "\(name) (average precision \(f4(curve.averagePrecision)))"))
        }
        chart.series.append(.init(.dashedLine, xs: [0, 1], ys: [positiveRate, positiveRate], colour: "#888",
                                  label: "random (positive rate \(f4(positiveRate)))"))
        return chart.render()
    }

    func calibrationFigure() -> String {
        var calibration = SVGChart(title: "Observed rate against mean prediction", xLabel: "mean predicted probability (bin)",
                                   yLabel: "observed reorder rate (bin)")
        calibration.xRange = 0...1
        calibration.yRange = 0...1
        calibration.height = 380
        var histogram = SVGChart(title: "Predictions per 0.02 band (log scale)", xLabel: "predicted probability",
                                 yLabel: "rows (log scale)")
        histogram.xRange = 0...1
        histogram.yScale = .log1p
        histogram.height = 260
        histogram.legendPlace = .topRight
        for (name, _) in result.scores {
            let p = (result.predictions[name] ?? []).map { min(max($0, 0), 1) }
            let c = CurvePoints.calibration(labels: result.labels, probabilities: p, bins: 15)
            var line = SVGChart.Series(.markers, xs: c.predicted, ys: c.observed, colour: colour(name), label: name)
            line.radius = 3.5
            calibration.series.append(line)
            let h = CurvePoints.histogram(p, bins: 50)
            var counts = SVGChart.Series(.markers, xs: h.centres, ys: h.counts, colour: colour(name), label: name)
            counts.radius = 2
            histogram.series.append(counts)
        }
        calibration.series.append(.init(.dashedLine, xs: [0, 1], ys: [0, 1], colour: "#888"))
        return SVGChart.grid([calibration, histogram], columns: 1, title: "Calibration (out-of-fold, 15 equal-count bins per model)")
    }

    /// Per model, predicted against observed demand per item on log(1 + x) axes (up to 3,000 items
    /// drawn, every k-th by id), y = x dashed, and the mean prediction in bins of observed demand.
    func demandFigure() -> String {
        let aggregates = result.scores.map { (name, _) in
            (name, DemandAggregation(items: result.itemKeys, probabilities: (result.predictions[name] ?? []).map { min(max($0, 0), 1) },
                                     labels: result.labels))
        }
        let top = aggregates.flatMap { $0.1.observed + $0.1.predicted }.max() ?? 1
        let range = 0...max(top * 1.1, 1)
        let edges = [0.0, 0.5, 1.5, 2.5, 4.5, 9.5, 19.5, 49.5, 99.5, 199.5, 499.5, 999.5, 1999.5, 4999.5, .infinity]
        let panels = aggregates.map { name, demand -> SVGChart in
            var chart = SVGChart(title: "\(name): R² \(f4(demand.rSquared))", xLabel: "observed demand", yLabel: "predicted demand")
            chart.width = 330
            chart.height = 330
            chart.xScale = .log1p
            chart.yScale = .log1p
            chart.xRange = range
            chart.yRange = range
            let step = max(1, demand.items.count / 3000)
            let picked = Swift.stride(from: 0, to: demand.items.count, by: step)
            var points = SVGChart.Series(.points, xs: picked.map { demand.observed[$0] }, ys: picked.map { demand.predicted[$0] },
                                         colour: colour(name))
            points.radius = 1.8
            points.opacity = 0.3
            var means: (xs: [Double], ys: [Double]) = ([], [])
            for b in 0..<(edges.count - 1) {
                let inBin = demand.observed.indices.filter { demand.observed[$0] >= edges[b] && demand.observed[$0] < edges[b + 1] }
                guard !inBin.isEmpty else { continue }
                means.xs.append(inBin.map { demand.observed[$0] }.reduce(0, +) / Double(inBin.count))
                means.ys.append(inBin.map { demand.predicted[$0] }.reduce(0, +) / Double(inBin.count))
            }
            var meanLine = SVGChart.Series(.markers, xs: means.xs, ys: means.ys, colour: "#222", label: "mean per bin")
            meanLine.radius = 3
            chart.series = [points, .init(.dashedLine, xs: [0, range.upperBound], ys: [0, range.upperBound], colour: "#555", label: "y = x"),
                            meanLine]
            return chart
        }
        return SVGChart.grid(panels, columns: min(panels.count, 3),
                             title: "Predicted against observed \(itemNoun) demand (log(1 + x) axes; \(aggregates.first?.1.items.count ?? 0) \(itemNoun)s)")
    }

    /// Per segment (most demand first), per model: the relative bias of demand
    /// Σ(Σp − Σy) / Σ Σy over the segment's items, and the mean absolute error |Σp − Σy| per item.
    func residualFigure() -> String {
        var observedBySegment: [Int32: Double] = [:]
        for (r, s) in result.segments.enumerated() { observedBySegment[s, default: 0] += result.labels[r] }
        let segments = observedBySegment.keys.sorted { (observedBySegment[$0]!, -$0) > (observedBySegment[$1]!, -$1) }
        let position = Dictionary(uniqueKeysWithValues: segments.enumerated().map { ($1, $0) })
        var bias = SVGChart(title: "Relative demand bias per \(segmentNoun): (Σ predicted − Σ observed) / Σ observed", xLabel: "", yLabel: "bias, % of observed demand")
        var error = SVGChart(title: "Mean absolute demand error per \(itemNoun), by \(segmentNoun)", xLabel: "\(segmentNoun) (most demand first)",
                             yLabel: "mean |predicted − observed| per \(itemNoun)")
        let names = segments.map { segmentNames[$0] ?? "\($0)" }
        bias.width = 900
        bias.height = 300
        bias.xCategories = names
        bias.referenceY = 0
        error.width = 900
        error.height = 340
        error.xCategories = names
        let segmentOfItem = itemSegments()
        let offset = result.scores.count > 1 ? 0.5 / Double(result.scores.count) : 0
        for (k, (name, _)) in result.scores.enumerated() {
            let demand = DemandAggregation(items: result.itemKeys, probabilities: (result.predictions[name] ?? []).map { min(max($0, 0), 1) },
                                           labels: result.labels)
            var predicted = [Double](repeating: 0, count: segments.count), observed = predicted, absolute = predicted, count = predicted
            for i in demand.items.indices {
                guard let s = segmentOfItem[demand.items[i]], let at = position[s] else { continue }
                predicted[at] += demand.predicted[i]
                observed[at] += demand.observed[i]
                absolute[at] += abs(demand.predicted[i] - demand.observed[i])
                count[at] += 1
            }
            let xs = segments.indices.map { Double($0) + (Double(k) - Double(result.scores.count - 1) / 2) * offset }
            var b = SVGChart.Series(.errorBars, xs: xs, ys: segments.indices.map { observed[$0] > 0 ? 100 * (predicted[$0] - observed[$0]) / observed[$0] : .nan },
                                    colour: colour(name), label: name)
            b.radius = 3
            bias.series.append(b)
            var e = SVGChart.Series(.errorBars, xs: xs, ys: segments.indices.map { count[$0] > 0 ? absolute[$0] / count[$0] : .nan },
                                    colour: colour(name), label: name)
            e.radius = 3
            error.series.append(e)
        }
        clipFarModels(&bias)
        clipFarModels(&error)
        return SVGChart.grid([bias, error], columns: 1, title: "Demand residuals by \(segmentNoun) (out-of-fold)")
    }

    /// Keeps the models close to the forest readable: when a model's largest |value| is more than 3
    /// times the others' (naive's bias of +300 % beside the forest's ±10 %, say), the y axis spans
    /// the others only, that model's values are clamped to its edge, and the title says so.
    func clipFarModels(_ chart: inout SVGChart) {
        func extent(_ s: SVGChart.Series) -> Double { s.ys.filter(\.isFinite).map(abs).max() ?? 0 }
        let reference = chart.series.first { $0.label == "forest" } ?? chart.series.first
        guard let reference else { return }
        let limit = max(extent(reference), 1e-9) * 3
        let near = chart.series.filter { extent($0) <= limit }
        let far = chart.series.filter { extent($0) > limit }
        guard !far.isEmpty else { return }
        let values = near.flatMap { $0.ys }.filter(\.isFinite)
        let range = SVGChart.paddedRange(values + [0])
        chart.yRange = range
        for i in chart.series.indices where extent(chart.series[i]) > limit {
            chart.series[i].ys = chart.series[i].ys.map { $0.isFinite ? min(max($0, range.lowerBound), range.upperBound) : $0 }
            chart.series[i].radius = 2
        }
        chart.title += " (" + far.compactMap(\.label).joined(separator: ", ") + " clipped at the edges: up to "
            + far.map { fixed(extent($0), 1) }.joined(separator: ", ") + ")"
    }

    /// The segment of each item (its first row's; an item belongs to one department).
    func itemSegments() -> [Int32: Int32] {
        var out: [Int32: Int32] = [:]
        for (r, item) in result.itemKeys.enumerated() where out[item] == nil { out[item] = result.segments[r] }
        return out
    }

    func importanceFigure() -> String {
        let folds = result.permutationImportances
        if folds.isEmpty {
            let ranked = result.importances.indices.sorted { result.importances[$0] > result.importances[$1] }
            return SVGBarChart.horizontal(title: "Forest feature importances (mean decrease in impurity, mean over folds)",
                                          labels: ranked.map { result.features[$0] }, values: ranked.map { result.importances[$0] },
                                          valueLabel: "share of the impurity decrease")
        }
        let mean = meanPermutationImportances
        let ranked = mean.indices.sorted { mean[$0] > mean[$1] }
        return SVGBarChart.horizontal(
            title: "Permutation importance of the forest on held-out \(groupNoun)s",
            labels: ranked.map { result.features[$0] }, values: ranked.map { mean[$0] },
            valueLabel: "increase in log loss when the feature is shuffled (mean over folds; whisker: fold min to max)",
            low: ranked.map { j in folds.map { $0[j] }.min() ?? .nan }, high: ranked.map { j in folds.map { $0[j] }.max() ?? .nan })
    }
}
