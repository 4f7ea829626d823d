import ClickHouse
import Dispatch
import Features
import Foundation
import Tabular

/// Loads an Instacart-layout dataset into ClickHouse so that the six live tables change together
/// or not at all, and survive any server restart in the state they were published in: `restock ingest`.
///
/// Steps: (1) read and check the six files with `InstacartReader` (a bad file fails here, before
/// anything is sent); (2) create the database if missing and take the lock table
/// `restock_ingest__lock` (`PublishLock`: one ingest per database at a time, bounded wait
/// `lockWait`, a dead run's lock broken); (3) repair and drop what killed runs left (`TableSwap.
/// cleanLeftovers`: `<table>__load_*`, `<table>__old_*`, the `<table>__stage` of earlier versions,
/// `restock_tmp_*` of dead runs) and check that existing live tables have the schema's columns;
/// (4) create one fresh load table per live table, `<table>__load_<run>`, carrying the run's
/// `LoadMarker`, and stream the columns into them as RowBinary (two INSERTs at a time, the big
/// tables cut into row ranges, so the server works on two cores); (5) check that `SELECT count()`
/// of every load table equals the rows sent; (6) swap all six in with ONE `RENAME TABLE` statement
/// (live → `__old_<run>`, load → live; a few ms); (7) drop the `__old_<run>` tables and the lock.
///
/// So re-running never duplicates (the live tables are replaced whole), a failure before step 6
/// (bad file, killed client, killed server, network error, count mismatch) leaves the live tables
/// as they were (the INSERTs only touch load tables; an aborted upload is closed with a reset so
/// the server does not commit a cut body, CLICKHOUSE.md §2.8), and a restart at any moment keeps
/// exactly the old or exactly the new tables: RENAME moves metadata and data folders, unlike 18.16's
/// `REPLACE PARTITION`, whose replaced parts came back after a restart (`TableSwap`). A server
/// killed inside the RENAME itself may leave some tables renamed: the six then carry different load
/// ids, readers refuse them (`ReorderMatrix.checkTablesExist`) and the next ingest repairs them.
///
/// Cost: reading is O(bytes) (see `InstacartReader`); loading is O(rows) on the client (11 bytes
/// per order_products row, no text formatting) and bound by the server's MergeTree writes; the
/// lock, cleanup and swap are a few small DDL statements. Memory: the data set in columns (about
/// 430 MB at full scale) plus the client's upload buffer.
public struct InstacartIngest: Sendable {
    /// Rows and seconds per table, and the time of each stage.
    public struct Summary: Sendable {
        public var rows: [(table: String, rows: Int, seconds: Double)] = []
        public var readSeconds = 0.0
        public var loadSeconds = 0.0
        public var swapSeconds = 0.0
        /// Reading and checking the catalog from MySQL (`run(directory:threads:catalog:)`); 0 otherwise.
        public var catalogSeconds = 0.0
        public var totalSeconds: Double { catalogSeconds + readSeconds + loadSeconds + swapSeconds }
    }

    public let client: ClickHouseClient
    public let database: String
    /// One line per step (never credentials).
    public var progress: (@Sendable (String) -> Void)?
    /// Called from inside each INSERT body after every batch of rows written, with the table and
    /// the rows this INSERT has written so far (for progress, and for the fault tests, which stop a
    /// load midway). INSERTs run concurrently: it may be called from several threads at once.
    public var rowsWritten: (@Sendable (_ table: String, _ rows: Int) -> Void)?
    /// Called at each `PublishStep` (fault tests); nil in normal use.
    public var fault: PublishFaultHook?
    /// Seconds to wait for another run's lock before refusing (`PublishError.lockHeld`).
    public var lockWait = 120.0
    /// Who runs (its run id names the load tables and marks them); nil: this process, a fresh run
    /// id per `run`.
    public var owner: RunOwner?
    /// The run id of the run under way (set on the copy that loads).
    var runID = ""
    /// INSERTs running at once, each on its own connection (the server works on each in a thread
    /// of its own, so two keep both cores of a small machine busy).
    public var connections = 2
    /// Tables with more rows than this are loaded as `connections` INSERTs of row ranges.
    public var splitRows = 1 << 20
    /// Rows written per producer call (a few KiB to a few hundred KiB of RowBinary).
    var batchRows = 8192

