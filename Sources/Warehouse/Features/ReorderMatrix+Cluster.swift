import ClickHouse
import Features
import Foundation
import Tabular

/// The reorder matrix of a sharded ClickHouse cluster (`restock features --cluster`): every user's
/// orders and order_products rows on one shard, products, aisles and departments whole on each,
/// in the same database and table names as a single-node ingest.
extension ReorderMatrix {
    /// What a cluster build reports.
    public struct ClusterTimings: Sendable {
        /// Per shard (in shard order): its steps (`ReorderFeatureSQL.userSteps`, then `psum`, the
        /// load of the global sums, and `productSteps`) and its part of the merged stream.
        public var shards: [ClickHouseTimings] = []
        /// Seconds to read every shard's partial product sums (in parallel).
        public var productSumsRead = 0.0
        /// Seconds to add them on the client.
        public var productSumsAdd = 0.0
        /// Seconds to load the global sums into every shard (in parallel).
        public var productSumsLoad = 0.0
        /// Products in the global sums.
        public var products = 0
        /// Seconds of the merged stream (from the first request to the last row handed out).
        public var stream = 0.0
        /// Seconds inside the chunk handler of the merged stream.
        public var handler = 0.0
        /// Rows of the merged matrix.
        public var rows = 0
        /// Seconds before the merged stream: the slowest shard in each parallel phase plus the
        /// product sums' round (which waits for every shard: the initiator-bound part).
        public var steps = 0.0
        public var total: Double { steps + stream }

        /// The initiator-bound part: read, add and load the product sums.
        public var productSums: Double { productSumsRead + productSumsAdd + productSumsLoad }

        public init() {}
    }

    /// Builds the same matrix as `build(clickhouse:database:)` on one server holding every user
    /// (same rows in the same order, same values bit for bit) from a cluster whose shards hold
    /// disjoint sets of users (`shards`: one client per shard, in shard order). See
    /// `stream(shards:database:chunkRows:progress:chunk:)` for the plan; here the merged rows go
    /// straight into one matrix (one output buffer of the total row count, handed over without a
    /// copy). Client memory: the matrix plus a few reader chunks per shard.
    public static func build(shards: [ClickHouseClient], database: String,
                             progress: (@Sendable (String) -> Void)? = nil) throws -> (LabelledMatrix, ClusterTimings) {
        var result: LabelledMatrix?
        let timings = try stream(shards: shards, database: database, chunkRows: nil, progress: progress) { result = $0 }
        return (result ?? emptyMatrix, timings)
    }

    /// `build(shards:database:progress:)` on the shards of `cluster`, once `ClusterLoadCheck` has
    /// found every shard carrying the committed sharded ingest (finishing a cut one); checked again
    /// at the end, so an ingest published meanwhile fails the build instead of mixing data sets.
    public static func build(cluster: ClickHouseCluster, database: String,
                             progress: (@Sendable (String) -> Void)? = nil) throws -> (LabelledMatrix, ClusterTimings) {
        var check = ClusterLoadCheck(cluster: cluster, database: database)
        check.progress = progress
        let run = try check.verify()
        let result = try build(shards: cluster.shards, database: database, progress: progress)
        if try check.verify() != run { throw ReorderMatrixSourceError.changedDuringRead(database: database) }
        return result
    }

