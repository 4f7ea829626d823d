import Forest
import Foundation
import Tabular

/// Grouped k-fold cross-validation of three models side by side on one labelled matrix: the Random
/// Forest, ridge regression on standardised features (λ chosen by an inner grouped CV on each
/// training fold, NaN imputed with the training means), and a naive baseline that predicts one
/// feature column as it is. Every labelled row gets one out-of-fold prediction per model; rows whose
/// target is NaN are left out. Generic: the group and item keys are named by the caller.
public struct CrossValidatedComparison: Sendable {
    public struct Configuration: Sendable {
        public var folds = 5
        public var forest = ForestParameters()
        public var threads = 2
        /// The key column that defines groups (folds, basket F1).
        public var groupKey: String
        /// The key column that defines items (demand).
        public var itemKey: String
        /// The feature used as the naive prediction.
        public var naiveFeature: String
        public var ridgeLambdas = RidgeRegression.defaultLambdas
        /// Whether to cross-validate the ridge and naive baselines too (a sweep needs only the forest).
        public var includeBaselines = true
        /// Held-out rows per fold for the forest's permutation importances (0: none; a report asks).
        public var permutationRows = 0
        /// A feature carried to the result as `segments` (department_id, say: residuals by segment).
        public var segmentFeature: String?

        public init(groupKey: String, itemKey: String, naiveFeature: String) {
            self.groupKey = groupKey
            self.itemKey = itemKey
            self.naiveFeature = naiveFeature
        }
    }

    public struct Result: Sendable {
        public var rows: Int
        public var groups: Int
        public var features: [String]
        public var folds: Int
        public var seconds: Double
        /// Wall-clock seconds per step: `forest_folds`, `ridge_folds`, `scores` (all models' pair,
        /// basket and demand metrics, pooled and per fold).
        public var stepSeconds: [String: Double] = [:]
        /// Scores by model name: "forest", "ridge", "naive".
        public var scores: [(name: String, scores: ModelScores)]
        /// Out-of-fold predictions by model name, aligned with `labels`.
        public var predictions: [String: [Double]]
        public var labels: [Double]
        public var groupKeys: [Int32]
        public var itemKeys: [Int32]
        /// Forest impurity importances averaged over the fold models, in feature order.
        public var importances: [Double]
        /// Scores of each model on each fold's held-out rows alone (fold order; folds with rows).
        public var foldScores: [String: [ModelScores]] = [:]
        /// Per fold, the forest's permutation importances on held-out rows (`HeldOutPermutationImportance`),
        /// in feature order; empty unless `permutationRows` > 0.
        public var permutationImportances: [[Double]] = []
        /// The `segmentFeature` value of each row (aligned with `labels`); empty without one.
        public var segments: [Int32] = []
    }

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case missingKey(String)
        case missingFeature(String)
        case noLabelledRows

