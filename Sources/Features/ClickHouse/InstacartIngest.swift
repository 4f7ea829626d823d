import ClickHouse
import Foundation

/// Loads an Instacart-layout dataset into ClickHouse so that the live tables change all at once or
/// not at all: `restock ingest`.
///
/// Steps: (1) read and check the six files with `InstacartReader` (a bad file fails here, before
/// anything is sent); (2) create the database and the live tables if missing (`InstacartSchema`)
/// and check that existing ones have the schema's columns; (3) recreate one stage table per live
/// table (`<table>__stage`) and stream the columns into it as RowBinary; (4) check that
/// `SELECT count()` of every stage table equals the rows sent; (5) swap each stage into its live
/// table with `ALTER TABLE live REPLACE PARTITION tuple() FROM stage` (atomic per table, a few ms
/// each, only after all six stages checked out); (6) drop the stage tables.
///
/// So re-running never duplicates (the live content is replaced, not appended), and a failure
/// before step 5 (bad file, killed client, killed server, network error, count mismatch) leaves
/// the live tables as they were: the INSERTs only ever touch stage tables, and an aborted upload
/// is closed with a reset so the server does not commit a cut body (CLICKHOUSE.md §2.8). The six
/// swaps are six statements: a crash in the milliseconds between the first and the last leaves some
/// tables new and some old until the ingest is run again. One ingest per database at a time (they
/// share the stage tables).
///
/// Cost: reading is O(bytes) (see `InstacartReader`); loading is O(rows) on the client (11 bytes
/// per order_products row, no text formatting) and bound by the server's MergeTree writes.
/// Memory: the data set in columns (about 430 MB at full scale) plus the client's upload buffer.
public struct InstacartIngest {
    /// Rows and seconds per table, and the time of each stage.
    public struct Summary: Sendable {
        public var rows: [(table: String, rows: Int, seconds: Double)] = []
        public var readSeconds = 0.0
        public var loadSeconds = 0.0
        public var swapSeconds = 0.0
        public var totalSeconds: Double { readSeconds + loadSeconds + swapSeconds }
    }

    public let client: ClickHouseClient
    public let database: String
    /// One line per step (never credentials).
    public var progress: (@Sendable (String) -> Void)?
    /// Called from inside each INSERT body after every batch of rows written, with the table and
    /// the rows written so far (for progress, and for the fault tests, which stop a load midway).
    public var rowsWritten: ((_ table: String, _ rows: Int) -> Void)?
    /// Rows written per producer call (a few KiB to a few hundred KiB of RowBinary).
    var batchRows = 8192

    public init(client: ClickHouseClient, database: String = "instacart") {
        self.client = client
        self.database = database
    }

    /// Reads and checks the files of `directory`, then loads them (see the type's steps).
    public func run(directory: String, threads: Int = 2) throws -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let data = try InstacartReader.read(directory: directory, threads: threads) { p in
            progress?("read \(p.file): \(p.rows) rows in \(format(p.seconds)) s")
        }
        let readSeconds = seconds(clock.now - start)
        var summary = try run(data)
        summary.readSeconds = readSeconds
        return summary
    }

    /// Loads `data` (which should come from `InstacartReader`, so that it meets TASK.md's contract).
    public func run(_ data: InstacartData) throws -> Summary {
        let clock = ContinuousClock()
        var summary = Summary()
        var start = clock.now
        try prepare()
        for table in InstacartSchema.tables {
            let tableStart = clock.now
            let sent = try load(table, data)
            let counted = try count(InstacartSchema.stageName(table))
            guard counted == sent else {
                throw InstacartIngestError(database: database, table: table.name, problem: .countMismatch(sent: sent, counted: counted))
            }
            let elapsed = seconds(clock.now - tableStart)
            summary.rows.append((table.name, sent, elapsed))
            progress?("loaded \(sent) rows into \(database).\(InstacartSchema.stageName(table)) in \(format(elapsed)) s")
        }
        summary.loadSeconds = seconds(clock.now - start)
        start = clock.now
        for table in InstacartSchema.tables {
            try client.execute("ALTER TABLE \(qualified(table.name)) REPLACE PARTITION tuple() FROM \(qualified(InstacartSchema.stageName(table)))")
        }
        summary.swapSeconds = seconds(clock.now - start)
        progress?("swapped the six stage tables into \(database) in \(format(summary.swapSeconds)) s")
        for table in InstacartSchema.tables {
            try client.execute("DROP TABLE IF EXISTS \(qualified(InstacartSchema.stageName(table)))")
        }
        return summary
    }

    /// Creates the database and missing live tables, checks existing ones, recreates the stages.
    func prepare() throws {
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        for table in InstacartSchema.tables {
            try client.execute(table.createStatement(database: database, ifNotExists: true))
            try checkStructure(table)
        }
        for table in InstacartSchema.tables {
            let stage = InstacartSchema.stageName(table)
            try client.execute("DROP TABLE IF EXISTS \(qualified(stage))")
            try client.execute(table.createStatement(database: database, name: stage))
        }
    }

    /// Throws `.structureMismatch` unless the live table has exactly the schema's columns and types.
    func checkStructure(_ table: InstacartSchema.Table) throws {
        var found: [(name: String, type: String)] = []
        try client.selectTabSeparated("DESCRIBE TABLE \(qualified(table.name))") { fields in
            if fields.count >= 2, let name = fields[0], let type = fields[1] { found.append((name, type)) }
        }
        var problems: [String] = []
        for column in table.columns {
            if let existing = found.first(where: { $0.name == column.name }) {
                if existing.type != column.type { problems.append("\(column.name) is \(existing.type), not \(column.type)") }
            } else {
                problems.append("no column \(column.name)")
            }
        }
        for extra in found where !table.columns.contains(where: { $0.name == extra.name }) {
            problems.append("extra column \(extra.name)")
        }
        if !problems.isEmpty {
            throw InstacartIngestError(database: database, table: table.name, problem: .structureMismatch(problems))
        }
    }

    func count(_ table: String) throws -> Int {
        let text = try client.queryText("SELECT count() FROM \(qualified(table))")
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func qualified(_ table: String) -> String { SQLLiteral.qualifiedName(database, table) }
}
