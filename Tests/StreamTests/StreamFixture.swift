import ClickHouse
import Foundation
import Stream
import TestSupport
import Warehouse

/// A generated data set D split for the sink's tests: a history folder H (D without each user's last
/// `removedPerUser` prior orders and train/test order: `InstacartReader` wants every user's orders
/// numbered 1...N, so the target order cannot stay behind a gap), those removed orders as events in
/// publishing order (per user by order_number, users interleaved), and a reference database
/// holding a batch ingest of D.
final class StreamFixture: @unchecked Sendable {
    let data: TemporaryDirectory
    let history: String
    /// The removed orders as events, with `reordered` given.
    let removed: [OrderEvent]
    /// Every order of D as an event (for streaming onto the catalog only).
    let all: [OrderEvent]
    let reference: ClickHouseTestDatabase
    let referencePrints: [String]
    let url: String

    static let tables = InstacartSchema.tables.map(\.name)

    init(users: Int = 30, seed: UInt64 = 7, removedPerUser: Int = 2, url: String) throws {
        self.url = url
        (data, _) = try GeneratedData.make(users: users, seed: seed)
        let orders = try GeneratedData.integers(data.file("orders.csv")).rows
        var lines: [Int: [OrderLine]] = [:]
        for file in ["order_products__prior.csv", "order_products__train.csv"] {
            for row in try GeneratedData.integers(data.file(file)).rows {
                lines[row[0], default: []].append(OrderLine(productID: Int32(row[1]), addToCartOrder: Int16(row[2]), reordered: row[3] == 1))
            }
        }
        var events: [OrderEvent] = orders.map { row in
            OrderEvent(orderID: Int32(row[0]), userID: Int32(row[1]), evalSet: [.prior, .train, .test][row[2]], orderNumber: Int16(row[3]),
                       dow: UInt8(row[4]), hour: UInt8(row[5]), daysSincePrior: row[6] < 0 ? nil : Float(row[6]),
                       lines: lines[row[0]] ?? [])
        }
        events.sort { ($0.orderNumber, $0.userID) < ($1.orderNumber, $1.userID) }
        all = events
        var lastPriors: [Int32: [Int16]] = [:]
        for e in events where e.evalSet == .prior { lastPriors[e.userID, default: []].append(e.orderNumber) }
        var removedIDs: Set<Int32> = []
        var removedEvents: [OrderEvent] = []
        for e in events {
            let numbers = lastPriors[e.userID] ?? []
            guard numbers.count > removedPerUser else { continue }
            if e.evalSet != .prior || numbers.suffix(removedPerUser).contains(e.orderNumber) {
                removedIDs.insert(e.orderID)
                removedEvents.append(e)
            }
        }
        removed = removedEvents
        history = data.file("history")
        try FileManager.default.createDirectory(atPath: history, withIntermediateDirectories: true)
        for file in ["aisles.csv", "departments.csv", "products.csv"] {
            try FileManager.default.copyItem(atPath: data.file(file), toPath: history + "/" + file)
        }
        for file in ["orders.csv", "order_products__prior.csv", "order_products__train.csv"] {
            let text = try String(contentsOfFile: data.file(file), encoding: .utf8)
            let kept = text.split(separator: "\n").enumerated().filter { index, line in
                index == 0 || !removedIDs.contains(Int32(line.prefix { $0 != "," }) ?? -1)
            }.map { String($0.element) }
            try (kept.joined(separator: "\n") + "\n").write(toFile: history + "/" + file, atomically: true, encoding: .utf8)
        }
        reference = try ClickHouseTestDatabase("stream_ref", url: url)
        _ = try InstacartIngest(client: reference.client, database: reference.name).run(directory: data.path)
        referencePrints = try Self.fingerprints(reference)
    }

    deinit {
        reference.drop()
        data.remove()
    }

    /// Count and content hash of each of the six tables.
    static func fingerprints(_ db: ClickHouseTestDatabase) throws -> [String] {
        try tables.map { "\($0): " + (try db.fingerprint($0, ["*"])) }
    }

    /// A fresh database holding the history H.
    func historyDatabase() throws -> ClickHouseTestDatabase {
        let db = try ClickHouseTestDatabase("stream_case", url: url)
        _ = try InstacartIngest(client: db.client, database: db.name).run(directory: history)
        return db
    }

    /// A fresh database holding only the catalog (the order tables empty).
    func catalogDatabase() throws -> ClickHouseTestDatabase {
        let db = try ClickHouseTestDatabase("stream_catalog", url: url)
        _ = try InstacartIngest(client: db.client, database: db.name).run(directory: try catalogFolder())
        return db
    }

    /// A folder holding D's catalog and empty order tables (made once).
    func catalogFolder() throws -> String {
        let catalog = data.file("catalog")
        if !FileManager.default.fileExists(atPath: catalog) {
            try FileManager.default.createDirectory(atPath: catalog, withIntermediateDirectories: true)
            for file in ["aisles.csv", "departments.csv", "products.csv"] {
                try FileManager.default.copyItem(atPath: data.file(file), toPath: catalog + "/" + file)
            }
            try "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n"
                .write(toFile: catalog + "/orders.csv", atomically: true, encoding: .utf8)
            for file in ["order_products__prior.csv", "order_products__train.csv"] {
                try "order_id,product_id,add_to_cart_order,reordered\n".write(toFile: catalog + "/" + file, atomically: true, encoding: .utf8)
            }
        }
        return catalog
    }

    /// A stream run of `log` into `db` that ends as soon as the log is empty.
    func run(_ log: MemoryOrderLog, into db: ClickHouseTestDatabase, batch: Int = 7) -> StreamRun {
        var run = StreamRun(client: db.client, database: db.name, log: log, deadLetters: log)
        run.batchSize = batch
        run.maxWait = 0.01
        run.untilIdle = 0
        run.lockWait = 5
        run.retry = StreamRetryPolicy(initialDelay: 0.05, maxDelay: 0.5, giveUpAfter: 30)
        return run
    }

    /// A log holding `events` (encoded), `leaveOutReordered` dropping `reordered` from every other event.
    static func log(_ events: [OrderEvent], leaveOutReordered: Bool = false) -> MemoryOrderLog {
        let log = MemoryOrderLog()
        for (i, e) in events.enumerated() {
            var event = e
            if leaveOutReordered && i % 2 == 0 {
                for j in event.lines.indices { event.lines[j].reordered = nil }
            }
            log.append(OrderEventJSON.encode(event))
        }
        return log
    }
}
