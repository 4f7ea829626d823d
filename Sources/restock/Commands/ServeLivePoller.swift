import ClickHouse
import Foundation
import Web

/// The background loop of `restock serve --clickhouse`: every `interval` seconds it counts the
/// orders table and, when `live_stock` exists, reads its rows (only when its `count()` or
/// `max(updated_at)` changed since the last poll) and swaps a state with the live μ, σ and stock
/// into the holder (`ServeState.applyingLive`, through `ServeStateHolder.reloading` so it never
/// races a model reload). Orders per minute comes from the order counts kept in memory with their
/// poll times (the last minute's samples). A failed poll is logged once per kind of failure and the
/// server keeps the last state. Cost per poll: three small statements (the hash reads live_stock), plus one SELECT of 28 bytes
/// per product when live_stock changed, plus the swap (O(products log products) when the rows
/// changed or a reload dropped them, else O(1)).
final class ServeLivePoller: @unchecked Sendable {
    private let client: ClickHouseClient
    private let database: String
    /// The table whose rows are counted: `orders`, or `orders_all` on a cluster (every shard's).
    private let ordersTable: String
    private let holder: ServeStateHolder
    private let interval: Double
    private let warn: @Sendable (String) -> Void
    private var thread: Thread?
    private let stopped = NSCondition()
    private var stopping = false

    // Poll thread only.
    private var samples: [(time: Date, orders: Int)] = []
    private var startOrders: Int?
    private var history: [Double] = []
    private var rows: [LiveStockRow] = []
    private var liveKey = ""
    private var liveVersion: String?
    private var lastError = ""

    init(client: ClickHouseClient, database: String, ordersTable: String = "orders", holder: ServeStateHolder, interval: Double,
         warn: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.database = database
        self.ordersTable = ordersTable
        self.holder = holder
        self.interval = interval
        self.warn = warn
    }

    /// Polls once now (so the first answer already has the live numbers), then starts the loop.
    func start() {
        pollOnce()
        let t = Thread { [self] in
            while true {
                stopped.lock()
                if !stopping { _ = stopped.wait(until: Date().addingTimeInterval(interval)) }
                let done = stopping
                stopped.unlock()
                if done { return }
                pollOnce()
            }
        }
        t.name = "restock-serve-live"
        thread = t
        t.start()
    }

    func stop() {
        stopped.lock()
        stopping = true
        stopped.signal()
        stopped.unlock()
    }

    func pollOnce(now: Date = Date()) {
        do {
            let (status, changed) = try poll(now: now)
            let rows = self.rows
            _ = holder.reloading { current in
                // Same rows already applied to this model's state (a reload leaves `live` nil): only the figures change, O(1).
                if !changed, current.live != nil {
                    var next = current
                    next.live = status
                    return next
                }
                return current.applyingLive(rows, status: status)
            }
            lastError = ""
        } catch {
            let text = "\(error)"
            if text != lastError { warn("serve: live poll failed (keeping the last numbers): \(text)") }
            lastError = text
        }
    }

    private func scalar(_ sql: String) throws -> String {
        try client.queryText(sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The status at `now`, and whether `rows` changed since the previous poll.
    private func poll(now: Date) throws -> (LiveStatus, Bool) {
        let orders = Int(try scalar("SELECT count() FROM \(SQLLiteral.qualifiedName(database, ordersTable))")) ?? 0
        if startOrders == nil { startOrders = orders }
        samples.append((now, orders))
        samples.removeAll { now.timeIntervalSince($0.time) > 60 }
        var perMinute = 0.0
        if let first = samples.first, now.timeIntervalSince(first.time) > 0 {
            perMinute = Double(orders - first.orders) / now.timeIntervalSince(first.time) * 60
        }
        history.append(perMinute)
        if history.count > LiveStatus.historyLimit { history.removeFirst(history.count - LiveStatus.historyLimit) }
        var lag: Double? = nil, updatedAt: Double? = nil
        let previousKey = liveKey
        let table = SQLLiteral.qualifiedName(database, "live_stock")
        if try scalar("EXISTS TABLE \(table)") == "1" {
            // The rows' hash catches a publish within the same second as the previous one.
            let head = try scalar("SELECT count(), toUnixTimestamp(max(updated_at)), sum(cityHash64(product_id, mu, sigma, stock)) FROM \(table)")
            let parts = head.split(separator: "\t")
            if parts.count == 3, let newest = Double(parts[1]), (Int(parts[0]) ?? 0) > 0 {
                lag = max(0, now.timeIntervalSince1970 - newest)
                updatedAt = newest
            }
            if head != liveKey {
                var next: [LiveStockRow] = []
                var version: String?
                try client.select("SELECT product_id, mu, sigma, stock, service_level, model_version FROM \(table)",
                                  columns: [.uint32, .float64, .float64, .uint32, .float64, .string]) { row in
                    next.append(LiveStockRow(productID: Int32(bitPattern: try row.readUInt32()), mu: try row.readFloat64(),
                                             sigma: try row.readFloat64(), stock: Int(try row.readUInt32()),
                                             serviceLevel: try row.readFloat64()))
                    version = try row.readString()
                }
                rows = next
                liveVersion = version
                liveKey = head
            }
        } else {
            rows = []
            liveKey = ""
            liveVersion = nil
        }
        var status = LiveStatus(orders: orders, ordersSinceStart: orders - (startOrders ?? orders), ordersPerMinute: perMinute,
                                liveProducts: rows.count, streamLagSeconds: lag, liveModelVersion: liveVersion,
                                ordersPerMinuteHistory: history)
        status.streamUpdatedAt = updatedAt
        return (status, liveKey != previousKey)
    }
}
