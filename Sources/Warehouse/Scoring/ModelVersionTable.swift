import ClickHouse
import Foundation

/// A ClickHouse table of model outputs with one partition per model version, published so that a
/// run replaces exactly its version's rows, all at once, in a way no server restart can undo:
/// `ENGINE = MergeTree() PARTITION BY model_version ORDER BY (model_version, <key>)`.
///
/// Publishing a run (`begin`, then `ModelVersionPublication.publish`): refuse a reserved name
/// (`ReservedNames`); create the database if missing; take the lock table `<name>__lock`
/// (`PublishLock`: one publishing run per table at a time, bounded wait); repair and drop what
/// killed runs left (`TableSwap.cleanLeftovers`: `<name>__load_*`, `<name>__old_*`, the
/// `<name>__stage_*` of earlier versions); refuse a live table of another structure; create the
/// run's fresh load table `<name>__load_<run>` (same DDL plus the run's `LoadMarker`). The run
/// INSERTs into the load table only. `publish` checks that its `count()` equals the rows sent, then
/// copies every OTHER model_version partition of the live table into it with `ALTER TABLE load
/// ATTACH PARTITION '<v>' FROM live` (hard links, no data copied: milliseconds), swaps it in with
/// one `RENAME TABLE live TO <name>__old_<run>, load TO live`, drops the old table and the lock.
///
/// So re-running a version replaces its rows and never duplicates them, other versions' rows are
/// carried over unchanged, a run that fails before the swap (an upload cut midway, a count
/// mismatch, a killed client or server: a big INSERT commits per block of 1,048,576 rows,
/// CLICKHOUSE.md §2.6) changes only its load table, and a server restart at any moment keeps
/// exactly the old or exactly the new table (RENAME moves the table's files; the `REPLACE
/// PARTITION` used before left the replaced parts on disk, and 18.16 loaded them again as active
/// after a restart: a re-run version doubled). Rows written into the live table by anything other
/// than Restock while a run publishes are lost (the lock only serializes Restock's runs). The
/// partition column is in the sorting key (so `FINAL` never merges across versions, CLICKHOUSE.md §3).
public struct ModelVersionTable: Sendable {
    /// One column: name, type as `DESCRIBE TABLE` prints it, RowBinary type of the INSERT.
    public struct Column: Sendable, Equatable {
        public let name: String
        public let type: String
        public let wire: ClickHouseColumnType

        public init(_ name: String, _ type: String, _ wire: ClickHouseColumnType) {
            self.name = name
            self.type = type
            self.wire = wire
        }
    }

    public static let versionColumn = "model_version"

    public let database: String
    public let name: String
    /// The columns, `model_version` last.
    public let columns: [Column]
    /// The sorting key after `model_version`.
    public let key: [String]

    public init(database: String, name: String, columns: [Column], key: [String]) {
        precondition(columns.last?.name == Self.versionColumn, "ModelVersionTable: model_version must be the last column")
        self.database = database
        self.name = name
        self.columns = columns
        self.key = key
    }

    /// `restock score --to-table`: one probability per candidate (user, product).
    public static func predictions(database: String, name: String) -> ModelVersionTable {
        ModelVersionTable(database: database, name: name,
                          columns: [Column("user_id", "UInt32", .uint32), Column("product_id", "UInt32", .uint32),
                                    Column("probability", "Float32", .float32), Column(versionColumn, "String", .string)],
                          key: ["user_id", "product_id"])
    }

    /// `restock recommend --to-table`: one stock recommendation per product.
    public static func stockRecommendations(database: String, name: String) -> ModelVersionTable {
        ModelVersionTable(database: database, name: name,
                          columns: [Column("product_id", "UInt32", .uint32), Column("product_name", "String", .string),
                                    Column("aisle", "String", .string), Column("department", "String", .string),
                                    Column("expected_demand", "Float64", .float64), Column("stddev", "Float64", .float64),
                                    Column("recommended_stock", "UInt32", .uint32), Column("service_level", "Float64", .float64),
                                    Column(versionColumn, "String", .string)],
                          key: ["product_id"])
    }

    /// The lock table of runs publishing into this table.
    public var lockName: String { name + "__lock" }

    /// The columns as the INSERT into the load table declares them.
    public var insertColumns: [ClickHouseColumn] { columns.map { ClickHouseColumn($0.name, $0.wire) } }

    func qualified(_ table: String) -> String { SQLLiteral.qualifiedName(database, table) }

