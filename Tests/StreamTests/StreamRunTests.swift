import ClickHouse
import Features
import Foundation
import Stream
import Testing
import TestSupport
import Warehouse

/// The sink against a real ClickHouse (`RESTOCK_CLICKHOUSE_URL`) with an in-memory log: after the
/// stream drains, the six tables equal a batch ingest of the same data (count and content hash per
/// table), whatever was redelivered, republished, refused or interrupted.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)), .serialized)
struct StreamRunTests {
    static let fixture: StreamFixture? = ClickHouseTestDatabase.url.flatMap { try? StreamFixture(url: $0) }

    func fixture() throws -> StreamFixture { try #require(Self.fixture, "the stream fixture could not be built") }

    @Test func streamedOrdersOnHistoryEqualBatchIngest() throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        let before = try ReorderMatrix.checkTablesExist(db.client, database: db.name)
        #expect(try StreamFixture.fingerprints(db) != f.referencePrints)
        let log = StreamFixture.log(f.removed, leaveOutReordered: true)
        let summary = try f.run(log, into: db).run()
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
        #expect(summary.events == f.removed.count && summary.ordersAppended == f.removed.count)
        #expect(summary.lines == f.removed.reduce(0) { $0 + $1.lines.count })
        #expect(summary.duplicatesSkipped == 0 && summary.deadLetterTotal == 0 && log.unacknowledgedCount == 0)
        #expect(summary.batches == (f.removed.count + 6) / 7)
        // The readers' mixed-load check still passes: appends keep the ingest's load id.
        #expect(try ReorderMatrix.checkTablesExist(db.client, database: db.name) == before)
    }

    @Test func allOrdersStreamedOntoTheCatalogEqualBatchIngest() throws {
        let f = try fixture()
        let db = try f.catalogDatabase()
        defer { db.drop() }
        let summary = try f.run(StreamFixture.log(f.all, leaveOutReordered: true), into: db, batch: 500).run()
        #expect(summary.ordersAppended == f.all.count && summary.deadLetterTotal == 0)
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
    }

