import ClickHouse
import Features
import Forest
import Foundation
import Serve
import Tabular

/// `restock score --clickhouse URL --cluster NAME --to-table T`: every candidate row of a sharded
/// cluster scored by one model, each shard's rows published into the shard's own table T (one
/// partition per model version, `ModelVersionTable`), with a Distributed table `T_all` over them on
/// every node.
///
/// The plan: the cluster's feature steps (`ReorderMatrix.withClusterFeatureTables`: user features
/// where the user lives, product totals added from every shard and loaded into each) leave on each
/// shard the SELECT of its rows of the matrix; then one pipeline per shard, in parallel: a reader
/// thread streams the shard's rows (RowBinary, unordered), decodes chunks of `chunkRows` rows and
/// scores them, and hands them over a `ChunkHandoff` of two chunks to the shard's INSERT into its
/// load table (`ModelVersionTable.begin` on that shard). Publication is in two phases: every
/// shard's load table is filled and its count checked first; only when all are complete is each
/// swapped in (`ModelVersionPublication.publish`), so a failure on any shard before that leaves
/// every shard's live table as it was. (A failure between two shards' swaps, e.g. a server dying
/// then, leaves the version published on some shards: the re-run replaces it; readers of `T_all`
/// filter on model_version and can compare per-shard counts.)
///
/// Memory on the client: per shard one decode buffer and up to three scored chunks
/// (≈ 4 · 33 · chunkRows + 3 · 12 · chunkRows bytes), plus the packed trees once: bounded, whatever
/// the row count. Cost: the cluster's feature SQL, O(rows · trees · depth) of forest, 24 bytes per
/// row uploaded to the shard it came from (rows never cross shards).
public struct ClusterScoringRun: Sendable {
    public var modelPath: String
    public var cluster: ClickHouseCluster
    public var database: String
    public var table: String
    /// Forest threads per shard pipeline.
    public var threads: Int
    public var chunkRows: Int
    public var lockWait = 120.0

    public init(modelPath: String, cluster: ClickHouseCluster, database: String, table: String, threads: Int = 1,
                chunkRows: Int = 65_536) {
        self.modelPath = modelPath
        self.cluster = cluster
        self.database = database
        self.table = table
        self.threads = threads
        self.chunkRows = chunkRows
    }

    public struct Summary: Sendable {
        public var modelVersion = ""
        public var rows = 0
        /// Rows per shard, in shard order.
        public var shardRows: [Int] = []
        /// The feature steps (all shards, the product sums included).
        public var featureSteps = 0.0
        /// From the first shard's SELECT to the last shard's count check (streams, scoring and INSERTs overlap).
        public var scoreAndUpload = 0.0
        /// Forest seconds summed over shards.
        public var predict = 0.0
        public var publish = 0.0
        public var seconds = 0.0
        /// The Distributed table over the shards' tables.
        public var distributedTable = ""
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let (model, scorer) = try StreamingScorer.forClickHouseFeatures(modelPath: modelPath, threads: threads, chunkRows: chunkRows)
        let version = model.version.description
        let check = ClusterLoadCheck(cluster: cluster, database: database)
        let loadRun = try check.verify()
        let shards = cluster.shards, versionTable = ModelVersionTable.predictions(database: database, name: table)
        let chunkRows = self.chunkRows, lockWait = self.lockWait, database = self.database
        var summary = Summary()
        summary.modelVersion = version
        let (staged, timings) = try ReorderMatrix.withClusterFeatureTables(shards: shards, database: database, progress: progress) {
            sql, expected, _ -> [ShardStage] in
            let select = sql.matrixSelect(ordered: false)
            let stageStart = clock.now
            let stages = ShardStages(count: shards.count)
            do {
                _ = try ShardThreads.run(shards.count) { k in
                    let client = shards[k]
                    let publication = try versionTable.begin(client, version: version, lockWait: lockWait, progress: progress)
                    stages.set(k, ShardStage(publication: publication, rows: 0, predict: 0))
                    let (rows, predict) = try Self.stream(client: client, select: select, expected: expected[k], chunkRows: chunkRows,
                                                          scorer: scorer, into: publication.loadTable, database: database,
                                                          table: versionTable, version: version)
                    let counted = Int(try client.queryText("SELECT count() FROM \(SQLLiteral.qualifiedName(database, publication.loadTable))")
                        .filter { !$0.isWhitespace }) ?? -1
                    guard counted == rows else {
                        throw PublishError.countMismatch(table: "\(database).\(publication.loadTable)", sent: rows, counted: counted)
                    }
                    stages.set(k, ShardStage(publication: publication, rows: rows, predict: predict))
                    progress?("shard \(k + 1): \(rows) rows scored into \(database).\(publication.loadTable)")
                }
            } catch {
                for k in shards.indices { stages.get(k)?.publication.abandon(shards[k]) }
                throw error
            }
            summary.scoreAndUpload = Elapsed.seconds(clock.now - stageStart)
            return shards.indices.map { stages.get($0)! }
        }
        summary.featureSteps = timings.steps
        if try check.verify() != loadRun {
            for k in shards.indices { staged[k].publication.abandon(shards[k]) }
            throw ReorderMatrixSourceError.changedDuringRead(database: database)
        }
        let publishStart = clock.now
        for k in shards.indices { try staged[k].publication.publish(shards[k], rowsSent: staged[k].rows) }
        summary.distributedTable = table + "_all"
        for client in shards {
            try client.execute("CREATE TABLE IF NOT EXISTS \(SQLLiteral.qualifiedName(database, summary.distributedTable)) "
                + "AS \(SQLLiteral.qualifiedName(database, table)) ENGINE = Distributed(\(SQLLiteral.identifier(cluster.name)), "
                + "\(SQLLiteral.identifier(database)), \(SQLLiteral.identifier(table)))")
        }
        summary.publish = Elapsed.seconds(clock.now - publishStart)
        summary.shardRows = staged.map(\.rows)
        summary.rows = summary.shardRows.reduce(0, +)
        summary.predict = staged.reduce(0) { $0 + $1.predict }
        summary.seconds = Elapsed.seconds(clock.now - start)
        progress?("published \(summary.rows) rows of \(version) into \(database).\(table) on \(shards.count) shards "
            + "(\(summary.shardRows.map(String.init).joined(separator: " + "))), read through \(database).\(summary.distributedTable)")
        return summary
    }

