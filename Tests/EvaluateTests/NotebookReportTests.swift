import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Evaluate
import Forest
import Tabular
import TestSupport
import Testing

/// Scores with the given AUC and log loss and otherwise fixed values (F1s, R²s, MAEs): enough to
/// decide each metric's winner by hand.
private func scores(auc: Double, logloss: Double, f1: Double = 0.3, demandR2: Double = 0.9, r2: Double = 0.1, mae: Double = 0.2) -> ModelScores {
    ModelScores(pair: PairScores(r2: r2, mae: mae, auc: auc, logloss: logloss, f1At02: f1, f1Expected: f1),
                demand: DemandScores(r2: demandR2, mae: 1 - demandR2, products: 10))
}

@Test func readingNamesTheWinnerOfEachMetricAndABaselineWin() {
    // Ridge wins AUC; the forest wins log loss and the demand scores; naive loses everything; the
    // F1s, row R² and MAE are tied between all three.
    let forest = scores(auc: 0.80, logloss: 0.25), ridge = scores(auc: 0.82, logloss: 0.30, demandR2: 0.8),
        naive = scores(auc: 0.70, logloss: 0.40, demandR2: 0.5)
    let folds = ["forest": [scores(auc: 0.79, logloss: 0.25), scores(auc: 0.81, logloss: 0.25), scores(auc: 0.80, logloss: 0.25)],
                 "ridge": [scores(auc: 0.83, logloss: 0.3), scores(auc: 0.80, logloss: 0.3), scores(auc: 0.83, logloss: 0.3)]]
    let text = ComparisonReading.text(scores: [("forest", forest), ("ridge", ridge), ("naive", naive)], foldScores: folds)
    #expect(text.contains("AUC **ridge** (0.8200)"))
    #expect(text.contains("log loss **forest** (0.2500)"))
    #expect(text.contains("demand R² **forest** (0.9000)"))
    #expect(text.contains("F1 expected **forest = ridge = naive** (0.3000)"))
    #expect(text.contains("**ridge beats the forest on AUC**: ridge (0.8200) against 0.8000"))
    #expect(text.contains("ridge is better in 2 of 3 folds, by 0.0200 ± "))
    #expect(text.contains("The forest wins 7 of 8 metrics; a baseline is better on 1"))
    #expect(!text.contains("beats the forest on log loss") && !text.contains("naive beats"))
}

@Test func readingSaysWhenTheForestWinsEverything() {
    // Leads over the best baseline, relative: R² 100 %, MAE 50 %, AUC 6.25 %, log loss and F1 33 %,
    // demand R² 10 %, demand MAE 90 %: the narrowest is AUC, over ridge.
    let forest = scores(auc: 0.85, logloss: 0.2, f1: 0.4, demandR2: 0.99, r2: 0.2, mae: 0.1)
    let text = ComparisonReading.text(scores: [("forest", forest), ("ridge", scores(auc: 0.8, logloss: 0.3)),
                                               ("naive", scores(auc: 0.7, logloss: 0.4))])
    #expect(text.contains("The forest wins all 8 metrics against the 2 baselines. Its narrowest lead: AUC over ridge (0.8500 against 0.8000)."))
    #expect(!text.contains("beats"))
    // A tie is not a baseline win.
    let tied = ComparisonReading.text(scores: [("forest", scores(auc: 0.8, logloss: 0.3)), ("ridge", scores(auc: 0.8, logloss: 0.3))])
    #expect(tied.contains("The forest wins all 8 metrics against the baseline.") && tied.contains("AUC **forest = ridge** (0.8000)"))
}

@Test func readingCountsTwoBaselinesBeatingTheForestOnOneMetric() {
    let text = ComparisonReading.text(scores: [("forest", scores(auc: 0.7, logloss: 0.2)), ("ridge", scores(auc: 0.8, logloss: 0.3)),
                                               ("naive", scores(auc: 0.75, logloss: 0.4))])
    #expect(text.contains("**ridge and naive beat the forest on AUC**: ridge (0.8000) and naive (0.7500) against 0.7000"))
}

@Test func heatMapTakesTheTwoMostInfluentialParameters() throws {
    // The metric moves by 0.1 with min-samples-leaf, by 0.03 with max-features, by 0.001 with trees.
    let grid = try SweepGrid(parsing: "trees=5,10 max-features=0.2,0.5 min-samples-leaf=1,20")
    let entries = grid.configurations().map { c in
        let auc = 0.7 + 0.001 * (c["trees"]! / 5) + 0.1 * (c["min-samples-leaf"]! == 20 ? 1 : 0) + (c["max-features"]! == 0.5 ? 0.03 : 0)
        return SweepLog.Entry(key: grid.key(c), metrics: ["auc": auc], seconds: 1)
    }
    let effects = SweepNotebook.effects(grid: grid, entries: entries, metric: "auc")
    #expect(effects.map(\.name) == ["min-samples-leaf", "max-features", "trees"])
    #expect(abs(effects[0].influence - 0.1) < 1e-12 && abs(effects[1].influence - 0.03) < 1e-12)
    let notebook = SweepNotebook(grid: grid, entries: entries, metric: "auc", command: ["restock", "sweep"], version: "t",
                                 dataDescription: "d", rows: 1)
    let (markdown, figures) = notebook.render(figureFolder: "f")
    let svg = try #require(figures.first { $0.name == "heatmap" }?.svg)
    #expect(svg.contains(">min-samples-leaf ↓</text>") && svg.contains(">max-features →</text>") && !svg.contains(">trees"))
    #expect(svg.components(separatedBy: "class=\"cell\"").count - 1 == 4)
    #expect(svg.contains("class=\"colour-scale\"") && svg.contains("auc: higher is better"))
    #expect(markdown.contains("`min-samples-leaf` matters most") && markdown.contains("best at 20"))
}

