import ClickHouse
import Foundation
import Warehouse

/// The live forecast in ClickHouse: the table `live_stock` (product_id UInt32, mu Float64, sigma
/// Float64, stock UInt32, service_level Float64, model_version String, updated_at DateTime), one
/// row per product with a candidate, replaced as a whole at each publish.
///
/// A publish is the issue-12 swap (`TableSwap`): take the table's lock (`<name>__lock`,
/// `PublishLock`), repair and drop what killed publishes left (`cleanLeftovers`), create
/// `<name>__load_<run>` (with the run's `LoadMarker`), INSERT the rows, check `count()`, then one
/// `RENAME TABLE live TO __old_<run>, load TO live`, drop the old table, release the lock. A reader
/// sees the previous content or the new one, never a mix, and a server killed at any moment (even
/// `kill -9`) comes back with exactly one of them. The stream calls `publishIfDue(now:)` after each
/// batch: it publishes when the forecast changed and `publishEvery` seconds have passed since the
/// last publish (the first call publishes at once). Cost per publish: about eight small statements
/// plus one INSERT of 37 bytes per product (1.8 MB at 49,688 products).
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
    /// The forecast's `revision` at the last publish (-1 before the first).
    public private(set) var lastPublishedRevision = -1

    public static let columns: [ClickHouseColumn] = [
        ClickHouseColumn("product_id", .uint32), ClickHouseColumn("mu", .float64), ClickHouseColumn("sigma", .float64),
        ClickHouseColumn("stock", .uint32), ClickHouseColumn("service_level", .float64), ClickHouseColumn("model_version", .string),
        ClickHouseColumn("updated_at", .uint32),
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

    /// `CREATE TABLE db.table (...) ENGINE = MergeTree() ORDER BY product_id`, with the run's load marker.
    func createStatement(table: String) -> String {
        "CREATE TABLE \(SQLLiteral.qualifiedName(database, table)) (product_id UInt32, mu Float64, sigma Float64, stock UInt32, "
            + "service_level Float64, model_version String, updated_at DateTime, \(LoadMarker.definition(runID: owner.runID))) "
            + "ENGINE = MergeTree() ORDER BY product_id"
    }

    /// Publishes when the forecast changed since the last publish and `publishEvery` seconds have
    /// passed (or nothing was published yet). True when it published.
    @discardableResult
    public func publishIfDue(now: Date = Date()) throws -> Bool {
        if let last = lastPublished, now.timeIntervalSince(last) < publishEvery { return false }
        if lastPublishedRevision == forecast.revision { return false }
        try publishNow(now: now)
        return true
    }

    /// Publishes the forecast's current rows now (see the type). On a failure before the swap the
    /// table keeps its previous content and the load table is dropped (best effort).
    public func publishNow(now: Date = Date()) throws {
        let revision = forecast.revision
        let rows = forecast.stock()
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        let lock = PublishLock(database: database, name: name + "__lock", owner: owner)
        try lock.acquire(client, wait: lockWait)
        defer { lock.release(client) }
        let swap = TableSwap(database: database, tables: [name], runID: owner.runID)
        do {
            _ = try swap.cleanLeftovers(client, extraPrefixes: [name + "__lock_stale_"])
            let load = swap.loadName(name)
            try client.execute(createStatement(table: load))
            let level = forecast.policy.serviceLevel, version = forecast.modelVersion
            let stamp = UInt32(clamping: Int(now.timeIntervalSince1970))
            var next = 0
            let sent = try client.insert(into: load, database: database, columns: Self.columns) { w in
                let end = min(next + 4096, rows.count)
                while next < end {
                    let r = rows[next]
                    w.writeUInt32(UInt32(bitPattern: r.productID))
                    w.writeFloat64(r.expectedDemand)
                    w.writeFloat64(r.standardDeviation)
                    w.writeUInt32(UInt32(clamping: r.recommendedStock))
                    w.writeFloat64(level)
                    w.writeString(version)
                    w.writeUInt32(stamp)
                    next += 1
                }
                return next < rows.count
            }.rows
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
        lastPublished = now
        lastPublishedRevision = revision
        publishes += 1
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
