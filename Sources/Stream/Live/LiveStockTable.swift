import ClickHouse
import Foundation
import Warehouse

/// The live forecast in ClickHouse: `live_stock` (product_id UInt32, mu Float64, sigma Float64,
/// stock UInt32, service_level Float64, model_version String, updated_at DateTime), one row per
/// product with a candidate. It is a VIEW over `live_stock__versions`, a ReplacingMergeTree keyed
/// on product_id whose rows carry a publish `version` and a `present` flag: the view keeps, per
/// product, the row of the highest version (`argMax`), if present. A publish writes only what
/// changed since the previous one, in ONE INSERT (one block: all or nothing on 18.16), so readers
/// see the previous forecast or the new one, never a mix, and a `kill -9` at any moment leaves one of them.
///
/// Each row also carries `orders_applied`, the number of streamed orders the forecast held when
/// it was published (not in the view).
///
/// Two kinds of publish:
/// - full (`publishNow`, the first publish of a run, and after any failure): the issue-12 swap of
///   the versions table (`TableSwap`) under the lock `<name>__lock` (`PublishLock`): repair and
///   drop what killed publishes left (`cleanLeftovers`, also the leftovers of the older whole-table
///   format), create `<name>__versions__load_<run>` with every row at version 1, check `count()`,
///   one `RENAME`, drop the old table; then make sure the view exists (an older `live_stock` table
///   is replaced by it). About ten small statements plus 46 bytes per product.
/// - incremental (`publishIfDue` after a full one): the rows whose mu, sigma or stock changed since
///   the last publish (and a `present = 0` row for a product that lost every candidate), one INSERT
///   at the next version: no lock, no DDL, 46 bytes per changed product. Merges fold the old versions away.
///
/// The stream calls `publishIfDue(now:)`: it publishes when the forecast changed and `publishEvery`
/// seconds have passed since the last publish (the first call publishes at once). A reader pays a
/// GROUP BY over the versions not yet merged (a few rows per product).
public final class LiveStockTable {
    public let client: ClickHouseClient
    public let database: String
    public let name: String
    public let publishEvery: Double
    public let forecast: LiveForecast
    public let owner: RunOwner
    /// Seconds to wait for another run holding the lock.
    public var lockWait = 30.0
    public private(set) var lastPublished: Date?
    public private(set) var publishes = 0
    /// Publishes that wrote only the changed rows.
    public private(set) var incrementalPublishes = 0
    /// The forecast's `revision` at the last publish (-1 before the first).
    public private(set) var lastPublishedRevision = -1
    /// The rows as last published, by product; nil: the next publish is a full one.
    private var published: [Int32: LiveForecast.Row]?
    /// The version of the last publish.
    public private(set) var version: UInt64 = 0
    /// How many streamed orders the forecast holds (set by the observer before it publishes);
    /// written into each row of a publish (`orders_applied`), so that `SELECT max(orders_applied)
    /// FROM live_stock__versions` tells how many orders of the run the view reflects (the latency benchmark).
    public var ordersApplied = 0

    public static let columns: [ClickHouseColumn] = [
        ClickHouseColumn("product_id", .uint32), ClickHouseColumn("version", .uint64), ClickHouseColumn("present", .uint8),
        ClickHouseColumn("mu", .float64), ClickHouseColumn("sigma", .float64),
        ClickHouseColumn("stock", .uint32), ClickHouseColumn("service_level", .float64), ClickHouseColumn("model_version", .string),
        ClickHouseColumn("updated_at", .uint32), ClickHouseColumn("orders_applied", .uint64),
    ]

    /// Throws `PublishError.reservedName` when `name` is one Restock keeps for itself.
    public init(client: ClickHouseClient, database: String, name: String = "live_stock", publishEvery: Double,
                forecast: LiveForecast, owner: RunOwner = .current()) throws {
        try ReservedNames.check(table: name)
        self.client = client
        self.database = database
        self.name = name
        self.publishEvery = max(0, publishEvery)
        self.forecast = forecast
        self.owner = owner
    }

    /// The table behind the view.
    public var versionsName: String { name + "__versions" }

    /// `CREATE TABLE db.table (...) ENGINE = ReplacingMergeTree(version) ORDER BY product_id`, with
    /// the run's load marker: the versions table.
    func createStatement(table: String) -> String {
        "CREATE TABLE \(SQLLiteral.qualifiedName(database, table)) (product_id UInt32, version UInt64, present UInt8 DEFAULT 1, "
            + "mu Float64, sigma Float64, stock UInt32, service_level Float64, model_version String, updated_at DateTime, "
            + "orders_applied UInt64 DEFAULT 0, "
            + "\(LoadMarker.definition(runID: owner.runID))) ENGINE = ReplacingMergeTree(version) ORDER BY product_id"
    }

    /// `CREATE VIEW db.live_stock AS ...`: per product the row of the highest version, if present.
    /// One `argMax` per column under short aliases, renamed outside (an alias equal to a column name
    /// inside `argMax` is refused by ClickHouse as an aggregate inside an aggregate; one `argMax` of
    /// a tuple of the columns works too but reads 2x slower on 18.16: 0.11 against 0.06 s for 44,000
    /// products in 5 versions).
    var viewStatement: String {
        let columns = ["mu", "sigma", "stock", "service_level", "model_version", "updated_at"]
        let inner = columns.enumerated().map { "argMax(\($0.element), version) AS c\($0.offset)" }.joined(separator: ", ")
        let outer = columns.enumerated().map { "c\($0.offset) AS \($0.element)" }.joined(separator: ", ")
        return "CREATE VIEW \(SQLLiteral.qualifiedName(database, name)) AS SELECT product_id, \(outer) FROM (SELECT product_id, \(inner), "
            + "argMax(present, version) AS c_present FROM \(SQLLiteral.qualifiedName(database, versionsName)) GROUP BY product_id) "
            + "WHERE c_present = 1"
    }