    /// The lock table of ingests into a database.
    public static let lockName = "restock_ingest__lock"

    public init(client: ClickHouseClient, database: String = "instacart") {
        self.client = client
        self.database = database
    }

    /// Reads and checks the files of `directory`, then loads them (see the type's steps).
    public func run(directory: String, threads: Int = 2) throws -> Summary {
        let (data, readSeconds) = try Self.read(directory: directory, threads: threads, progress: progress)
        var summary = try run(data)
        summary.readSeconds = readSeconds
        return summary
    }

    /// Reads and checks the folder (`InstacartReader`, one progress line per file): the data and
    /// the wall seconds it took (shared by the single-node and the cluster ingest).
    static func read(directory: String, threads: Int, progress: (@Sendable (String) -> Void)?) throws -> (InstacartData, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let data = try InstacartReader.read(directory: directory, threads: threads) { p in
            progress?("read \(p.file): \(p.rows) rows in \(Elapsed.format(p.seconds)) s")
        }
        return (data, Elapsed.seconds(clock.now - start))
    }

    /// Like `run(directory:threads:)`, with aisles, departments and products taken from the MySQL
    /// database `catalog` through ClickHouse (`MySQLCatalogReader`, read and checked first) instead
    /// of the folder's three CSV files; orders and order_products still come from `directory`, and
    /// every order_products row must name a product of the catalog. The catalog goes into the same
    /// load tables and the same single RENAME as the other three tables, so it is published with
    /// them or not at all. Cost: that of `run(directory:)` plus the catalog's round trip (MySQL →
    /// ClickHouse → this process → the load tables; about 2 MB at full scale).
    public func run(directory: String, threads: Int = 2, catalog: MySQLCatalogURL) throws -> Summary {
        let clock = ContinuousClock()
        var start = clock.now
        let products = try MySQLCatalogReader(client: client, source: catalog).read(progress: progress)
        let catalogSeconds = Elapsed.seconds(clock.now - start)
        start = clock.now
        let data = try InstacartReader.read(directory: directory, threads: threads, catalog: products) { p in
            progress?("read \(p.file): \(p.rows) rows in \(Elapsed.format(p.seconds)) s")
        }
        let readSeconds = Elapsed.seconds(clock.now - start)
        var summary = try run(data)
        summary.catalogSeconds = catalogSeconds
        summary.readSeconds = readSeconds
        return summary
    }

    /// Loads `data` (which should come from `InstacartReader`, so that it meets TASK.md's contract).
    public func run(_ data: InstacartData) throws -> Summary {
        let clock = ContinuousClock()
        var summary = Summary()
        var start = clock.now
        let owner = self.owner ?? RunOwner.current()
        let swap = TableSwap(database: database, tables: InstacartSchema.tables.map(\.name), runID: owner.runID)
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        let lock = PublishLock(database: database, name: Self.lockName, owner: owner)
        try lock.acquire(client, wait: lockWait, progress: progress)
        defer { lock.release(client) }
        try prepare(swap)
        fault?(.beforeLoad)
        var loader = self
        loader.runID = owner.runID
        let midLoad = OnceFlag(), fault = self.fault, userHook = rowsWritten
        loader.rowsWritten = { table, rows in
            userHook?(table, rows)
            if midLoad.set() { fault?(.midLoad) }
        }
        do {
            summary.rows = try loader.loadChecked(data)
        } catch {
            swap.dropLoads(client)
            throw error
        }
        summary.loadSeconds = Elapsed.seconds(clock.now - start)
        fault?(.afterCheck)
        start = clock.now
        try swap.swap(client)
        summary.swapSeconds = Elapsed.seconds(clock.now - start)
        progress?("swapped the six load tables of run \(owner.runID) into \(database) in one RENAME in \(Elapsed.format(summary.swapSeconds)) s")
        fault?(.afterPublish)
        try swap.dropOld(client)
        return summary
    }

