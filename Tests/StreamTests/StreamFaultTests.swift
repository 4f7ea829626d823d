import ClickHouse
import Foundation
import Stream
import Testing
import TestSupport

/// `restock stream` against a real nats-server and ClickHouse server of the suite's own, with the
/// faults of issue 13: the consumer killed (SIGKILL) at each step of a batch, ClickHouse killed and
/// restarted mid-stream, nats-server restarted mid-stream, SIGTERM mid-stream, the data published
/// twice beyond JetStream's de-dup window. After each case (and a rerun where the fault ended the
/// consumer) the six tables must equal a batch ingest of the same data (count and content hash per
/// table). Each case prints its row of the fault matrix (`FAULT-MATRIX` lines).
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable && ThrowawayNATSServer.isAvailable,
                Comment(rawValue: "needs clickhouse-server and nats-server")), .serialized)
final class StreamFaultTests {
    let clickhouse: ThrowawayClickHouseServer
    let nats: ThrowawayNATSServer
    let fixture: StreamFixture

    init() throws {
        clickhouse = try ThrowawayClickHouseServer()
        nats = try ThrowawayNATSServer()
        fixture = try StreamFixture(users: 100, seed: 11, removedPerUser: 2, url: clickhouse.url)
    }

    deinit {
        nats.stop()
        clickhouse.stop()
    }

    /// Publishes `events` to a new stream; `idPrefix` makes the message ids (order_id by default).
    func publish(_ events: [OrderEvent], stream: String, idPrefix: String = "") throws {
        var settings = JetStreamSettings()
        settings.stream = stream
        let log = try JetStreamLog(url: nats.url, settings: settings)
        try log.ensureStream()
        for e in events { try log.publish(OrderEventJSON.encode(e), id: idPrefix + e.messageID) }
        try log.flush()
    }

    func arguments(_ db: ClickHouseTestDatabase, stream: String, batch: Int = 5) -> [String] {
        ["stream", "--nats", nats.url, "--stream", stream, "--clickhouse", clickhouse.url, "--database", db.name,
         "--batch", String(batch), "--max-wait", "0.2", "--until-idle", "3", "--give-up-after", "60", "--json"]
    }

    func orderCount(_ db: ClickHouseTestDatabase) -> Int {
        (try? db.client.queryText("SELECT count() FROM \(SQLLiteral.qualifiedName(db.name, "orders"))"))
            .flatMap { Int($0.filter { !$0.isWhitespace }) } ?? -1
    }

    /// Waits until `count` more orders than `start` are in `db` (the stream is under way).
    func waitForProgress(_ db: ClickHouseTestDatabase, beyond start: Int, by count: Int = 30) {
        // (a `for … where` would not stop at the first false: it filters, and runs all 3,000 queries)
        var waits = 0
        while waits < 3000 && orderCount(db) < start + count { usleep(10_000); waits += 1 }
    }

    func row(_ cells: String...) -> String {
        let text = "| " + cells.joined(separator: " | ") + " |"
        print("FAULT-MATRIX " + text)
        return text
    }