        public var description: String {
            switch self {
            case .missingKey(let k): "the matrix has no key column '\(k)'"
            case .missingFeature(let f): "the matrix has no feature '\(f)' for the naive baseline"
            case .noLabelledRows: "the matrix has no row with a known target"
            }
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs the comparison. `progress` receives one line per finished step.
    public func run(_ matrix: LabelledMatrix, progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let c = configuration
        let clock = ContinuousClock()
        let start = clock.now
        guard let allGroups = matrix.keys.column(named: c.groupKey) else { throw Failure.missingKey(c.groupKey) }
        guard let allItems = matrix.keys.column(named: c.itemKey) else { throw Failure.missingKey(c.itemKey) }
        guard let naiveColumn = matrix.features.schema.index(of: c.naiveFeature) else { throw Failure.missingFeature(c.naiveFeature) }
        let labelledRows = matrix.labelledRows
        guard !labelledRows.isEmpty else { throw Failure.noLabelledRows }
        let data = labelledRows.count == matrix.rowCount ? matrix : matrix.selectingRows(labelledRows)
        let groups = labelledRows.count == matrix.rowCount ? allGroups : labelledRows.map { allGroups[$0] }
        let items = labelledRows.count == matrix.rowCount ? allItems : labelledRows.map { allItems[$0] }
        let labels = data.target.map(Double.init)
        let kfold = GroupedKFold(groups: groups, folds: c.folds)

        var steps: [String: Double] = [:]
        var stepStart = clock.now
        func endStep(_ name: String) {
            steps[name] = Elapsed.seconds(clock.now - stepStart)
            stepStart = clock.now
        }
        var importanceSum = [Double](repeating: 0, count: data.features.featureCount)
        var permutation: [[Double]] = []
        let forest = try kfold.outOfFoldPredictions(features: data.features, target: data.target) { fold, x, y in
            let trained = try RandomForest.train(features: x, target: y, targetName: data.targetName, parameters: c.forest,
                                                 options: TrainingOptions(threads: c.threads, outOfBag: false))
            for j in importanceSum.indices { importanceSum[j] += trained.model.importances.impurity[j] }
            progress?("forest fold \(fold + 1)/\(c.folds): \(trained.model.trees.count) trees on \(x.rowCount) rows "
                + "in \(Self.format(trained.totalSeconds)) s")
            let model = trained.model
            let heldOutLabels = c.permutationRows > 0 ? kfold.split(fold).test.map { labels[$0] } : []
            return { (m: FeatureMatrix) -> [Double] in
                let p = ((try? model.predict(m, threads: c.threads)) ?? []).map { Double($0) }
                if c.permutationRows > 0 {
                    permutation.append(HeldOutPermutationImportance.logLossIncrease(
                        model: model, features: m, labels: heldOutLabels, rows: c.permutationRows,
                        seed: c.forest.seed &+ UInt64(fold), threads: c.threads))
                }
                return p
            }
        }
        endStep("forest_folds")
        var models: [(String, [Double])] = [("forest", forest)]
        if c.includeBaselines {
            // The rows are read in place (no copy of a training set: ridge's pass over it is as
            // cheap as the copy would be).
            let ridge = try kfold.outOfFoldPredictions { fold, train, test in
                let model = try RidgeRegression.fitSelectingLambda(features: data.features, rows: train, target: train.map { data.target[$0] },
                                                                   groups: train.map { groups[$0] }, lambdas: c.ridgeLambdas)
                progress?("ridge fold \(fold + 1)/\(c.folds): lambda \(model.lambda)")
                return model.predict(data.features, rows: test)
            }
            endStep("ridge_folds")
            let naive = Array(data.features.column(naiveColumn)).map { $0.isNaN ? 0 : Double($0) }
            models += [("ridge", ridge), ("naive", naive)]
        }
        // Pooled and per-fold scores of every model in one pool of tasks (each score is pure and
        // single-threaded, so the cores take them in turn, the large pooled ones first).
        let (pooled, perFold) = Self.allScores(models, labels: labels, groups: groups, items: items, kfold: kfold)
        let scores: [(name: String, scores: ModelScores)] = models.indices.map { (models[$0].0, pooled[$0]) }
        endStep("scores")
        var result = Result(rows: data.rowCount, groups: Set(groups).count, features: data.features.schema.names, folds: c.folds,
                            seconds: Elapsed.seconds(clock.now - start), stepSeconds: steps,
                            scores: scores, predictions: Dictionary(uniqueKeysWithValues: models), labels: labels,
                            groupKeys: groups, itemKeys: items, importances: importanceSum.map { $0 / Double(c.folds) })
        result.foldScores = perFold
        result.permutationImportances = permutation
        if let name = c.segmentFeature, let column = data.features.column(named: name) {
            result.segments = column.map { (v: Float) -> Int32 in v.isFinite ? Int32(v) : -1 }
        }
        return result
    }

    static func format(_ s: Double) -> String {
        let t = (s * 100).rounded() / 100
        return "\(t)"
    }
}
