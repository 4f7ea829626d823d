import ClickHouse
import Features
import Forest
import Foundation
import Serve
import Tabular
import TabularIO

/// `restock score --clickhouse`: score every candidate row of the Instacart tables in ClickHouse
/// with a model, in bounded memory, into a table of the same server (published atomically per
/// model version) or into a CSV file.
///
/// The candidate rows' features are computed by the server (`ReorderFeatureSQL`) and streamed out
/// as RowBinary in chunks of `chunkRows` rows (`ReorderMatrix.stream`); each chunk is scored by the
/// forest (`ForestPredictor`, over `threads`). To a table: the scored rows (user_id, product_id,
/// probability Float32, model_version) go into a streaming RowBinary INSERT into the run's load
/// table on a second connection (the run's load table, `ModelVersionTable.begin`), then
/// `ModelVersionPublication.publish` checks its count against the rows sent, carries the other
/// model versions over and swaps it in with one RENAME (restart-proof; see `ModelVersionTable`). The
/// SELECT (plus scoring) runs on a thread of its own and hands scored chunks over a `ChunkHandoff`
/// of `handoffCapacity` chunks to the INSERT, so reading, scoring and writing overlap; the INSERT
/// is opened only when the first chunk is scored (the feature steps before it take a while at full
/// scale). The SELECT is unordered (the table sorts its rows anyway), so the server streams from its
/// first block. To a file: the same CSV as `ScoringRun` (`StreamingScorer`), rows by user_id then
/// product_id (ordered SELECT).
///
/// Failure: the model's features are checked against the SQL's before anything is created; any
/// failure after that (server error, count mismatch, cut upload) leaves the live table as it was
/// (only the load table was written; it is dropped when possible, else by the next run).
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
    /// Settings of the INSERT into the load table (tests make its blocks small, so that the server
    /// commits parts of a failing upload into the load table).
    public var insertSettings = ClickHouseSettings()
    /// Called from inside the INSERT's producer after each batch of rows with the rows written so
    /// far (table output). An error it throws aborts the upload midway and is rethrown by `run`:
    /// the fault tests cut uploads with it (`restock score --fail-after-rows`, `--pause-after-rows`).
    public var rowsWritten: (@Sendable (_ rows: Int) throws -> Void)?
    /// Drop the load table after a failure (off only in the test that looks into it).
    var dropsStageOnFailure = true
    /// Called at each `PublishStep` of a table output (fault tests).
    public var fault: PublishFaultHook?
    /// Seconds to wait for another run publishing into the same table (`PublishLock`).
    public var lockWait = 120.0
    /// Who runs; nil: this process with a fresh run id.
    public var owner: RunOwner?

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
        /// Count check, carrying the other versions over, the RENAME swap and the drops (table output).
        public var publish = 0.0
        public var seconds = 0.0
        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let (model, scorer) = try StreamingScorer.forClickHouseFeatures(modelPath: modelPath, threads: threads, chunkRows: chunkRows)
        let version = model.version.description
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

    /// The table output as a producer-consumer pipeline: the reader thread streams and scores the
    /// chunks into the handoff, this thread uploads them into the load table, then publishes it.
    private func toTable(_ table: ModelVersionTable, version: String, scorer: StreamingScorer,
                         progress: (@Sendable (String) -> Void)?) throws -> Summary {
        try ReorderMatrix.checkTablesExist(client, database: database)
        let publication = try table.begin(client, version: version, owner: owner, lockWait: lockWait, fault: fault, progress: progress)
        let load = publication.loadTable
        let handoff = ChunkHandoff<ScoredRows>(capacity: handoffCapacity)
        let reader = ScoringReader(client: client, database: database, chunkRows: chunkRows, scorer: scorer, handoff: handoff)
        reader.start(progress: progress)
        var summary = Summary()
        do {
            let sent = try upload(handoff, into: load, columns: table.insertColumns, version: version,
                                  summary: &summary, progress: progress)
            let result = try reader.join()
            guard result.rows == sent else {
                throw PublishError.countMismatch(table: "\(database).\(load)", sent: result.rows, counted: sent)
            }
            try publish(publication, rows: sent, summary: &summary, progress: progress)
            summary.rows = sent
            summary.add(result)
            return summary
        } catch {
            handoff.cancel()
            _ = try? reader.join()
            publication.abandon(client, dropLoad: dropsStageOnFailure)
            // The reader's own error explains a cut stream better than the INSERT's cancellation.
            if error is CancellationError, let readerError = reader.failure { throw readerError }
            throw error
        }
    }

    /// Uploads the scored chunks of `handoff` into the load table as one streaming INSERT, `batchRows`
    /// rows per call of its producer (calling `rowsWritten` after each), and returns the rows sent.
    /// The feature steps run before the first chunk: the INSERT is opened only once there is one.
    private func upload(_ handoff: ChunkHandoff<ScoredRows>, into load: String, columns: [ClickHouseColumn],
                        version: String, summary: inout Summary, progress: (@Sendable (String) -> Void)?) throws -> Int {
        guard let first = try handoff.take() else { return 0 }
        let clock = ContinuousClock()
        let insertStart = clock.now
        let midLoad = OnceFlag(), fault = self.fault, userHook = rowsWritten
        var rows = ScoredRowsUpload(first: first, handoff: handoff, version: version, batchRows: batchRows) { rows in
            try userHook?(rows)
            if midLoad.set() { fault?(.midLoad) }
        }
        let transfer = try client.insert(into: load, database: database, columns: columns, settings: insertSettings) { writer in
            try rows.writeBatch(into: &writer)
        }
        summary.insert = Elapsed.seconds(clock.now - insertStart)
        summary.insertBytes = transfer.bytes
        progress?("inserted \(transfer.rows) rows (\(transfer.bytes >> 20) MiB) into \(database).\(load) "
            + "in \(Self.format(summary.insert)) s")
        return rows.sent
    }

    /// Checks the load table's count and swaps it in (`ModelVersionPublication.publish`).
    private func publish(_ publication: ModelVersionPublication, rows: Int, summary: inout Summary,
                         progress: (@Sendable (String) -> Void)?) throws {
        let clock = ContinuousClock()
        let publishStart = clock.now
        try publication.publish(client, rowsSent: rows)
        summary.publish = Elapsed.seconds(clock.now - publishStart)
        progress?("published \(rows) rows of \(publication.version) into \(database).\(publication.table.name) "
            + "in \(Self.format(summary.publish)) s")
    }

    static func format(_ s: Double) -> String { String(format: "%.2f", s) }
}