    @Test(arguments: StreamFaultStep.allCases)
    func consumerKilledAtAStepThenRerunAppendsEachOrderOnce(step: StreamFaultStep) throws {
        let db = try fixture.historyDatabase()
        defer { db.drop() }
        let stream = NATSTestServer.uniqueName("KILL")
        try publish(fixture.removed, stream: stream)
        let killed = try RestockProcess.run(arguments(db, stream: stream), environment: ["RESTOCK_FAULT_AT": "\(step.rawValue):kill"])
        #expect(killed.status == 128 + SIGKILL || killed.status == SIGKILL, "\(killed.stderr)")
        #expect(killed.stderr.contains("fault point \(step.rawValue) reached"))
        let afterKill = try StreamFixture.fingerprints(db)
        let rerun = try RestockProcess.run(arguments(db, stream: stream))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("delivering again from sequence 1"))
        let equal = try StreamFixture.fingerprints(db) == fixture.referencePrints
        #expect(equal)
        #expect(afterKill != fixture.referencePrints)
        _ = row(step.rawValue, "kill -9 consumer", "rerun exit \(rerun.status)", equal ? "tables = batch ingest" : "DIFFERENT")
    }

    @Test func clickHouseKilledAndRestartedMidStream() throws {
        let db = try fixture.catalogDatabase()  // all orders: a stream long enough to fault mid-way
        defer { db.drop() }
        let stream = NATSTestServer.uniqueName("CHKILL")
        // Half the orders before the outage, the other half while ClickHouse is down: the consumer
        // must append orders after the restart, so the outage is mid-stream by construction.
        let half = fixture.all.count / 2
        try publish(Array(fixture.all[..<half]), stream: stream)
        let start = orderCount(db)
        let running = try RunningRestock(arguments(db, stream: stream, batch: 2))
        waitForProgress(db, beyond: start)
        try clickhouse.killHard()
        let runningThroughOutage = running.isRunning
        try publish(Array(fixture.all[half...]), stream: stream)
        usleep(1_500_000)
        try clickhouse.restart()
        let status = running.wait()
        #expect(status == 0, "\(running.stderr)")
        // Bridged by the stream's retry ("trying again") when a statement was in flight, or by the
        // client's reconnect when none was (a refused connection is retried before anything is sent).
        #expect(runningThroughOutage)
        let equal = try StreamFixture.fingerprints(db) == fixture.referencePrints
        #expect(equal)
        _ = row("any (mid-stream)", "kill -9 ClickHouse, restart after 1.5 s", "run retried, exit \(status)",
                equal ? "tables = batch ingest" : "DIFFERENT")
    }

    @Test func natsServerRestartedMidStream() throws {
        let db = try fixture.catalogDatabase()  // all orders: a stream long enough to fault mid-way
        defer { db.drop() }
        let stream = NATSTestServer.uniqueName("NATSRESTART")
        try publish(fixture.all, stream: stream)
        let start = orderCount(db)
        let running = try RunningRestock(arguments(db, stream: stream, batch: 2))
        waitForProgress(db, beyond: start)
        try nats.stopServer()
        usleep(500_000)
        try nats.restart()
        let status = running.wait()
        var rerunStatus: Int32 = 0
        if status != 0 {  // the documented alternative: exit non-zero, a rerun completes
            rerunStatus = try RestockProcess.run(arguments(db, stream: stream)).status
        }
        #expect(status == 0 || rerunStatus == 0, "\(running.stderr)")
        let equal = try StreamFixture.fingerprints(db) == fixture.referencePrints
        #expect(equal)
        _ = row("any (mid-stream)", "nats-server stopped and restarted", status == 0 ? "run went on, exit 0" : "exit \(status), rerun \(rerunStatus)",
                equal ? "tables = batch ingest" : "DIFFERENT")
    }

    @Test func sigtermFinishesTheBatchThenARerunCompletes() throws {
        let db = try fixture.catalogDatabase()  // all orders: a stream long enough to fault mid-way
        defer { db.drop() }
        let stream = NATSTestServer.uniqueName("TERM")
        try publish(fixture.all, stream: stream)
        let start = orderCount(db)
        let running = try RunningRestock(arguments(db, stream: stream, batch: 2))
        waitForProgress(db, beyond: start)
        running.kill(SIGTERM)
        let status = running.wait()
        #expect(status == 0, "\(running.stderr)")
        #expect(running.stderr.contains("finishing the current batch"))
        let stoppedAt = orderCount(db)
        let rerun = try RestockProcess.run(arguments(db, stream: stream))
        #expect(rerun.status == 0 && !rerun.stderr.contains("delivering again"), "\(rerun.stderr)")
        let equal = try StreamFixture.fingerprints(db) == fixture.referencePrints
        #expect(equal && stoppedAt < start + fixture.all.count)
        _ = row("between batches", "SIGTERM", "exit \(status) after the batch in hand; rerun exit \(rerun.status)",
                equal ? "tables = batch ingest" : "DIFFERENT")
    }

    @Test func folderPublishedTwiceBeyondTheDeDupWindow() throws {
        let db = try fixture.historyDatabase()
        defer { db.drop() }
        let stream = NATSTestServer.uniqueName("TWICE")
        try publish(fixture.removed, stream: stream)
        try publish(fixture.removed, stream: stream, idPrefix: "again-")  // other ids: JetStream keeps both copies
        let result = try RestockProcess.run(arguments(db, stream: stream, batch: 50))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"duplicates\":\(fixture.removed.count)") || result.stdout.contains("\"duplicates\" : \(fixture.removed.count)"),
                "\(result.stdout)")
        let equal = try StreamFixture.fingerprints(db) == fixture.referencePrints
        #expect(equal)
        _ = row("plan", "same events published twice, new Nats-Msg-Id", "\(fixture.removed.count) duplicates skipped",
                equal ? "tables = batch ingest" : "DIFFERENT")
    }
}
