import ClickHouse
import Features
import Foundation
@testable import Stream
import TestSupport
import Testing
@testable import Warehouse

/// The live forecast loaded from ClickHouse and published to `live_stock` on a throw-away server:
/// equal to the batch recommendation, replaced whole at each publish, kept through a kill -9.
@Suite(.serialized, .enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)))
struct LiveStockTableTests {
    /// The rows of live_stock as forecast rows (candidates unknown: taken from `expected`), and
    /// the names of the database's tables.
    static func published(_ client: ClickHouseClient, database: String, expected: [LiveForecast.Row])
        throws -> (rows: [LiveForecast.Row], version: Set<String>, level: Set<Double>) {
        var rows: [LiveForecast.Row] = []
        var versions = Set<String>(), levels = Set<Double>()
        let candidates = Dictionary(uniqueKeysWithValues: expected.map { ($0.productID, $0.candidates) })
        try client.select("SELECT product_id, mu, sigma, stock, service_level, model_version, updated_at FROM "
                          + "\(SQLLiteral.qualifiedName(database, "live_stock")) ORDER BY product_id",
                          columns: [.uint32, .float64, .float64, .uint32, .float64, .string, .uint32]) { row in
            let id = Int32(bitPattern: try row.readUInt32())
            let (mu, sigma, stock) = (try row.readFloat64(), try row.readFloat64(), Int(try row.readUInt32()))
            levels.insert(try row.readFloat64())
            versions.insert(try row.readString())
            _ = try row.readUInt32()
            rows.append(LiveForecast.Row(productID: id, expectedDemand: mu, standardDeviation: sigma, recommendedStock: stock,
                                         candidates: candidates[id] ?? -1))
        }
        return (rows, versions, levels)
    }

    static func tables(_ client: ClickHouseClient, database: String) throws -> [String] {
        var names: [String] = []
        try client.selectTabSeparated("SELECT name FROM system.tables WHERE database = \(SQLLiteral.string(database)) ORDER BY name") {
            if let name = $0.first ?? nil { names.append(name) }
        }
        return names
    }

    @Test func aForecastLoadedFromClickHouseAndStreamedOntoIsPublishedAsTheBatchRecommendationAndSurvivesKill9() throws {
        let f = try LiveFixture(users: 300, seed: 37)
        let server = try ThrowawayClickHouseServer()
        defer { server.stop() }
        let client = ClickHouseTestDatabase.client(server.url)
        let database = "live"
        _ = try InstacartIngest(client: client, database: database).run(f.split.history)
        let loaded = try InstacartTableReader.read(client, database: database)
        #expect(loaded.orders.count == f.split.history.orders.count)
        #expect(loaded.priorProducts.count == f.split.history.priorProducts.count)
        let live = try LiveForecast(data: loaded, model: f.model, serviceLevel: 0.95, threads: 2)
        // The tables read back give the forecast of the folder, bit for bit (the sums are exact,
        // so the tables' row order does not matter).
        #expect(live.stock() == (try LiveForecast(data: f.split.history, model: f.model)).stock())
        let table = try LiveStockTable(client: client, database: database, publishEvery: 3600, forecast: live)
        // The history alone: published as it is.
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try table.publishIfDue(now: t0))
        let first = try Self.published(client, database: database, expected: live.stock())
        #expect(first.rows.count == live.stock().count && !f.differences(first.rows).isEmpty)
        // Not due: nothing changed, then too soon.
        #expect(try table.publishIfDue(now: t0.addingTimeInterval(7200)) == false)
        for event in f.events { try live.apply([event]) }
        try live.refresh()
        #expect(try table.publishIfDue(now: t0.addingTimeInterval(60)) == false)
        #expect(try table.publishIfDue(now: t0.addingTimeInterval(3600)))
        // The second publish wrote only the changed products, at version 2, and the view equals the batch.
        #expect(table.incrementalPublishes == 1 && table.version == 2)
        let written = try client.queryText("SELECT version, count() FROM live.live_stock__versions GROUP BY version ORDER BY version")
            .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let counts = written.map { Int($0.last ?? "") ?? -1 }
        #expect(written.map(\.first) == ["1", "2"] && counts.count == 2 && counts.last! < counts.first!, "\(written)")
        let after = try Self.published(client, database: database, expected: live.stock())
        #expect(f.differences(after.rows) == [])
        #expect(after.version == [live.modelVersion] && after.level == [0.95])
        #expect(try Self.tables(client, database: database).filter { $0.hasPrefix("live_stock") } == ["live_stock", "live_stock__versions"])
        // kill -9 and restart: the last publish is there, whole.
        try server.killHard()
        try server.restart()
        let restarted = try Self.published(client, database: database, expected: live.stock())
        #expect(restarted.rows == after.rows)
        #expect(f.differences(restarted.rows) == [])
        // A full publish after the restart gives what the incremental one gave (no duplicates).
        try table.publishNow(now: t0.addingTimeInterval(4000))
        let again = try Self.published(client, database: database, expected: live.stock())
        #expect(again.rows == after.rows && table.version == 1)
        #expect(try client.queryText("SELECT count() FROM live.live_stock__versions").trimmingCharacters(in: .whitespacesAndNewlines)
                == "\(after.rows.count)")
    }

    @Test func aPublishKilledBeforeItsSwapLeavesThePreviousContentAndTheNextPublishCleansUp() throws {
        let f = try LiveFixture(users: 120, seed: 41, trees: 4)
        let server = try ThrowawayClickHouseServer()
        defer { server.stop() }
        let client = ClickHouseTestDatabase.client(server.url)
        let live = try LiveForecast(data: f.data, model: f.model)
        let table = try LiveStockTable(client: client, database: "live", publishEvery: 0, forecast: live, owner: .current())
        try table.publishNow()
        let before = try Self.published(client, database: "live", expected: live.stock())
        // A killed publish: its load table half written, its lock left by a dead process.
        let dead = RunOwner(runID: "deadbeef", host: ProcessInfo.processInfo.hostName, pid: 999_999, started: 0)
        let zombie = try LiveStockTable(client: client, database: "live", publishEvery: 0, forecast: live, owner: dead)
        try client.execute(zombie.createStatement(table: TableSwap.loadName("live_stock", runID: "deadbeef")))
        try client.execute("INSERT INTO live.live_stock__load_deadbeef (product_id, mu) VALUES (1, 99)")
        try client.execute(PublishLock(database: "live", name: "live_stock__lock", owner: dead).createStatement)
        try server.killHard()
        try server.restart()
        #expect(try Self.published(client, database: "live", expected: live.stock()).rows == before.rows)
        try table.publishNow()
        #expect(try Self.published(client, database: "live", expected: live.stock()).rows == before.rows)
        #expect(try Self.tables(client, database: "live") == ["live_stock", "live_stock__versions"])
    }
}