    /// The matrix of a cluster, in chunks of at most `chunkRows` rows (as
    /// `stream(clickhouse:database:chunkRows:ordered:progress:chunk:)` on one server, ordered).
    ///
    /// The plan, each shard on a thread of its own:
    /// 1. every shard carries the six tables of one ingest, the same on all shards (load ids);
    /// 2. on each shard the user and user × product steps (`ReorderFeatureSQL.userSteps`) run
    ///    unchanged: its users are complete there;
    /// 3. each shard's partial product sums (`ProductSums`, one row per product it sells) are read
    ///    and added on the client, exactly (integers), then loaded into a `psum` table on every
    ///    shard: the only step that waits for all shards, O(products × shards) on the client;
    /// 4. on each shard `prod` (from `psum`) and `lbl` run, and the shard's rows are counted;
    /// 5. every shard's rows are read ordered by key (one HTTP stream per shard, each into a
    ///    bounded handoff of two chunks) and merged by key (`ShardMatrixMerge`), so the rows come
    ///    in the single-node order.
    /// Load ids are checked again after the steps and at the end (`.changedDuringRead`); the
    /// intermediate tables are dropped on every shard at the end, also after an error.
    ///
    /// Cost on the client: O(rows × columns) decoding and copying, O(products × shards) for the
    /// sums; memory O(chunkRows × columns) for the output plus three reader chunks of 8,192 rows
    /// per shard. `chunkRows` nil: one chunk of every row (the whole matrix).
    ///
    /// `perShard`, when given, runs on each shard's reader thread on every chunk it read (8,192
    /// rows, in key order) before the merge, and may replace the feature columns (keeping keys,
    /// target and row count): `recommend --cluster` scores there, so the forest runs once per shard
    /// in parallel and the merge copies one score column instead of 30 features, while the merged
    /// rows still come in the single-node order.
    public static func stream(shards: [ClickHouseClient], database: String, chunkRows: Int? = 65_536,
                              progress: (@Sendable (String) -> Void)? = nil,
                              perShard: (@Sendable (LabelledMatrix) throws -> LabelledMatrix)? = nil,
                              chunk: (LabelledMatrix) throws -> Void) throws -> ClusterTimings {
        precondition(!shards.isEmpty, "ReorderMatrix.stream(shards:): no shard")
        precondition((chunkRows ?? 1) > 0, "ReorderMatrix.stream(shards:): chunkRows must be positive")
        return try withClusterFeatureTables(shards: shards, database: database, progress: progress) { sql, expected, timings in
            let clock = ContinuousClock()
            let start = clock.now
            let total = expected.reduce(0, +)
            let readers = shards.indices.map { ShardMatrixReader(client: shards[$0], select: sql.matrixSelect(ordered: true),
                                                                 expected: expected[$0], shard: $0 + 1, transform: perShard) }
            for reader in readers { reader.start() }
            let merge = ShardMatrixMerge(sources: readers.map(\.handoff), chunkRows: chunkRows ?? max(total, 1))
            let merged: Int
            do {
                merged = try merge.run { rows in
                    let handlerStart = clock.now
                    try chunk(rows)
                    timings.handler += Elapsed.seconds(clock.now - handlerStart)
                }
            } catch {
                for reader in readers { reader.handoff.cancel() }
                for reader in readers { _ = try? reader.join() }
                throw error
            }
            for (k, reader) in readers.enumerated() {
                let (seconds, bytes) = try reader.join()
                timings.shards[k].stream = seconds
                timings.shards[k].bytes = bytes
                timings.shards[k].rows = expected[k]
            }
            guard merged == total else { throw ReorderMatrixSourceError.rowCount(expected: total, received: merged) }
            timings.stream = Elapsed.seconds(clock.now - start)
            timings.rows = merged
            progress?("merged \(merged) rows of \(shards.count) shards in \(Elapsed.format(timings.stream)) s "
                + "(\(Elapsed.format(timings.handler)) s in the chunk handler)")
        }.1
    }

    /// The matrix with no row.
    static var emptyMatrix: LabelledMatrix {
        LabelledMatrix(features: FeatureMatrix(rowCount: 0, schema: clickHouseSchema, values: []),
                       keys: RowKeys(names: ["user_id", "product_id"], columns: [[], []]), target: [], targetName: "y")
    }

    /// Steps 1 to 4 of `stream(shards:...)`; calls `body` with the SQL, each shard's row count and
    /// the timings so far, then checks the load ids again. Drops the intermediate tables at the end.
    static func withClusterFeatureTables<R>(shards: [ClickHouseClient], database: String,
                                            progress: (@Sendable (String) -> Void)?,
                                            _ body: (ReorderFeatureSQL, [Int], inout ClusterTimings) throws -> R) throws -> (R, ClusterTimings) {
        let loadID = try checkSameIngest(shards, database: database)
        let sql = ReorderFeatureSQL(database: database, prefix: FeatureTempTables.prefix(for: RunOwner.current()), globalProductSums: true)
        defer {
            _ = try? ShardThreads.run(shards.count) { k in
                for statement in sql.dropStatements { try? shards[k].execute(statement) }
            }
        }
        var timings = ClusterTimings()
        timings.shards = Array(repeating: ClickHouseTimings(), count: shards.count)
        let clock = ContinuousClock()

        // Steps 1-2 and the partial product sums, per shard.
        let phaseStart = clock.now
        let local = try ShardThreads.run(shards.count) { k -> (ClickHouseTimings, ProductSums, Double) in
            let client = shards[k]
            let dead = try FeatureTempTables.dropDead(client, database: database)
            if !dead.isEmpty { progress?("shard \(k + 1): dropped \(dead.count) intermediate tables of dead runs") }
            var shardTimings = ClickHouseTimings()
            try runSteps(sql.createStatements(ReorderFeatureSQL.userSteps), on: client, shard: k, into: &shardTimings, progress: progress)
            let readStart = ContinuousClock.now
            let sums = try ProductSums.read(client, sql.productSumsSelect)
            return (shardTimings, sums, Elapsed.seconds(ContinuousClock.now - readStart))
        }
        let userSteps = Elapsed.seconds(clock.now - phaseStart)

        // Step 3: the global product sums.
        let addStart = clock.now
        var global = ProductSums()
        for (_, sums, _) in local { global.add(sums) }
        timings.productSumsAdd = Elapsed.seconds(clock.now - addStart)
        timings.productSumsRead = local.map(\.2).max() ?? 0
        timings.products = global.count
        let frozen = global

        // Step 4, per shard.
        let productStart = clock.now
        let finished = try ShardThreads.run(shards.count) { k -> (ClickHouseTimings, Double, Int) in
            let client = shards[k]
            var shardTimings = local[k].0
            let loadStart = ContinuousClock.now
            try client.execute(sql.productSumsCreate)
            let sent = try frozen.insert(client, database: database, table: sql.productSumsTableName)
            guard sent == frozen.count else { throw ReorderMatrixSourceError.rowCount(expected: frozen.count, received: sent) }
            let load = Elapsed.seconds(ContinuousClock.now - loadStart)
            shardTimings.steps.append((ReorderFeatureSQL.productSumsStep, load))
            try runSteps(sql.createStatements(ReorderFeatureSQL.productSteps), on: client, shard: k, into: &shardTimings, progress: progress)
            try checkUnchanged(client, database: database, loadID: loadID)
            let expected = Int(try client.queryText(sql.countStatement).filter { !$0.isWhitespace }) ?? 0
            return (shardTimings, load, expected)
        }
        timings.shards = finished.map(\.0)
        timings.productSumsLoad = finished.map(\.1).max() ?? 0
        timings.steps = userSteps + timings.productSumsAdd + Elapsed.seconds(clock.now - productStart)
        progress?("product sums of \(global.count) products: read \(Elapsed.format(timings.productSumsRead)) s, added "
            + "\(Elapsed.format(timings.productSumsAdd)) s, loaded into \(shards.count) shards \(Elapsed.format(timings.productSumsLoad)) s")

        let result = try body(sql, finished.map(\.2), &timings)
        _ = try ShardThreads.run(shards.count) { k in try checkUnchanged(shards[k], database: database, loadID: loadID) }
        return (result, timings)
    }

