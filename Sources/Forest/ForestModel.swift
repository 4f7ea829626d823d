import Tabular

/// What is recorded about a training run inside the model file. Everything here is an input or
/// a deterministic result of the inputs, so two runs with the same inputs write the same bytes.
public struct TrainingMetadata: Sendable, Equatable, Codable {
    /// Training rows (rows with a known target).
    public var rowCount: Int
    public var targetName: String
    /// R² of the out-of-bag predictions over the rows that were out of bag for at least one tree;
    /// nil when no row was.
    public var outOfBagRSquared: Double?
    /// Rows that were out of bag for at least one tree.
    public var outOfBagRowCount: Int
    /// When the model was trained, as given by the caller (ISO 8601 text; not read from a clock so
    /// that the same inputs give the same file).
    public var trainedAt: String
    /// The master seed (also in the hyperparameters; repeated here for readers of metadata only).
    public var seed: UInt64

    public init(rowCount: Int, targetName: String, outOfBagRSquared: Double?, outOfBagRowCount: Int,
                trainedAt: String, seed: UInt64) {
        self.rowCount = rowCount
        self.targetName = targetName
        self.outOfBagRSquared = outOfBagRSquared
        self.outOfBagRowCount = outOfBagRowCount
        self.trainedAt = trainedAt
        self.seed = seed
    }
}

/// Feature importances, in schema order.
public struct FeatureImportances: Sendable, Equatable, Codable {
    /// Mean decrease in impurity (scikit-learn's `feature_importances_`): the bootstrap-weighted
    /// squared-error decrease of every split on the feature, summed over trees, divided by the total
    /// over all features (so they sum to 1, or are all 0 for a forest of single leaves).
    public var impurity: [Double]
    /// Permutation importance on out-of-bag rows: increase of the out-of-bag mean squared error when
    /// the feature's values are shuffled among the sampled rows; empty when not computed.
    public var permutation: [Double]
    /// Rows sampled for the permutation importance (0 when not computed).
    public var permutationRowCount: Int

    public init(impurity: [Double], permutation: [Double] = [], permutationRowCount: Int = 0) {
        self.impurity = impurity
        self.permutation = permutation
        self.permutationRowCount = permutationRowCount
    }
}

/// A trained Random Forest: the feature schema it expects, its bins, hyperparameters, metadata,
/// trees, importances and, when known, its origin. `version` names its content. Save and load with `serialized()` / `init(serialized:)` or
/// `write(into:)` (Serve's `write(to:)` writes a file) / `load(from:)`; the format is documented in models/FORMAT.md.
public struct ForestModel: Sendable, Equatable {
    public let schema: FeatureSchema
    public let binMapper: BinMapper
    public let parameters: ForestParameters
    public let metadata: TrainingMetadata
    public let trees: [DecisionTree]
    public let importances: FeatureImportances
    /// The data, command and tool that made the model; nil for files written before origins were
    /// recorded (and for models trained without one).
    public let origin: ModelOrigin?

    public init(schema: FeatureSchema, binMapper: BinMapper, parameters: ForestParameters, metadata: TrainingMetadata,
                trees: [DecisionTree], importances: FeatureImportances, origin: ModelOrigin? = nil) {
        self.schema = schema
        self.binMapper = binMapper
        self.parameters = parameters
        self.metadata = metadata
        self.trees = trees
        self.importances = importances
        self.origin = origin
    }

    /// Total nodes over all trees.
    public var nodeCount: Int { trees.reduce(0) { $0 + $1.nodeCount } }

    /// Predictions for every row of `matrix` (mean of the trees' leaf values), in row order.
    /// Throws `ForestError.schemaMismatch` when the matrix's feature names differ from the model's.
    public func predict(_ matrix: FeatureMatrix, threads: Int = 1) throws -> [Float] {
        try ForestPredictor(self).predict(matrix, threads: threads)
    }

    /// Reference prediction for one row, tree by tree (slow; for tests).
    public func predictNaive(_ matrix: FeatureMatrix, row: Int) -> Float {
        var sum = 0.0
        for tree in trees { sum += Double(tree.predict { matrix[row, $0] }) }
        return Float(sum / Double(trees.count))
    }
}

/// Errors of training and scoring.
public enum ForestError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidParameters(String)
    case noTrainingRows
    case targetCountMismatch(rows: Int, targets: Int)
    case missingTarget(row: Int)
    /// A target of ±infinity (row 0-based): no mean, no split gain, no fixed-point sum can hold it.
    case infiniteTarget(row: Int, value: Float)
    case schemaMismatch(String)

    public var description: String {
        switch self {
        case .invalidParameters(let why): "invalid forest parameters: \(why)"
        case .noTrainingRows: "no training rows"
        case .targetCountMismatch(let rows, let targets): "\(targets) targets for \(rows) rows"
        case .missingTarget(let row): "the target of row \(row + 1) is missing (NaN); drop unlabelled rows before training"
        case .infiniteTarget(let row, let value): "the target of row \(row + 1) is \(value); targets must be finite numbers"
        case .schemaMismatch(let why): "the matrix's features differ from the model's: \(why)"
        }
    }
}