/// `restock stream --model` in a library call: the sink's `StreamRun` with the live observer, over an
/// in-memory log, onto the history H in a throw-away ClickHouse.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)))
struct LiveStreamTests {
    /// Inline (the observer on the stream's thread) and on its own thread (`LiveForecastWorker`, as
    /// `restock stream --model` runs it): the same end state.
    @Test(arguments: [false, true])
    func streamingTheHeldOutOrdersLeavesLiveStockEqualToTheBatchRecommendation(onItsOwnThread: Bool) throws {
        let f = try LiveFixture(users: 200, seed: 43, trees: 6)
        let server = try ThrowawayClickHouseServer()
        defer { server.stop() }
        let client = ClickHouseTestDatabase.client(server.url)
        _ = try InstacartIngest(client: client, database: "shop").run(f.split.history)
        let forecast = try LiveForecast(data: try InstacartTableReader.read(client, database: "shop"), model: f.model, threads: 2)
        let table = try LiveStockTable(client: client, database: "shop", publishEvery: 0, forecast: forecast)
        let observer = LiveForecastObserver(forecast: forecast, table: table, refreshEvery: 3600)
        let log = StreamFixture.log(f.events, leaveOutReordered: true)
        var run = StreamRun(client: client, database: "shop", log: log, deadLetters: log)
        run.batchSize = 50
        run.maxWait = 0.01
        run.untilIdle = 0
        run.lockWait = 5
        let worker = onItsOwnThread ? LiveForecastWorker(observer: observer, maxPending: 120, applyChunk: 30) : nil
        run.observer = worker ?? observer
        let summary = try run.run()
        #expect(summary.ordersAppended == f.events.count)
        #expect(worker?.isDrained ?? true)
        #expect(observer.applied.events == f.events.count && observer.refreshes >= 1 && table.publishes >= (onItsOwnThread ? 1 : 2))
        let rows = try LiveStockTableTests.published(client, database: "shop", expected: forecast.stock()).rows
        #expect(f.differences(rows) == [])
        // The tables the stream wrote give the same forecast when loaded again.
        let reloaded = try LiveForecast(data: try InstacartTableReader.read(client, database: "shop"), model: f.model, threads: 2)
        #expect(f.differences(reloaded.stock()) == [])
    }
}