    /// Runs `steps` on one shard, recording each step's seconds.
    private static func runSteps(_ steps: [(step: String, sql: String)], on client: ClickHouseClient, shard k: Int,
                                 into timings: inout ClickHouseTimings, progress: (@Sendable (String) -> Void)?) throws {
        for (step, statement) in steps {
            let start = ContinuousClock.now
            try client.execute(statement)
            let seconds = Elapsed.seconds(ContinuousClock.now - start)
            timings.steps.append((step, seconds))
            progress?("shard \(k + 1) step \(step): \(Elapsed.format(seconds)) s")
        }
    }

    /// Checks that every shard holds the six tables of one ingest (`checkTablesExist`) and that
    /// all shards carry the same load id (a sharded ingest publishes one id on every shard);
    /// returns it. One round of two system-table queries per shard, in parallel.
    @discardableResult
    public static func checkSameIngest(_ shards: [ClickHouseClient], database: String) throws -> String? {
        let ids = try ShardThreads.run(shards.count) { k in try checkTablesExist(shards[k], database: database) }
        if Set(ids).count > 1 {
            throw ReorderMatrixSourceError.shardsOfDifferentIngests(
                database: database, ids.enumerated().map { "shard \($0 + 1): \($1 ?? "no load id")" })
        }
        return ids.first ?? nil
    }
}

/// Reads one shard's ordered matrix rows on a thread of its own into a bounded handoff of chunks
/// of 8,192 rows (two waiting at most), checking the row count the shard announced.
private final class ShardMatrixReader: @unchecked Sendable {
    static let chunkRows = 8_192
    let client: ClickHouseClient
    let select: String
    let expected: Int
    let shard: Int
    let handoff = ChunkHandoff<LabelledMatrix>(capacity: 2)
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<(Double, Int), any Error> = .success((0, 0))

    /// Applied to each chunk on this thread before the handoff (`stream(shards:perShard:)`).
    let transform: (@Sendable (LabelledMatrix) throws -> LabelledMatrix)?

    init(client: ClickHouseClient, select: String, expected: Int, shard: Int,
         transform: (@Sendable (LabelledMatrix) throws -> LabelledMatrix)? = nil) {
        self.client = client
        self.select = select
        self.expected = expected
        self.shard = shard
        self.transform = transform
    }

    /// The chunk as handed to the merge: transformed when there is a transform.
    private func handed(_ matrix: LabelledMatrix) throws -> LabelledMatrix {
        guard let transform else { return matrix }
        let out = try transform(matrix)
        precondition(out.rowCount == matrix.rowCount, "ShardMatrixReader: the per-shard transform changed the row count")
        return out
    }

    func start() {
        let thread = Thread {
            self.outcome = Result { try self.read() }
            if case .failure(let error) = self.outcome { self.handoff.fail(error) } else { self.handoff.finish() }
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the thread; its seconds and bytes, or its error.
    func join() throws -> (Double, Int) {
        done.wait()
        return try outcome.get()
    }

    private func read() throws -> (Double, Int) {
        let start = ContinuousClock.now
        let decoder = ChunkDecoder(chunkRows: Self.chunkRows)
        let expected = self.expected, handoff = self.handoff
        let summary = try client.select(select, columns: ChunkDecoder.columns) { row in
            guard decoder.received < expected else {
                throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received + 1)
            }
            if try decoder.decode(&row) { try handoff.put(handed(decoder.flush())) }
        }
        if decoder.filled > 0 { try handoff.put(handed(decoder.flush())) }
        guard decoder.received == expected else { throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received) }
        return (Elapsed.seconds(ContinuousClock.now - start), summary.bytes)
    }
}