extension ClickHouseScoringRun.Summary {
    /// Takes the reading side's counts and times.
    mutating func add(_ reader: ScoringReader) {
        chunks = reader.chunks
        featureSteps = reader.timings.steps.reduce(0) { $0 + $1.seconds }
        stream = reader.timings.stream
        selectAndDecode = reader.timings.stream - reader.timings.handler
        firstRow = reader.timings.firstRow
        predict = reader.predict
        predictCPU = reader.predictCPU
        waitForInsert = reader.waitForInsert
    }
}

/// The consuming side of the pipeline, as the INSERT's producer: writes the scored rows of the
/// current chunk `batchRows` at a time as (user_id, product_id, probability, model_version) and
/// takes the next chunk from the handoff when one is done. O(1) memory beyond the chunks.
struct ScoredRowsUpload {
    private var current: ScoredRows?
    private var position = 0
    /// Rows written so far.
    private(set) var sent = 0
    private let handoff: ChunkHandoff<ScoredRows>
    private let versionBytes: [UInt8]
    private let batchRows: Int
    private let rowsWritten: (@Sendable (_ rows: Int) throws -> Void)?

    init(first: ScoredRows, handoff: ChunkHandoff<ScoredRows>, version: String, batchRows: Int,
         rowsWritten: (@Sendable (_ rows: Int) throws -> Void)?) {
        current = first
        self.handoff = handoff
        versionBytes = Array(version.utf8)
        self.batchRows = batchRows
        self.rowsWritten = rowsWritten
    }

    /// Writes the next batch; false once every chunk is written. Rethrows the handoff's and
    /// `rowsWritten`'s errors.
    mutating func writeBatch(into writer: inout RowBinaryWriter) throws -> Bool {
        guard let chunk = current else { return false }
        let end = min(position + batchRows, chunk.count)
        Self.write(rows: position..<end, users: chunk.users, products: chunk.products,
                   probabilities: chunk.probabilities, version: versionBytes, versionCount: versionBytes.count,
                   into: &writer)
        sent += end - position
        position = end
        try rowsWritten?(sent)
        if position == chunk.count {
            current = try handoff.take()
            position = 0
        }
        return current != nil
    }

    private static func write(rows: Range<Int>, users: UnsafePointer<Int32>, products: UnsafePointer<Int32>,
                              probabilities: UnsafePointer<Float>, version: UnsafePointer<UInt8>, versionCount: Int,
                              into writer: inout RowBinaryWriter) {
        let versionText = UnsafeRawBufferPointer(start: version, count: versionCount)
        for r in rows {
            writer.writeUInt32(UInt32(bitPattern: users[r]))
            writer.writeUInt32(UInt32(bitPattern: products[r]))
            writer.writeFloat32(probabilities[r])
            writer.writeString(bytes: versionText)
        }
    }
}
