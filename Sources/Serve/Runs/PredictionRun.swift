import Forest
import Tabular
import TabularIO

/// One `restock predict` run: load a model, read a matrix file, predict every row, and write one
/// column `prediction` in row order (`-` writes to standard output). Cost: reading the matrix
/// (O(rows × columns)) and O(rows × trees × depth) for the forest.
public struct PredictionRun: Sendable {
    public var modelPath: String
    public var matrixPath: String
    public var outPath: String
    public var threads: Int
    /// Rows per scoring block; 0 chooses one from the model.
    public var blockRows = 0

    public struct Result: Sendable {
        public var rows: Int
        public var features: [String]
        public var targetName: String
        public var seconds: (loadModel: Double, readMatrix: Double, packTrees: Double, predict: Double, write: Double)
    }

    public init(modelPath: String, matrixPath: String, outPath: String, threads: Int, blockRows: Int = 0) {
        self.modelPath = modelPath
        self.matrixPath = matrixPath
        self.outPath = outPath
        self.threads = threads
        self.blockRows = blockRows
    }

    public func run() throws -> Result {
        let clock = ContinuousClock()
        let t0 = clock.now
        var model: ForestModel? = try ForestModel.load(from: modelPath)
        let targetName = model!.metadata.targetName
        let features = model!.schema.names
        let t1 = clock.now
        let matrix = try MatrixFile.read(path: matrixPath, targetName: targetName)
        let t2 = clock.now
        let predictor = ForestPredictor(model!, blockRows: blockRows)
        model = nil  // the packed trees are all that scoring needs
        let t3 = clock.now
        let predictions = try predictor.predict(matrix.features, threads: threads)
        let t4 = clock.now
        let writer = try AtomicFileWriter.opening(outPath)
        try writer.write("prediction\n")
        for p in predictions {
            try writer.write(p.description)
            try writer.write(byte: 10)
        }
        try writer.commit()
        let t5 = clock.now
        return Result(rows: predictions.count, features: features, targetName: targetName,
                      seconds: (Elapsed.seconds(t1 - t0), Elapsed.seconds(t2 - t1), Elapsed.seconds(t3 - t2), Elapsed.seconds(t4 - t3),
                                Elapsed.seconds(t5 - t4)))
    }
}
