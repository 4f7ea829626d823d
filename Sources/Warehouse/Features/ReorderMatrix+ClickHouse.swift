import ClickHouse
import Features
import Tabular

/// The reorder matrix computed inside ClickHouse (`restock features --clickhouse`).
extension ReorderMatrix {
    /// What a ClickHouse build reports per step.
    public struct ClickHouseTimings: Sendable {
        /// Seconds of each intermediate step (`ReorderFeatureSQL.steps`), in order.
        public var steps: [(step: String, seconds: Double)] = []
        /// Seconds of the final SELECT, streamed into the matrix (for a chunked stream: including
        /// `handler`, the time spent in the chunk handler).
        public var stream = 0.0
        /// Seconds inside the chunk handler of a chunked stream (0 for a whole build).
        public var handler = 0.0
        /// Seconds from the final SELECT's request to its first row (chunked stream only): the
        /// server's joins (and sort, when ordered) before it sends anything.
        public var firstRow = 0.0
        public var bytes = 0
        /// Rows of the final SELECT.
        public var rows = 0
        public var total: Double { steps.reduce(0) { $0 + $1.seconds } + stream }

        public init() {}
    }

    /// Builds the same matrix as `build(directory:)` (same rows in the same order, same columns, same
    /// values bit for bit: see `ReorderFeatureSQL`) from the tables `restock ingest` loaded into
    /// `database`. The work runs on the server as one `CREATE TABLE ... ENGINE = Memory AS SELECT`
    /// per step of `ReorderFeatureSQL` (intermediate tables named `restock_tmp_<host>_<pid>_<run>_<step>`,
    /// dropped at the end, also after an error) and one SELECT streamed as RowBinary straight into
    /// the column-major matrix; the row count is checked against the server's count. NaN has one bit
    /// pattern (`Float.nan`) whatever the server sends.
    ///
    /// Cost on the client: O(rows × columns) decoding, memory = the matrix (4 bytes per value) plus
    /// the client's receive buffer. On the server the `up` GROUP BY over every prior row dominates:
    /// at full scale (32M prior rows, 13M candidate rows) about 57 s of server CPU on 18.16, against
    /// 11 s of client CPU for the CSV path (scripts/bench/features_clickhouse).
    public static func build(clickhouse client: ClickHouseClient, database: String,
                             progress: (@Sendable (String) -> Void)? = nil) throws -> (LabelledMatrix, ClickHouseTimings) {
        try withFeatureTables(clickhouse: client, database: database, progress: progress) { sql, expected, timings in
            let clock = ContinuousClock()
            let start = clock.now
            let (matrix, bytes) = try stream(client, sql.matrixSelect, rowCount: expected)
            timings.stream = Elapsed.seconds(clock.now - start)
            timings.bytes = bytes
            timings.rows = matrix.rowCount
            progress?("streamed \(matrix.rowCount) rows (\(bytes >> 20) MiB) in \(Elapsed.format(timings.stream)) s")
            return matrix
        }
    }

    /// Checks that `database` holds the six Instacart tables of one ingest (`checkTablesExist`), drops
    /// the `restock_tmp_*` tables of dead runs (`FeatureTempTables`), runs the intermediate steps of
    /// `ReorderFeatureSQL` (tables `restock_tmp_<host>_<pid>_<run>_<step>`), counts the rows the final
    /// SELECT will return, and calls `body` with the SQL, that count and the timings so far (it adds
    /// its own). The load ids of the six tables are checked again after the steps and after `body`:
    /// an ingest that swapped the tables meanwhile fails the build (`.changedDuringRead`) instead of
    /// mixing two data sets. The intermediate tables are dropped when `body` returns or throws, and
    /// after a failed step.
    static func withFeatureTables<R>(clickhouse client: ClickHouseClient, database: String,
                                     progress: (@Sendable (String) -> Void)?,
                                     _ body: (ReorderFeatureSQL, Int, inout ClickHouseTimings) throws -> R) throws -> (R, ClickHouseTimings) {
        let loadID = try checkTablesExist(client, database: database)
        let dead = try FeatureTempTables.dropDead(client, database: database)
        if !dead.isEmpty { progress?("dropped \(dead.count) intermediate tables of dead runs: \(dead.joined(separator: ", "))") }
        let sql = ReorderFeatureSQL(database: database, prefix: FeatureTempTables.prefix(for: RunOwner.current()))
        // Drop what was (or may have been) created: the steps attempted, also after an error.
        var attempted = 0
        defer {
            for statement in sql.dropStatements.prefix(attempted) { try? client.execute(statement) }
        }
        var timings = ClickHouseTimings()
        let clock = ContinuousClock()
        for (step, statement) in sql.createStatements {
            let start = clock.now
            attempted += 1
            try client.execute(statement)
            timings.steps.append((step, Elapsed.seconds(clock.now - start)))
            progress?("step \(step): \(Elapsed.format(Elapsed.seconds(clock.now - start))) s")
        }
        try checkUnchanged(client, database: database, loadID: loadID)
        let expected = Int(try client.queryText(sql.countStatement).filter { !$0.isWhitespace }) ?? 0
        let result = try body(sql, expected, &timings)
        try checkUnchanged(client, database: database, loadID: loadID)
        return (result, timings)
    }

    /// Throws `.changedDuringRead` unless the six tables still carry `loadID`.
    static func checkUnchanged(_ client: ClickHouseClient, database: String, loadID: String?) throws {
        let now = try checkTablesExist(client, database: database)
        if now != loadID { throw ReorderMatrixSourceError.changedDuringRead(database: database) }
    }