@Test func precisionRecallCurveAndAveragePrecisionByHand() {
    // Scores 0.9 (y=1), 0.8 (0), 0.7 (1), 0.6 (0): (R, P) = (½, 1), (½, ½), (1, ⅔), (1, ½);
    // AP = ½·1 + ½·⅔.
    let curve = CurvePoints.precisionRecall(labels: [1, 0, 1, 0], scores: [0.9, 0.8, 0.7, 0.6])
    #expect(curve.recall == [0.5, 0.5, 1, 1])
    #expect(zip(curve.precision, [1, 0.5, 2.0 / 3, 0.5]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(abs(curve.averagePrecision - (0.5 + 1.0 / 3)) < 1e-12)
    // A negative scored highest adds no point at recall 0.
    #expect(CurvePoints.precisionRecall(labels: [0, 1], scores: [0.9, 0.1]).recall == [1])
    #expect(CurvePoints.histogram([0, 0.01, 0.5, 1, 2, .nan], bins: 4).counts == [2, 0, 1, 2])
}

/// 600 rows of 60 users, keys user_id and product_id, features up_rate, department_id and x.
private func comparisonMatrix() -> LabelledMatrix {
    var generator = SplitMix64(seed: 5)
    let n = 600
    var upRate: [Float] = [], department: [Float] = [], x: [Float] = [], y: [Float] = []
    for r in 0..<n {
        let u = Float(generator.next() % 1000) / 1000, v = Float(generator.next() % 1000) / 1000
        upRate.append(u)
        department.append(Float(r % 7 % 3 + 1))
        x.append(v)
        y.append(u + 0.3 * v + Float(generator.next() % 100) / 250 > 0.9 ? 1 : 0)
    }
    return LabelledMatrix(features: FeatureMatrix(schema: FeatureSchema(names: ["up_rate", "department_id", "x"]),
                                                  columns: [upRate, department, x]),
                          keys: RowKeys(names: ["user_id", "product_id"], columns: [(0..<n).map { Int32($0 / 10) }, (0..<n).map { Int32($0 % 7) }]),
                          target: y)
}

@Test func evaluationNotebookHasEveryChartAndFoldSpread() throws {
    var c = CrossValidatedComparison.Configuration(groupKey: "user_id", itemKey: "product_id", naiveFeature: "up_rate")
    c.folds = 3
    c.forest = ForestParameters(treeCount: 5, seed: 1)
    c.permutationRows = 100
    c.segmentFeature = "department_id"
    let result = try CrossValidatedComparison(c).run(comparisonMatrix())
    #expect(result.foldScores.keys.sorted() == ["forest", "naive", "ridge"])
    #expect(result.foldScores.values.allSatisfy { $0.count == 3 })
    #expect(result.permutationImportances.count == 3 && result.permutationImportances.allSatisfy { $0.count == 3 })
    // The target follows up_rate most: shuffling it costs the most log loss in every fold.
    #expect(result.permutationImportances.allSatisfy { $0[0] > $0[1] && $0[0] > $0[2] && $0[0] > 0 })
    #expect(Set(result.segments) == [1, 2, 3])
    var notebook = EvaluationNotebook(result: result, command: ["restock", "evaluate", "--data", "d"], version: "t", seconds: 1,
                                      dataDescription: "data folder d")
    notebook.prelude = ["restock generate --users 10 --out d"]
    notebook.segmentNames = [1: "produce"]
    let (markdown, figures) = notebook.render(figureFolder: "f")
    let names = figures.map(\.name)
    #expect(names == ["metrics-by-fold", "roc", "precision-recall", "calibration", "demand-scatter", "residuals-by-department", "importances"])
    for (name, svg) in figures {
        #expect(markdown.contains("![\(name)](f/\(name).svg)"))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(name): \(String(describing: parser.parserError))")
        #expect(!svg.contains("<script") && !svg.contains("@import") && !svg.contains("href"), "\(name)")
    }
    let svg = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0.svg) })
    // One whisker per model and metric, one per model and department (bias and error panels)...
    #expect(svg["metrics-by-fold"]!.components(separatedBy: "class=\"whisker\"").count - 1 == 3 * ReportedMetric.all.count)
    #expect(svg["residuals-by-department"]!.contains(">produce</text>"))
    // ... calibration: 15 bin markers per model when 600 rows allow, and a log-count histogram.
    let calibrationPanel = svg["calibration"]!.components(separatedBy: "Predictions per 0.02 band")[0]
    #expect(calibrationPanel.components(separatedBy: "class=\"marker\"").count - 1 == 3 * 15)
    #expect(svg["calibration"]!.contains("rows (log scale)"))
    #expect(svg["demand-scatter"]!.contains("forest: R²") && svg["demand-scatter"]!.contains("naive: R²"))
    #expect(svg["importances"]!.contains("Permutation importance") && svg["importances"]!.contains("increase in log loss"))
    #expect(markdown.contains("```sh\nrestock generate --users 10 --out d\nrestock evaluate --data d\n```"))
    #expect(markdown.contains("| ± folds |") && markdown.contains("**Reading.**"))
}

