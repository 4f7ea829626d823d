import Forest
import Tabular

/// Scores a trained forest on held-out rows: the labelled rows of a matrix the model was not trained
/// on (for example the users of one fold, or of a shard left out). Gives the same pair and demand
/// scores as `CrossValidatedComparison` (`ModelScores.score`), for one given model instead of
/// out-of-fold predictions. Cost: one prediction pass, O(rows · trees · depth), plus O(n log n) to score.
public struct HeldOutEvaluation: Sendable {
    public var groupKey: String
    public var itemKey: String
    public var threads: Int

    public init(groupKey: String, itemKey: String, threads: Int = 1) {
        self.groupKey = groupKey
        self.itemKey = itemKey
        self.threads = threads
    }

    public struct Result: Sendable {
        public var rows: Int
        public var groups: Int
        public var scores: ModelScores
    }

    /// The model's scores on the labelled rows of `matrix` (unlabelled rows are left out).
    /// Throws when a key is missing, no row is labelled, or the matrix's features differ from the model's.
    public func run(_ model: ForestModel, on matrix: LabelledMatrix) throws -> Result {
        guard let allGroups = matrix.keys.column(named: groupKey) else { throw CrossValidatedComparison.Failure.missingKey(groupKey) }
        guard let allItems = matrix.keys.column(named: itemKey) else { throw CrossValidatedComparison.Failure.missingKey(itemKey) }
        let labelled = matrix.labelledRows
        guard !labelled.isEmpty else { throw CrossValidatedComparison.Failure.noLabelledRows }
        let data = labelled.count == matrix.rowCount ? matrix : matrix.selectingRows(labelled)
        let groups = labelled.map { allGroups[$0] }, items = labelled.map { allItems[$0] }
        let predictions = try model.predict(data.features, threads: threads).map(Double.init)
        let scores = ModelScores.score(predictions: predictions, labels: data.target.map(Double.init), groups: groups, items: items)
        return Result(rows: data.rowCount, groups: Set(groups).count, scores: scores)
    }
}