    /// Publishes when the forecast changed since the last publish and `publishEvery` seconds have
    /// passed (or nothing was published yet): incrementally after a full publish of this run. True
    /// when it published.
    @discardableResult
    public func publishIfDue(now: Date = Date()) throws -> Bool {
        if let last = lastPublished, now.timeIntervalSince(last) < publishEvery { return false }
        if lastPublishedRevision == forecast.revision { return false }
        if published == nil { try publishNow(now: now) } else { try publishChanges(now: now) }
        return true
    }

    /// Publishes the forecast's current rows now, in full (see the type). On a failure before the
    /// swap the view keeps its previous content and the load table is dropped (best effort).
    public func publishNow(now: Date = Date()) throws {
        let revision = forecast.revision
        let rows = forecast.stock()
        published = nil
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        let lock = PublishLock(database: database, name: name + "__lock", owner: owner)
        try lock.acquire(client, wait: lockWait)
        defer { lock.release(client) }
        let swap = TableSwap(database: database, tables: [versionsName], runID: owner.runID)
        do {
            _ = try swap.cleanLeftovers(client, extraPrefixes: [name + "__lock_stale_", name + "__load_", name + "__old_"])
            let load = swap.loadName(versionsName)
            try client.execute(createStatement(table: load))
            let sent = try insert(rows.map { ($0, true) }, into: load, version: 1, now: now)
            let counted = Int(try client.queryText("SELECT count() FROM \(SQLLiteral.qualifiedName(database, load))")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            guard counted == rows.count && sent == rows.count else {
                throw LiveStockError.countMismatch(table: "\(database).\(load)", sent: sent, counted: counted, expected: rows.count)
            }
            try swap.swap(client)
            try swap.dropOld(client)
        } catch {
            swap.dropLoads(client)
            throw error
        }
        try ensureView()
        published = Dictionary(uniqueKeysWithValues: rows.map { ($0.productID, $0) })
        version = 1
        lastPublished = now
        lastPublishedRevision = revision
        publishes += 1
    }

    /// The incremental publish (see the type). Any failure makes the next publish a full one.
    func publishChanges(now: Date) throws {
        guard var known = published else { return try publishNow(now: now) }
        let revision = forecast.revision
        let rows = forecast.stock()
        var changes: [(LiveForecast.Row, Bool)] = []
        var seen = Set<Int32>(minimumCapacity: rows.count)
        for row in rows {
            seen.insert(row.productID)
            if let old = known[row.productID], old.expectedDemand == row.expectedDemand,
               old.standardDeviation == row.standardDeviation, old.recommendedStock == row.recommendedStock { continue }
            changes.append((row, true))
        }
        for (id, old) in known where !seen.contains(id) { changes.append((old, false)) }
        if !changes.isEmpty {
            published = nil
            _ = try insert(changes, into: versionsName, version: version + 1, now: now)
            version += 1
            for (row, present) in changes { known[row.productID] = present ? row : nil }
            published = known
        }
        lastPublished = now
        lastPublishedRevision = revision
        publishes += 1
        incrementalPublishes += 1
    }

    /// One INSERT (one block) of `rows` (`present` false: a deletion marker) at `version`. Returns the rows sent.
    private func insert(_ rows: [(row: LiveForecast.Row, present: Bool)], into table: String, version: UInt64, now: Date) throws -> Int {
        let level = forecast.policy.serviceLevel, modelVersion = forecast.modelVersion
        let stamp = UInt32(clamping: Int(now.timeIntervalSince1970))
        var settings = ClickHouseSettings()
        settings.maxInsertBlockSize = max(1_048_576, rows.count + 1)
        var next = 0
        return try client.insert(into: table, database: database, columns: Self.columns, settings: settings) { w in
            let end = min(next + 4096, rows.count)
            while next < end {
                let (r, present) = rows[next]
                w.writeUInt32(UInt32(bitPattern: r.productID))
                w.writeUInt64(version)
                w.writeUInt8(present ? 1 : 0)
                w.writeFloat64(r.expectedDemand)
                w.writeFloat64(r.standardDeviation)
                w.writeUInt32(UInt32(clamping: r.recommendedStock))
                w.writeFloat64(level)
                w.writeString(modelVersion)
                w.writeUInt32(stamp)
                w.writeUInt64(UInt64(max(0, ordersApplied)))
                next += 1
            }
            return next < rows.count
        }.rows
    }

    /// Creates the view unless `name` already is one (an older whole-table `live_stock` is dropped first).
    func ensureView() throws {
        var engine: String?
        try client.selectTabSeparated("SELECT engine FROM system.tables WHERE database = \(SQLLiteral.string(database)) AND name = "
                                      + SQLLiteral.string(name)) { fields in engine = fields.first ?? nil }
        if engine == "View" { return }
        if engine != nil { try client.execute("DROP TABLE IF EXISTS \(SQLLiteral.qualifiedName(database, name))") }
        try client.execute(viewStatement)
    }
}

/// A publish of `live_stock` that failed its check.
public enum LiveStockError: Error, CustomStringConvertible, Equatable {
    case countMismatch(table: String, sent: Int, counted: Int, expected: Int)

    public var description: String {
        switch self {
        case .countMismatch(let table, let sent, let counted, let expected):
            "\(table): \(expected) rows to publish, \(sent) sent, \(counted) counted; live_stock left as it was"
        }
    }
}