    /// `CREATE TABLE [IF NOT EXISTS] db.table (...) ENGINE = MergeTree() PARTITION BY model_version
    /// ORDER BY (model_version, key...)`, with the `LoadMarker` column of run `loadID` when given.
    public func createStatement(table: String? = nil, ifNotExists: Bool = false, loadID: String? = nil) -> String {
        let columnList = (columns.map { "\(SQLLiteral.identifier($0.name)) \($0.type)" }
            + (loadID.map { [LoadMarker.definition(runID: $0)] } ?? [])).joined(separator: ", ")
        let sortingKey = ([Self.versionColumn] + key).map(SQLLiteral.identifier).joined(separator: ", ")
        return "CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(qualified(table ?? name)) (\(columnList)) "
            + "ENGINE = MergeTree() PARTITION BY \(SQLLiteral.identifier(Self.versionColumn)) ORDER BY (\(sortingKey))"
    }

    /// Starts publishing a run of `version` (see the type): checks the name, creates the database if
    /// missing, takes the lock (waiting up to `lockWait` seconds), cleans leftovers, checks the live
    /// table's structure, calls `fault(.beforeLoad)`, creates the load table. Throws
    /// `PublishError.reservedName`, `.lockHeld` or `.structureMismatch` (nothing changed but a missing
    /// database created; the lock released).
    public func begin(_ client: ClickHouseClient, version: String, owner: RunOwner? = nil, lockWait: Double = 120,
                      fault: PublishFaultHook? = nil, progress: (@Sendable (String) -> Void)? = nil) throws -> ModelVersionPublication {
        try ReservedNames.check(table: name)
        let owner = owner ?? RunOwner.current()
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        let lock = PublishLock(database: database, name: lockName, owner: owner)
        try lock.acquire(client, wait: lockWait, progress: progress)
        let swap = TableSwap(database: database, tables: [name], runID: owner.runID)
        do {
            let cleaned = try swap.cleanLeftovers(client, extraPrefixes: [lockName + "_stale_"])
            if !cleaned.isEmpty { progress?("cleaned up after an interrupted run: \(cleaned.joined(separator: ", "))") }
            if try TableSwap.tableNames(client, database: database).contains(where: { $0.name == name }) {
                try checkStructure(client)
            }
            fault?(.beforeLoad)
            try client.execute(createStatement(table: swap.loadName(name), loadID: owner.runID))
        } catch {
            swap.dropLoads(client)
            lock.release(client)
            throw error
        }
        return ModelVersionPublication(table: self, version: version, lock: lock, swap: swap, fault: fault)
    }

    /// Throws `.structureMismatch` unless the table has exactly these columns with these types (besides
    /// its `LoadMarker` column), is a
    /// MergeTree partitioned by `model_version`, and sorted by (model_version, key...).
    public func checkStructure(_ client: ClickHouseClient) throws {
        var found: [(name: String, type: String)] = []
        try client.selectTabSeparated("DESCRIBE TABLE \(qualified(name))") { fields in
            if fields.count >= 2, let name = fields[0], let type = fields[1] { found.append((name, type)) }
        }
        var problems: [String] = []
        for column in columns {
            if let existing = found.first(where: { $0.name == column.name }) {
                if existing.type != column.type { problems.append("\(column.name) is \(existing.type), not \(column.type)") }
            } else {
                problems.append("no column \(column.name)")
            }
        }
        for extra in found where !columns.contains(where: { $0.name == extra.name }) && extra.name != LoadMarker.column {
            problems.append("extra column \(extra.name)")
        }
        var engine: (name: String, partition: String, sorting: String)?
        try client.selectTabSeparated("SELECT engine, partition_key, sorting_key FROM system.tables WHERE database = "
                                      + "\(SQLLiteral.string(database)) AND name = \(SQLLiteral.string(name))") { fields in
            if fields.count == 3 { engine = (fields[0] ?? "", fields[1] ?? "", fields[2] ?? "") }
        }
        let sorting = ([Self.versionColumn] + key).joined(separator: ", ")
        if let engine {
            if engine.name != "MergeTree" { problems.append("engine \(engine.name), not MergeTree") }
            if engine.partition != Self.versionColumn {
                problems.append("partition key '\(engine.partition)', not \(Self.versionColumn)")
            }
            if engine.sorting != sorting { problems.append("sorting key '\(engine.sorting)', not \(sorting)") }
        }
        if !problems.isEmpty { throw PublishError.structureMismatch(table: "\(database).\(name)", problems) }
    }

    /// Rows of `version` in the table.
    public func rowCount(_ client: ClickHouseClient, version: String) throws -> Int {
        let text = try client.queryText("SELECT count() FROM \(qualified(name)) WHERE \(SQLLiteral.identifier(Self.versionColumn)) = "
                                        + SQLLiteral.string(version))
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