    @Test func republishedAndRedeliveredEventsAreSkipped() throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        // The same events twice in one log (beyond any publish de-dup window), and again in a second run.
        let log = StreamFixture.log(f.removed + f.removed)
        let first = try f.run(log, into: db, batch: 11).run()
        #expect(first.ordersAppended == f.removed.count && first.duplicatesSkipped == f.removed.count)
        let again = StreamFixture.log(f.removed, leaveOutReordered: true)
        let second = try f.run(again, into: db).run()
        #expect(second.ordersAppended == 0 && second.duplicatesSkipped == f.removed.count && second.deadLetterTotal == 0)
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
    }

    /// A run stopped at each step of a batch (as a crash would stop it: nothing acknowledged), then
    /// a new run on the redelivered messages: the tables equal the batch ingest.
    @Test(arguments: StreamFaultStep.allCases)
    func runStoppedAtAStepThenRestartedAppendsEachOrderOnce(step: StreamFaultStep) throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        let log = StreamFixture.log(f.removed, leaveOutReordered: true)
        var crashing = f.run(log, into: db)
        let batches = Counter()
        crashing.fault = { reached in
            if reached == step, batches.next(at: step) == 2 { throw StreamFaultStop(step) }
        }
        #expect(throws: StreamFaultStop.self) { try crashing.run() }
        // Batch 2 and the batch fetched ahead of it (batch 3) are left unacknowledged; batch 1 was acknowledged.
        #expect(log.unacknowledgedCount == min(14, f.removed.count - 7))
        log.redeliverUnacknowledged()
        let rest = try f.run(log, into: db).run()
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
        #expect(rest.deadLetterTotal == 0)
        switch step {
        case .beforeInsert: #expect(rest.duplicatesSkipped == 0)
        case .midInsert: #expect(rest.duplicatesSkipped == 0 && rest.lines < f.removed.reduce(0) { $0 + $1.lines.count })
        case .afterInsert: #expect(rest.duplicatesSkipped == 7)
        }
    }

    @Test func badEventsGoToDeadLettersAndNothingValidIsLost() throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        let log = MemoryOrderLog()
        let valid = f.removed
        var unknownProduct = valid[0]
        unknownProduct.orderID = 2_000_000_001
        unknownProduct.lines[0].productID = 1_999_999_999
        var backwards = valid[0]
        backwards.orderID = 2_000_000_002
        backwards.orderNumber = valid[0].orderNumber - 1
        if backwards.orderNumber == 1 { backwards.daysSincePrior = nil }
        var conflicting = valid[1]
        conflicting.dow = (conflicting.dow + 1) % 7
        var storedConflict = f.all.first { e in !valid.contains { $0.orderID == e.orderID } && e.evalSet == .prior }!
        storedConflict.hour = (storedConflict.hour + 1) % 24
        var testWithLines = valid[2]
        testWithLines.orderID = 2_000_000_003
        testWithLines.evalSet = .test
        log.append(Array("{\"order_id\":".utf8))
        log.append(Array(#"{"order_id":-5,"user_id":1,"order_number":1,"order_dow":1,"order_hour_of_day":1,"days_since_prior_order":null,"products":[]}"#.utf8))
        for (i, e) in valid.enumerated() {
            log.append(OrderEventJSON.encode(e))
            if i == 3 {
                for bad in [unknownProduct, backwards, conflicting, storedConflict, testWithLines] { log.append(OrderEventJSON.encode(bad)) }
            }
        }
        let summary = try f.run(log, into: db).run()
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
        #expect(summary.deadLetters == ["malformed": 3, "unknown_product": 1, "order_number_out_of_sequence": 1, "conflicting_duplicate": 2])
        #expect(log.deadLetters.count == 7 && log.unacknowledgedCount == 0, "\(log.deadLetters.map(\.reason))")
        #expect(log.deadLetters.first?.position == LogPosition(sequence: 1))
        #expect(log.deadLetters.contains { $0.reason.hasPrefix("unknown_product: product_id 1999999999") })
    }

    @Test func logOutageIsRetried() throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        let log = StreamFixture.log(f.removed)
        log.failFetches = 3
        let summary = try f.run(log, into: db).run()
        #expect(summary.retries == 3)
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
    }

    /// A fetch lost in a broken connection (delivered, never received): the run rewinds the log, so
    /// those messages come first and in order instead of after newer orders of the same users.
    @Test func aLostFetchIsRewoundSoNothingGoesBackwards() throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        let log = StreamFixture.log(f.removed)
        _ = try log.fetch(max: 0, maxWait: 0)
        log.loseFetches = 1
        let summary = try f.run(log, into: db).run()
        #expect(summary.deadLetterTotal == 0 && summary.retries == 1 && log.unacknowledgedCount == 0)
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
    }

    @Test func aBatchWaitsForAnIngestAndGivesUpAfterLockWait() throws {
        let f = try fixture()
        let db = try f.historyDatabase()
        defer { db.drop() }
        // A live holder: pid 1 of this host is never dead.
        let holder = RunOwner(runID: "feedbeef", host: ProcessInfo.processInfo.hostName, pid: 1, started: 0)
        let lock = PublishLock(database: db.name, name: InstacartIngest.lockName, owner: holder)
        try lock.acquire(db.client, wait: 0)
        var run = f.run(StreamFixture.log(f.removed), into: db)
        run.lockWait = 0.3
        #expect(throws: PublishError.self) { try run.run() }
        #expect(try db.fingerprint("orders", ["*"]) != f.referencePrints[3].replacingOccurrences(of: "orders: ", with: ""))
        try db.client.execute("DROP TABLE \(SQLLiteral.qualifiedName(db.name, InstacartIngest.lockName))")
        _ = try f.run(StreamFixture.log(f.removed), into: db).run()
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
    }
}

/// Counts how often each fault step was reached.
final class Counter: @unchecked Sendable {
    private var counts: [StreamFaultStep: Int] = [:]
    private let lock = NSLock()

    func next(at step: StreamFaultStep) -> Int {
        lock.lock()
        defer { lock.unlock() }
        counts[step, default: 0] += 1
        return counts[step]!
    }
}
