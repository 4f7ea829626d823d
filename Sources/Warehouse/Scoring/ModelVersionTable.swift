import ClickHouse
import Foundation

/// A ClickHouse table of model outputs with one partition per model version, published atomically:
/// `ENGINE = MergeTree() PARTITION BY model_version ORDER BY (model_version, <key>)`.
///
/// Publishing a run: `prepare` creates the table if missing (and refuses one with another
/// structure), then recreates the run's stage table `<name>__stage_<version>` (same DDL); the run
/// INSERTs into the stage only; `publish` checks that the stage's `count()` equals the rows sent,
/// swaps the stage's partition in with `ALTER TABLE <name> REPLACE PARTITION '<version>' FROM
/// <stage>` (one atomic metadata operation, a few ms whatever the row count) and drops the stage.
/// So re-running a version replaces its rows and never duplicates them, other versions' partitions
/// are never touched, and a run that fails before the swap (an upload cut midway, a count mismatch,
/// a killed client: a big INSERT commits per block of 1,048,576 rows, CLICKHOUSE.md §2.6) changes
/// only its stage table. The partition column is in the sorting key (so `FINAL` never merges across
/// versions, CLICKHOUSE.md §3). Two runs of the same version into the same table at once share a
/// stage and must not overlap.
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

    /// The stage table of a run of `version`: `<name>__stage_<version>` with `-` as `_`.
    public func stageName(version: String) -> String {
        name + "__stage_" + version.replacingOccurrences(of: "-", with: "_")
    }

    /// The columns as the INSERT into the stage declares them.
    public var insertColumns: [ClickHouseColumn] { columns.map { ClickHouseColumn($0.name, $0.wire) } }

    func qualified(_ table: String) -> String { SQLLiteral.qualifiedName(database, table) }

    /// `CREATE TABLE [IF NOT EXISTS] db.table (...) ENGINE = MergeTree() PARTITION BY model_version
    /// ORDER BY (model_version, key...)`.
    public func createStatement(table: String? = nil, ifNotExists: Bool = false) -> String {
        let columnList = columns.map { "\(SQLLiteral.identifier($0.name)) \($0.type)" }.joined(separator: ", ")
        let sortingKey = ([Self.versionColumn] + key).map(SQLLiteral.identifier).joined(separator: ", ")
        return "CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(qualified(table ?? name)) (\(columnList)) "
            + "ENGINE = MergeTree() PARTITION BY \(SQLLiteral.identifier(Self.versionColumn)) ORDER BY (\(sortingKey))"
    }

    /// Creates the database and the table if missing, checks the table's structure, and recreates
    /// the stage of `version` empty. Throws `PublishError.structureMismatch` (nothing changed but a
    /// missing database or table created) when the existing table differs.
    public func prepare(_ client: ClickHouseClient, version: String) throws {
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        try client.execute(createStatement(ifNotExists: true))
        try checkStructure(client)
        try dropStage(client, version: version)
        try client.execute(createStatement(table: stageName(version: version)))
    }

    /// Throws `.structureMismatch` unless the table has exactly these columns with these types, is a
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
        for extra in found where !columns.contains(where: { $0.name == extra.name }) {
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

    /// Checks that the stage of `version` holds `rowsSent` rows, swaps its partition into the table,
    /// and drops the stage. Throws `PublishError.countMismatch` (the table unchanged) otherwise.
    public func publish(_ client: ClickHouseClient, version: String, rowsSent: Int) throws {
        let stage = stageName(version: version)
        let text = try client.queryText("SELECT count() FROM \(qualified(stage))")
        let counted = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        guard counted == rowsSent else {
            throw PublishError.countMismatch(table: "\(database).\(stage)", sent: rowsSent, counted: counted)
        }
        try client.execute("ALTER TABLE \(qualified(name)) REPLACE PARTITION \(SQLLiteral.string(version)) FROM \(qualified(stage))")
        try dropStage(client, version: version)
    }

    /// Drops the stage of `version` if it exists.
    public func dropStage(_ client: ClickHouseClient, version: String) throws {
        try client.execute("DROP TABLE IF EXISTS \(qualified(stageName(version: version)))")
    }

    /// Rows of `version` in the table.
    public func rowCount(_ client: ClickHouseClient, version: String) throws -> Int {
        let text = try client.queryText("SELECT count() FROM \(qualified(name)) WHERE \(SQLLiteral.identifier(Self.versionColumn)) = "
                                        + SQLLiteral.string(version))
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
