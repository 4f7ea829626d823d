import Forest
import Tabular

/// One `restock train` run over a matrix already read or built: drop the unlabelled rows, train the
/// forest, write the model file, and describe what happened. The model records its origin: the
/// fingerprint of the matrix as given (`LabelledMatrix.fingerprint`), the command line and the tool
/// version. Memory: the matrix is consumed and its features released once binned, so the peak is
/// about the binned matrix plus the trees. Cost: `RandomForest.train`'s, plus O(bytes) for the
/// fingerprint.
public struct TrainingRun: Sendable {
    public var modelPath: String
    public var parameters: ForestParameters
    public var threads: Int
    public var permutationRows: Int
    /// ISO 8601 date recorded in the model's metadata (not part of its version).
    public var trainedAt: String
    public var histograms: HistogramStrategy = .subtraction
    public var sparseNodeLimit = 256
    public var outOfBag = true
    public var commandLine: [String] = []
    public var toolVersion = ""
    /// Bin edges to train with instead of fitting them (another model's, for forests to be merged).
    public var binMapper: BinMapper?

    public init(modelPath: String, parameters: ForestParameters, threads: Int, permutationRows: Int, trainedAt: String,
                commandLine: [String] = [], toolVersion: String = "") {
        self.modelPath = modelPath
        self.parameters = parameters
        self.threads = threads
        self.permutationRows = permutationRows
        self.trainedAt = trainedAt
        self.commandLine = commandLine
        self.toolVersion = toolVersion
    }

    /// What a training did.
    public struct Outcome: Sendable {
        public var rowsRead: Int
        public var featureCount: Int
        public var rowsTrained: Int
        public var rowsSkipped: Int
        public var targetName: String
        public var trees: Int
        public var nodes: Int
        public var outOfBagRSquared: Double?
        public var outOfBagRows: Int
        public var modelVersion: String
        public var dataFingerprint: String
        public var seconds: (binning: Double, growing: Double, importances: Double, write: Double)
    }

    /// Trains on `matrix`, which is consumed. `progress` hears (trees grown, trees in all).
    public func run(_ matrix: consuming LabelledMatrix, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Outcome {
        let origin = ModelOrigin(dataFingerprint: matrix.fingerprint(), commandLine: commandLine, toolVersion: toolVersion)
        let labelled = matrix.labelledRows
        let rowsRead = matrix.rowCount, featureCount = matrix.features.featureCount
        let skipped = matrix.rowCount - labelled.count
        if skipped > 0 { matrix = matrix.selectingRows(labelled) }
        if matrix.rowCount == 0 { throw ForestError.noTrainingRows }
        let target = matrix.target, name = matrix.targetName, rows = matrix.rowCount
        let features = matrix.features
        matrix = LabelledMatrix(features: FeatureMatrix(rowCount: 0, schema: FeatureSchema(names: []), values: []),
                                keys: RowKeys(names: [], columns: []), target: [])
        let result = try RandomForest.train(
            features: consume features, target: target, targetName: name, parameters: parameters,
            options: TrainingOptions(threads: threads, trainedAt: trainedAt, permutationRows: permutationRows, progress: progress,
                                     histograms: histograms, sparseNodeLimit: sparseNodeLimit, outOfBag: outOfBag, origin: origin,
                                     binMapper: binMapper))
        let writeStart = ContinuousClock.now
        try result.model.write(to: modelPath)
        let writeSeconds = Elapsed.seconds(since: writeStart)
        let model = result.model
        return Outcome(rowsRead: rowsRead, featureCount: featureCount, rowsTrained: rows, rowsSkipped: skipped, targetName: name,
                       trees: model.trees.count, nodes: model.nodeCount, outOfBagRSquared: model.metadata.outOfBagRSquared,
                       outOfBagRows: model.metadata.outOfBagRowCount, modelVersion: model.version.description,
                       dataFingerprint: origin.dataFingerprint,
                       seconds: (result.binningSeconds, result.growingSeconds, result.importanceSeconds, writeSeconds))
    }
}