    /// Steps (4) and (5) on a loader whose `runID` is set: creates the six load tables of the run,
    /// streams `data` into them and checks that each counts the rows sent. Returns rows and seconds
    /// per table; the caller drops the load tables when it throws.
    func loadChecked(_ data: InstacartData) throws -> [(table: String, rows: Int, seconds: Double)] {
        for table in InstacartSchema.tables {
            try client.execute(table.createStatement(database: database, name: loadName(table), loadID: runID))
        }
        let loads = try loadStages(data)
        var rows: [(table: String, rows: Int, seconds: Double)] = []
        for table in InstacartSchema.tables {
            let (sent, elapsed) = loads[table.name] ?? (0, 0)
            let counted = try count(loadName(table))
            guard counted == sent, sent == Self.rowCount(table, data) else {
                throw InstacartIngestError(database: database, table: table.name, problem: .countMismatch(sent: sent, counted: counted))
            }
            rows.append((table.name, sent, elapsed))
        }
        return rows
    }

    /// Runs the INSERTs into the load tables, `connections` at a time: tables above `splitRows`
    /// rows as `connections` INSERTs of consecutive row ranges, the biggest first. Returns rows sent
    /// and seconds (first INSERT start to last INSERT end) per table; throws the first error after
    /// every INSERT has ended.
    func loadStages(_ data: InstacartData) throws -> [String: (rows: Int, seconds: Double)] {
        var jobs: [(table: InstacartSchema.Table, rows: Range<Int>)] = []
        for table in InstacartSchema.tables {
            let n = Self.rowCount(table, data)
            let parts = n > splitRows ? max(1, connections) : 1
            for k in 0..<parts { jobs.append((table, (n * k / parts)..<(n * (k + 1) / parts))) }
        }
        jobs.sort { $0.rows.count > $1.rows.count }
        let queue = jobs
        let state = LoadState()
        let clock = ContinuousClock()
        let origin = clock.now
        DispatchQueue.concurrentPerform(iterations: max(1, min(connections, queue.count))) { _ in
            while let j = state.nextJob(of: queue.count) {
                let (table, rows) = queue[j]
                let begin = Elapsed.seconds(clock.now - origin)
                do {
                    let sent = try load(table, data, rows: rows)
                    let end = Elapsed.seconds(clock.now - origin)
                    state.finished(table.name, rows: sent, from: begin, to: end)
                    progress?("loaded rows \(rows.lowerBound)..<\(rows.upperBound) of \(database).\(loadName(table)) "
                        + "in \(Elapsed.format(end - begin)) s")
                } catch {
                    state.failed(error)
                }
            }
        }
        return try state.result()
    }

    /// With the lock held: repairs and drops what killed runs left (see the type), and checks the
    /// structure of the live tables that exist.
    func prepare(_ swap: TableSwap) throws {
        let cleaned = try swap.cleanLeftovers(client, extraPrefixes: [Self.lockName + "_stale_"])
        if !cleaned.isEmpty { progress?("cleaned up after an interrupted run: \(cleaned.joined(separator: ", "))") }
        let dead = try FeatureTempTables.dropDead(client, database: database)
        if !dead.isEmpty { progress?("dropped intermediate tables of dead runs: \(dead.joined(separator: ", "))") }
        let existing = Set(try TableSwap.tableNames(client, database: database).map(\.name))
        for table in InstacartSchema.tables where existing.contains(table.name) { try checkStructure(table) }
    }

    /// The load table of `table` in this run.
    func loadName(_ table: InstacartSchema.Table) -> String { TableSwap.loadName(table.name, runID: runID) }

    /// Throws `.structureMismatch` unless the live table has exactly the schema's columns and types
    /// (besides its `LoadMarker` column).
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
        for extra in found where !table.columns.contains(where: { $0.name == extra.name }) && extra.name != LoadMarker.column {
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

/// The shared state of concurrent stage loads: the next job, and what each table got.
private final class LoadState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var tables: [String: (rows: Int, from: Double, to: Double)] = [:]
    private var error: (any Error)?

    /// The next job to run, or nil when all have been handed out or one has failed.
    func nextJob(of count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, next < count else { return nil }
        next += 1
        return next - 1
    }

    func finished(_ table: String, rows: Int, from: Double, to: Double) {
        lock.lock()
        defer { lock.unlock() }
        let old = tables[table] ?? (0, from, to)
        tables[table] = (old.rows + rows, min(old.from, from), max(old.to, to))
    }

    func failed(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    func result() throws -> [String: (rows: Int, seconds: Double)] {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
        return tables.mapValues { ($0.rows, $0.to - $0.from) }
    }
}
