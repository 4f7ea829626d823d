import Features
import Forest
import TabularIO

/// `restock score` as one library call: load the model, open the input, check it against the
/// model, then stream it through `StreamingScorer` into the output (`-` = standard output).
///
/// A CSV matrix file or standard input is streamed in chunks (bounded memory); a binary matrix
/// (RSTKMAT1) is read whole, and a data folder is turned into the candidate matrix first
/// (`ReorderMatrix`), then both are scored in chunks. The output file is created only after the
/// model loaded and the input's header matched, and it is renamed into place only when every row
/// was scored (`AtomicFileWriter`), so a failure never leaves a partial file.
public struct ScoringRun: Sendable {
    public enum Input: Sendable, Equatable {
        /// An Instacart-layout data folder.
        case data(String)
        /// A matrix file, CSV or binary; `-` is a CSV matrix on standard input.
        case matrix(String)
    }

    public var modelPath: String
    public var input: Input
    public var outPath: String
    public var threads: Int
    public var chunkRows: Int

    public init(modelPath: String, input: Input, outPath: String, threads: Int = 1, chunkRows: Int = 65_536) {
        self.modelPath = modelPath
        self.input = input
        self.outPath = outPath
        self.threads = threads
        self.chunkRows = chunkRows
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> StreamingScorer.Summary {
        // only the packed trees are kept: the loaded model is freed before the input is read
        let (scorer, target) = try { () throws -> (StreamingScorer, String) in
            let model = try ForestModel.load(from: modelPath)
            return (StreamingScorer(model: model, threads: threads, chunkRows: chunkRows), model.metadata.targetName)
        }()
        switch input {
        case .matrix(let path) where path == "-" || !MatrixBinary.isBinaryMatrix(path: path):
            let stream = try MatrixCSVStream(path: path, targetName: target)
            try scorer.check(schema: stream.schema, keyNames: stream.layout.keyNames, input: stream.name)
            return try scorer.score(stream, to: try output())
        case .matrix(let path):
            let matrix = try MatrixBinary.read(path: path)
            try scorer.check(schema: matrix.features.schema, keyNames: matrix.keys.names, input: path)
            return try scorer.score(matrix, input: path, to: try output())
        case .data(let directory):
            let (matrix, _) = try ReorderMatrix.build(directory: directory, threads: threads, progress: progress)
            try scorer.check(schema: matrix.features.schema, keyNames: matrix.keys.names, input: directory)
            return try scorer.score(matrix, input: directory, to: try output())
        }
    }

    private func output() throws -> AtomicFileWriter {
        try AtomicFileWriter.opening(outPath)
    }
}