@Test func logOnePlusTicksAreRoundAndReadable() {
    #expect(SVGChart.ticks(0...100, scale: .log1p) == [0, 1, 2, 5, 10, 20, 50, 100])
    #expect(SVGChart.ticks(0...100_000, scale: .log1p) == [0, 10, 100, 1_000, 10_000, 100_000])
    #expect(SVGChart.labels([0, 0.02, 0.04, 0.1]) == ["0", "0.02", "0.04", "0.10"])
    #expect(SVGChart.labels([0, 5, 10]) == ["0", "5", "10"])
}

/// The backtest's charts draw the first policy under every rule (each its own colour) and the other
/// policies under the default rule only; the table keeps every run.
@Test func backtestChartsDrawTheModelsRulesAndTheOthersDefaultRule() {
    let items: [Int32] = [1, 1, 2, 2, 2, 3, 3, 4]
    let labels: [Double] = [1, 0, 1, 1, 0, 0, 1, 0]
    let suite = StockBacktestSuite(policies: [("forest", [0.6, 0.2, 0.5, 0.4, 0.3, 0.1, 0.7, 0.05]),
                                              ("ridge", [0.5, 0.3, 0.4, 0.4, 0.4, 0.2, 0.5, 0.1]),
                                              ("past_rate", [0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4])],
                                   items: items, labels: labels, folds: 2)
    let section = BacktestSection(suite: suite)
    let charted = section.chartedRuns()
    #expect(suite.runs.count == 18)
    #expect(charted.filter { $0.run.policy == "forest" }.count == 6)
    #expect(charted.filter { $0.run.policy != "forest" }.map { "\($0.run.policy) \($0.run.rule) \($0.run.variance)" }
            == ["ridge discrete 1", "past_rate discrete 1"])
    #expect(Set(charted.filter { $0.run.policy == "forest" }.map(\.colour)).count == 6)
    let (markdown, figures) = section.render(figureFolder: "f")
    #expect(markdown.components(separatedBy: "\n| ").count - 1 == 2 + 18 * 3)   // header, rule, one row per run and level
    #expect(figures.map(\.name) == ["backtest-levels", "backtest-short-over"])
    #expect(figures[0].svg.components(separatedBy: "ridge discrete 1").count - 1 >= 1)
    #expect(!figures[0].svg.contains("ridge fleet"))
}

/// The pooled and per-fold scores of `allScores` (basket F1s computed once per fold and merged)
/// equal scoring all rows and each fold's rows on their own, bit for bit, whether or not the rows
/// come in group order.
@Test(arguments: [false, true])
func sharedBasketScoresEqualScoringEachSetOnItsOwn(shuffled: Bool) {
    var rng = SplitMix64(seed: 31)
    var groups: [Int32] = [], items: [Int32] = [], labels: [Double] = [], p: [Double] = []
    for user in 1...40 {
        for _ in 0..<Int.random(in: 1...9, using: &rng) {
            groups.append(Int32(user)); items.append(Int32.random(in: 1...15, using: &rng))
            let q = Double.random(in: 0...1, using: &rng)
            p.append(q); labels.append(Double.random(in: 0..<1, using: &rng) < q ? 1 : 0)
        }
    }
    if shuffled {
        let order = Array(groups.indices).shuffled(using: &rng)
        (groups, items, labels, p) = (order.map { groups[$0] }, order.map { items[$0] }, order.map { labels[$0] }, order.map { p[$0] })
    }
    let models = [("a", p), ("b", p.map { 1 - $0 })]
    let kfold = GroupedKFold(groups: groups, folds: 5)
    let (pooled, perFold) = CrossValidatedComparison.allScores(models, labels: labels, groups: groups, items: items, kfold: kfold)
    for (m, (name, q)) in models.enumerated() {
        #expect(pooled[m] == ModelScores.score(predictions: q, labels: labels, groups: groups, items: items))
        let alone = (0..<5).map { kfold.split($0).test }.filter { !$0.isEmpty }.map { rows in
            ModelScores.score(predictions: rows.map { q[$0] }, labels: rows.map { labels[$0] },
                              groups: rows.map { groups[$0] }, items: rows.map { items[$0] })
        }
        #expect(perFold[name] == alone)
    }
}