    /// One shard's staged publication.
    struct ShardStage: Sendable {
        let publication: ModelVersionPublication
        let rows: Int
        let predict: Double
    }

    /// Streams one shard's rows (reader thread: SELECT, decode, score) into its load table (this
    /// thread: one streaming INSERT). Returns the rows sent and the forest's seconds.
    static func stream(client: ClickHouseClient, select: String, expected: Int, chunkRows: Int, scorer: StreamingScorer,
                       into load: String, database: String, table: ModelVersionTable, version: String) throws -> (Int, Double) {
        let handoff = ChunkHandoff<ScoredRows>(capacity: 2)
        let reader = ShardScoringReader(client: client, select: select, expected: expected, chunkRows: chunkRows,
                                        scorer: scorer, handoff: handoff)
        reader.start()
        do {
            guard let first = try handoff.take() else {
                let predict = try reader.join()
                return (0, predict)
            }
            var rows = ScoredRowsUpload(first: first, handoff: handoff, version: version, batchRows: 8192, rowsWritten: nil)
            _ = try client.insert(into: load, database: database, columns: table.insertColumns) { writer in
                try rows.writeBatch(into: &writer)
            }
            let predict = try reader.join()
            guard rows.sent == expected else { throw ReorderMatrixSourceError.rowCount(expected: expected, received: rows.sent) }
            return (rows.sent, predict)
        } catch {
            handoff.cancel()
            _ = try? reader.join()
            if error is CancellationError, let failure = reader.failure { throw failure }
            throw error
        }
    }
}

/// Per-shard slots written by the shard threads (each slot by one thread; read after they join).
final class ShardStages: @unchecked Sendable {
    private var slots: [ClusterScoringRun.ShardStage?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ stage: ClusterScoringRun.ShardStage) { lock.withLock { slots[k] = stage } }
    func get(_ k: Int) -> ClusterScoringRun.ShardStage? { lock.withLock { slots[k] } }
}

/// The reading side of one shard's pipeline, on a thread of its own: the shard's matrix SELECT
/// decoded in chunks, each scored and put into the handoff.
final class ShardScoringReader: @unchecked Sendable {
    let client: ClickHouseClient
    let select: String
    let expected: Int
    let chunkRows: Int
    let scorer: StreamingScorer
    let handoff: ChunkHandoff<ScoredRows>
    private(set) var failure: (any Error)?
    private var predict = 0.0
    private let done = DispatchSemaphore(value: 0)
    private var joined = false

    init(client: ClickHouseClient, select: String, expected: Int, chunkRows: Int, scorer: StreamingScorer,
         handoff: ChunkHandoff<ScoredRows>) {
        self.client = client
        self.select = select
        self.expected = expected
        self.chunkRows = chunkRows
        self.scorer = scorer
        self.handoff = handoff
    }

    func start() {
        let thread = Thread {
            do {
                try self.read()
                self.handoff.finish()
            } catch {
                self.failure = error
                self.handoff.fail(error)
            }
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the thread; the forest's seconds, or the error that stopped it.
    func join() throws -> Double {
        if !joined {
            done.wait()
            joined = true
        }
        if let failure { throw failure }
        return predict
    }

    private func read() throws {
        let decoder = ChunkDecoder(chunkRows: chunkRows)
        let expected = self.expected
        func emit() throws {
            let chunk = decoder.flush()
            let start = ContinuousClock.now
            let probabilities = try scorer.predictor.predict(chunk.features, threads: scorer.threads)
            predict += Elapsed.seconds(ContinuousClock.now - start)
            try handoff.put(ScoredRows(users: chunk.keys.columns[0], products: chunk.keys.columns[1], probabilities: probabilities))
        }
        _ = try client.select(select, columns: ChunkDecoder.columns) { row in
            guard decoder.received < expected else {
                throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received + 1)
            }
            if try decoder.decode(&row) { try emit() }
        }
        if decoder.filled > 0 { try emit() }
        guard decoder.received == expected else { throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received) }
    }
}
