import Dispatch
import Features
import Forest
import Tabular
import TabularIO

/// Scores candidate rows with a forest and writes `user_id,product_id,probability`, one line per
/// row in input order, in bounded memory.
///
/// A stream is processed chunk by chunk: `MatrixCSVStream` parses `chunkRows` rows (split over the
/// threads), `ForestPredictor` scores them (blocks over the threads), and the output lines are
/// formatted into per-thread byte buffers and written in order. Only one chunk is alive at a time, so
/// memory is O(chunkRows · columns) whatever the input length; the output does not depend on
/// `chunkRows` or `threads` (a row's score is the mean of its trees' leaves, summed in tree order).
/// Before any row is read the input's header is checked against the model: same feature names in
/// the same order (`FeatureSchema.difference(from:)` names the difference), and both key columns.
/// Probabilities are written with 6 significant digits (`SignificantDecimal`, as printf `%.6g`).
/// Cost: O(rows · trees · depth) for the forest, O(bytes) for parsing and formatting.
public struct StreamingScorer: Sendable {
    public static let header = "user_id,product_id,probability\n"
    /// The longest output line: two Int32 keys, a probability, two commas and a newline.
    static let maximumLineLength = 11 + 1 + 11 + 1 + SignificantDecimal.maximumLength + 1

    /// The model's features, in order.
    public let schema: FeatureSchema
    public let threads: Int
    public let chunkRows: Int
    /// The packed trees; the scorer keeps only these, so the caller may drop the `ForestModel`.
    public let predictor: ForestPredictor

    public init(model: ForestModel, threads: Int = 1, chunkRows: Int = 65_536) {
        precondition(threads > 0 && chunkRows > 0, "StreamingScorer: threads and chunkRows must be positive")
        schema = model.schema
        self.threads = threads
        self.chunkRows = chunkRows
        predictor = ForestPredictor(model)
    }

    /// What a run did, and where the time went.
    public struct Summary: Sendable, Equatable {
        public var rows = 0
        public var chunks = 0
        /// Wall-clock seconds from the first read to the last write.
        public var seconds = 0.0
        /// Wall-clock seconds inside the forest (`ForestPredictor.predict`), over all chunks.
        public var predictSeconds = 0.0
        /// CPU seconds (user + system, all threads of the process) inside the forest: on a busy
        /// machine, rows per CPU second is the steadier measure of the kernel.
        public var predictCPUSeconds = 0.0
        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }

    /// Throws `ScoringError` when a matrix with these features and keys cannot be scored.
    public func check(schema: FeatureSchema, keyNames: [String], input: String) throws {
        if let difference = schema.difference(from: self.schema) {
            throw ScoringError.schemaMismatch(input: input, difference: difference)
        }
        for key in ["user_id", "product_id"] where !keyNames.contains(key) {
            throw ScoringError.missingKey(input: input, name: key)
        }
    }

    /// Scores every row of `stream` into `writer` (header first) and commits it. On any error the
    /// writer is abandoned (its temporary file removed) and the error rethrown.
    public func score(_ stream: MatrixCSVStream, to writer: AtomicFileWriter) throws -> Summary {
        try check(schema: stream.schema, keyNames: stream.layout.keyNames, input: stream.name)
        return try writing(to: writer) { emit in
            while let chunk = try stream.next(maxRows: chunkRows, threads: threads) {
                try emit(chunk)
            }
        }
    }

    /// Scores an in-memory matrix (built from a data folder or read from a binary file) in chunks.
    public func score(_ matrix: LabelledMatrix, input: String, to writer: AtomicFileWriter) throws -> Summary {
        try check(schema: matrix.features.schema, keyNames: matrix.keys.names, input: input)
        return try writing(to: writer) { emit in
            var lo = 0
            while lo < matrix.rowCount {
                let hi = min(lo + chunkRows, matrix.rowCount)
                try emit(matrix.selectingRows(Array(lo..<hi)))
                lo = hi
            }
        }
    }

    /// Scores the chunks that `produce` hands to `emit` (a source that pushes chunks, such as a
    /// ClickHouse stream), in order, into `writer`; same output and failure rule as above. The
    /// chunks must have this scorer's features and the user_id and product_id keys (`check` them once
    /// before: chunks are not checked one by one).
    public func score(to writer: AtomicFileWriter,
                      chunks produce: (_ emit: (LabelledMatrix) throws -> Void) throws -> Void) throws -> Summary {
        try writing(to: writer, produce)
    }

    /// Runs `produce`, which hands chunks to `emit`; each chunk is scored and written.
    private func writing(to writer: AtomicFileWriter,
                         _ produce: (_ emit: (LabelledMatrix) throws -> Void) throws -> Void) throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = Summary()
        let lines = LineBuffers(workers: threads, rows: chunkRows)
        do {
            try writer.write(StreamingScorer.header)
            try produce { chunk in
                let (wall, cpu) = (clock.now, ProcessCPUTime.seconds())
                let probabilities = try predictor.predict(chunk.features, threads: threads)
                summary.predictSeconds += Elapsed.seconds(clock.now - wall)
                summary.predictCPUSeconds += ProcessCPUTime.seconds() - cpu
                try lines.write(users: chunk.keys.column(named: "user_id")!, products: chunk.keys.column(named: "product_id")!,
                                probabilities: probabilities, to: writer)
                summary.rows += chunk.rowCount
                summary.chunks += 1
            }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        summary.seconds = Elapsed.seconds(clock.now - start)
        return summary
    }
}
