import ClickHouse
import Features
import Forest
import Foundation
import Serve
import TabularIO
import Tabular

/// `restock score --clickhouse`: score every candidate row of the Instacart tables in ClickHouse
/// with a model, in bounded memory, into a table of the same server (published atomically per
/// model version) or into a CSV file.
///
/// The candidate rows' features are computed by the server (`ReorderFeatureSQL`) and streamed out
/// as RowBinary in chunks of `chunkRows` rows (`ReorderMatrix.stream`); each chunk is scored by the
/// forest (`ForestPredictor`, over `threads`). To a table: the scored rows (user_id, product_id,
/// probability Float32, model_version) go into a streaming RowBinary INSERT into the run's stage
/// table on a second connection, then `ModelVersionTable.publish` checks the stage's count against
/// the rows sent and swaps the partition of this model version in (`REPLACE PARTITION`). The
/// SELECT (plus scoring) runs on a thread of its own and hands scored chunks over a `ChunkHandoff`
/// of `handoffCapacity` chunks to the INSERT, so reading, scoring and writing overlap; the INSERT
/// is opened only when the first chunk is scored (the feature steps before it take a while at full
/// scale). The SELECT is unordered (the table sorts its rows anyway), so the server streams from its
/// first block. To a file: the same CSV as `ScoringRun` (`StreamingScorer`), rows by user_id then
/// product_id (ordered SELECT).
///
/// Failure: the model's features are checked against the SQL's before anything is created; any
/// failure after that (server error, count mismatch, cut upload) leaves the live table as it was
/// (only the stage was written; it is dropped when possible).
///
/// Memory: the packed trees, one chunk being decoded (4 bytes × 33 columns × chunkRows), the chunk
/// being scored, up to `handoffCapacity` scored chunks (12 bytes a row) and curl's buffers, whatever
/// the candidate count: 64 to 71 MiB peak RSS of the whole process for the 13M candidates of full
/// scale, against 2.45 GB for `score --data` (scripts/bench/score_clickhouse). Cost: the server's feature SQL, O(rows · trees · depth) for the
/// forest, 24 bytes per row uploaded.
public struct ClickHouseScoringRun: Sendable {
    public typealias Output = ClickHouseRunOutput

    public var modelPath: String
    public var client: ClickHouseClient
    public var database: String
    public var output: Output
    public var threads: Int
    public var chunkRows: Int
    /// Scored chunks waiting for the INSERT at most.
    public var handoffCapacity = 2
    /// Rows written per call of the INSERT's producer.
    var batchRows = 8192
    /// Settings of the INSERT into the stage (tests make its blocks small, so that the server
    /// commits parts of a failing upload into the stage).
    public var insertSettings = ClickHouseSettings()
    /// Called from inside the INSERT's producer after each batch of rows with the rows written so
    /// far (table output). An error it throws aborts the upload midway and is rethrown by `run`:
    /// the fault tests cut uploads with it (`restock score --fail-after-rows`, `--pause-after-rows`).
    public var rowsWritten: (@Sendable (_ rows: Int) throws -> Void)?
    /// Drop the stage table after a failure (off only in the test that looks into it).
    var dropsStageOnFailure = true

    public init(modelPath: String, client: ClickHouseClient, database: String, output: Output,
                threads: Int = 1, chunkRows: Int = 65_536) {
        self.modelPath = modelPath
        self.client = client
        self.database = database
        self.output = output
        self.threads = threads
        self.chunkRows = chunkRows
    }

    /// What a run did, and where the time went (wall seconds; the stream, the scoring and the
    /// INSERT overlap, so their times do not add up to `seconds`).
    public struct Summary: Sendable {
        public var modelVersion = ""
        public var rows = 0
        public var chunks = 0
        /// The feature SQL's intermediate steps on the server (CREATE TABLE ... AS SELECT).
        public var featureSteps = 0.0
        /// From the final SELECT's request to its last row, including the handler's time.
        public var stream = 0.0
        /// `stream` minus the time spent in the chunk handler: waiting for and decoding rows.
        public var selectAndDecode = 0.0
        /// From the final SELECT's request to its first row (part of `selectAndDecode`).
        public var firstRow = 0.0
        /// Inside the forest, over all chunks, and its CPU seconds (all threads).
        public var predict = 0.0
        public var predictCPU = 0.0
        /// Time the chunk handler waited for room in the handoff (the INSERT being the slower side).
        public var waitForInsert = 0.0
        /// From the INSERT's request to its end (table output).
        public var insert = 0.0
        public var insertBytes = 0
        /// Count check, REPLACE PARTITION and the stage's drop (table output).
        public var publish = 0.0
        public var seconds = 0.0
        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let model = try ForestModel.load(from: modelPath)
        let version = model.version.description
        let scorer = StreamingScorer(model: model, threads: threads, chunkRows: chunkRows)
        try scorer.check(schema: ReorderMatrix.clickHouseSchema, keyNames: ["user_id", "product_id"],
                         input: "the features computed in ClickHouse")
        var summary: Summary
        switch output {
        case .file(let path):
            summary = try toFile(path, scorer: scorer, progress: progress)
        case .table(let name):
            summary = try toTable(ModelVersionTable.predictions(database: database, name: name), version: version,
                                  scorer: scorer, progress: progress)
        }
        summary.modelVersion = version
        summary.seconds = Elapsed.seconds(clock.now - start)
        return summary
    }