    /// Throws `.missingTables` unless `database` holds the tables of `InstacartSchema`, and
    /// `.mixedLoads` unless all six carry the same load id (`LoadMarker`; tables without one are of
    /// an ingest from before load ids, accepted only if all six lack one). Returns the common load
    /// id (nil for such old tables). Two queries on system tables, no data read.
    @discardableResult
    public static func checkTablesExist(_ client: ClickHouseClient, database: String) throws -> String? {
        let names = InstacartSchema.tables.map(\.name)
        let ids = try LoadMarker.loadIDs(client, database: database, tables: names)
        let missing = names.filter { ids[$0] == nil }
        if !missing.isEmpty { throw ReorderMatrixSourceError.missingTables(database: database, missing) }
        let distinct = Set(names.map { ids[$0] ?? nil })
        if distinct.count > 1 {
            throw ReorderMatrixSourceError.mixedLoads(database: database, names.map { "\($0): \((ids[$0] ?? nil) ?? "no load id")" })
        }
        return distinct.first ?? nil
    }

    /// Reads `select` (user_id, product_id as UInt32, then the features and y as Float32) into a
    /// matrix of `rowCount` rows; throws if the server sends another number of rows.
    static func stream(_ client: ClickHouseClient, _ select: String, rowCount: Int) throws -> (LabelledMatrix, Int) {
        let featureCount = ReorderFeature.all.count
        let columns: [ClickHouseColumnType] = [.uint32, .uint32] + Array(repeating: .float32, count: featureCount + 1)
        var values = [Float](repeating: .nan, count: rowCount * featureCount)
        var users = [Int32](repeating: 0, count: rowCount)
        var products = [Int32](repeating: 0, count: rowCount)
        var target = [Float](repeating: .nan, count: rowCount)
        var received = 0
        let summary = try values.withUnsafeMutableBufferPointer { values in
            try users.withUnsafeMutableBufferPointer { users in
                try products.withUnsafeMutableBufferPointer { products in
                    try target.withUnsafeMutableBufferPointer { target in
                        try client.select(select, columns: columns) { row in
                            let r = received
                            guard r < rowCount else { throw ReorderMatrixSourceError.rowCount(expected: rowCount, received: r + 1) }
                            users[r] = Int32(bitPattern: try row.readUInt32())
                            products[r] = Int32(bitPattern: try row.readUInt32())
                            for j in 0..<featureCount {
                                let v = try row.readFloat32()
                                values[j * rowCount + r] = v.isNaN ? .nan : v
                            }
                            let y = try row.readFloat32()
                            target[r] = y.isNaN ? .nan : y
                            received += 1
                        }
                    }
                }
            }
        }
        guard received == rowCount else { throw ReorderMatrixSourceError.rowCount(expected: rowCount, received: received) }
        let matrix = LabelledMatrix(
            features: FeatureMatrix(rowCount: rowCount, schema: FeatureSchema(names: ReorderFeature.names), values: values),
            keys: RowKeys(names: ["user_id", "product_id"], columns: [users, products]), target: target, targetName: "y")
        return (matrix, summary.bytes)
    }
}

/// Why the ClickHouse feature build could not start or finish (server errors are `ClickHouseError`).
public enum ReorderMatrixSourceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database lacks some of the Instacart tables.
    case missingTables(database: String, [String])
    /// The server sent another number of matrix rows than it counted before.
    case rowCount(expected: Int, received: Int)
    /// The six tables come from different ingests (each table with its load id).
    case mixedLoads(database: String, [String])
    /// An ingest swapped the tables while the features were being computed.
    case changedDuringRead(database: String)
    /// The shards of a cluster carry tables of different ingests (each shard, 1-based, with its load id).
    case shardsOfDifferentIngests(database: String, [String])
    /// Two shards sent the same (user, product) row: a user's data is on more than one shard.
    case shardOverlap(userID: Int, productID: Int)
    /// A shard (1-based) sent its rows out of key order.
    case shardOrder(shard: Int)

    public var description: String {
        switch self {
        case .missingTables(let database, let tables):
            "ClickHouse database \(database) has no table \(tables.joined(separator: ", ")); load the data with `restock ingest` first"
        case .rowCount(let expected, let received):
            "the ClickHouse feature query returned \(received) rows where \(expected) were counted (was the data changed meanwhile?)"
        case .mixedLoads(let database, let tables):
            "the six Instacart tables of ClickHouse database \(database) come from different ingests (\(tables.joined(separator: ", "))): "
                + "an ingest was interrupted while publishing; run `restock ingest` again before reading them"
        case .changedDuringRead(let database):
            "the Instacart tables of ClickHouse database \(database) were replaced by an ingest while the features were "
                + "computed; nothing was written, run the command again"
        case .shardsOfDifferentIngests(let database, let shards):
            "the shards of the cluster hold the Instacart tables of database \(database) from different ingests "
                + "(\(shards.joined(separator: ", "))): a sharded ingest is being published or was interrupted; "
                + "wait for it or run `restock ingest --cluster` again"
        case .shardOverlap(let user, let product):
            "user \(user) has rows on more than one shard (product \(product) came from two shards): the data was not "
                + "sharded by user_id; ingest it again with `restock ingest --cluster`"
        case .shardOrder(let shard):
            "shard \(shard) sent the feature rows out of (user_id, product_id) order"
        }
    }
}