    private func toFile(_ path: String, scorer: StreamingScorer, progress: (@Sendable (String) -> Void)?) throws -> Summary {
        try ReorderMatrix.checkTablesExist(client, database: database)
        let writer = try AtomicFileWriter.opening(path)
        var timings = ReorderMatrix.ClickHouseTimings()
        let scored = try scorer.score(to: writer) { emit in
            timings = try ReorderMatrix.stream(clickhouse: client, database: database, chunkRows: chunkRows,
                                               progress: progress, chunk: emit)
        }
        var summary = Summary()
        summary.rows = scored.rows
        summary.chunks = scored.chunks
        summary.featureSteps = timings.steps.reduce(0) { $0 + $1.seconds }
        summary.stream = timings.stream
        summary.selectAndDecode = timings.stream - timings.handler
        summary.firstRow = timings.firstRow
        summary.predict = scored.predictSeconds
        summary.predictCPU = scored.predictCPUSeconds
        return summary
    }

    private func toTable(_ table: ModelVersionTable, version: String, scorer: StreamingScorer,
                         progress: (@Sendable (String) -> Void)?) throws -> Summary {
        try ReorderMatrix.checkTablesExist(client, database: database)
        try table.prepare(client, version: version)
        let stage = table.stageName(version: version)
        let handoff = ChunkHandoff<ScoredRows>(capacity: handoffCapacity)
        let reader = ScoringReader(client: client, database: database, chunkRows: chunkRows, scorer: scorer, handoff: handoff)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            reader.run(progress: progress)
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()

        let clock = ContinuousClock()
        var summary = Summary()
        do {
            var sent = 0
            // The feature steps run before the first chunk: open the INSERT only once there is one.
            var current = try handoff.take()
            var position = 0
            if current != nil {
                let insertStart = clock.now
                let versionBytes = Array(version.utf8)
                let (batch, rowsWritten) = (batchRows, self.rowsWritten)
                let transfer = try client.insert(into: stage, database: database, columns: table.insertColumns,
                                                 settings: insertSettings) { writer in
                    guard let chunk = current else { return false }
                    let end = min(position + batch, chunk.count)
                    chunk.users.withUnsafeBufferPointer { users in
                        chunk.products.withUnsafeBufferPointer { products in
                            chunk.probabilities.withUnsafeBufferPointer { probabilities in
                                versionBytes.withUnsafeBytes { versionText in
                                    for r in position..<end {
                                        writer.writeUInt32(UInt32(bitPattern: users[r]))
                                        writer.writeUInt32(UInt32(bitPattern: products[r]))
                                        writer.writeFloat32(probabilities[r])
                                        writer.writeString(bytes: versionText)
                                    }
                                }
                            }
                        }
                    }
                    sent += end - position
                    position = end
                    try rowsWritten?(sent)
                    if position == chunk.count {
                        current = try handoff.take()
                        position = 0
                    }
                    return current != nil
                }
                summary.insert = Elapsed.seconds(clock.now - insertStart)
                summary.insertBytes = transfer.bytes
                progress?("inserted \(transfer.rows) rows (\(transfer.bytes >> 20) MiB) into \(database).\(stage) "
                    + "in \(Self.format(summary.insert)) s")
            }
            done.wait()
            let result = try reader.result()
            guard result.rows == sent else {
                throw PublishError.countMismatch(table: "\(database).\(stage)", sent: result.rows, counted: sent)
            }
            let publishStart = clock.now
            try table.publish(client, version: version, rowsSent: sent)
            summary.publish = Elapsed.seconds(clock.now - publishStart)
            progress?("published \(sent) rows of \(version) into \(database).\(table.name) in \(Self.format(summary.publish)) s")
            summary.rows = sent
            summary.chunks = result.chunks
            summary.featureSteps = result.timings.steps.reduce(0) { $0 + $1.seconds }
            summary.stream = result.timings.stream
            summary.selectAndDecode = result.timings.stream - result.timings.handler
            summary.firstRow = result.timings.firstRow
            summary.predict = result.predict
            summary.predictCPU = result.predictCPU
            summary.waitForInsert = result.waitForInsert
            return summary
        } catch {
            handoff.cancel()
            done.wait()
            if dropsStageOnFailure { try? table.dropStage(client, version: version) }
            // The reader's own error explains a cut stream better than the INSERT's cancellation.
            if error is CancellationError, let readerError = reader.failure { throw readerError }
            throw error
        }
    }

    static func format(_ s: Double) -> String { String(format: "%.2f", s) }
}
