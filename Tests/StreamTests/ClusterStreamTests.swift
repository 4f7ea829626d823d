import ClickHouse
import Foundation
import Stream
import Testing
import TestSupport
import Warehouse

/// `restock stream --cluster` (and `StreamRun(cluster:)`) against a 2-shard ClickHouse cluster and a
/// nats-server of the suite's own: after a stream, every shard's six tables equal a cluster batch
/// ingest of the same data (per shard, count and content hash), a re-delivery does not double, an
/// order_id stored for a user of another shard is a dead letter, readers (`ClusterLoadCheck`) accept
/// the cluster while the stream appends, and a kill -9 of the client (then a rerun) or of shard 2's
/// server (restarted mid-stream) ends equal to the batch ingest.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable && ThrowawayNATSServer.isAvailable,
                Comment(rawValue: "needs clickhouse-server and nats-server")), .serialized)
final class ClusterStreamTests {
    let servers: ThrowawayClickHouseCluster
    let nats: ThrowawayNATSServer
    let fixture: StreamFixture
    let cluster: ClickHouseCluster
    /// A cluster ingest of the whole data set D: what every shard must hold after a stream.
    let reference: String
    let referencePrints: [[String]]

    init() throws {
        servers = try ThrowawayClickHouseCluster(shards: 2)
        nats = try ThrowawayNATSServer()
        fixture = try StreamFixture(users: 80, seed: 23, removedPerUser: 2, url: servers.url)
        cluster = try ClickHouseCluster.discover(ClickHouseTestDatabase.client(servers.url), name: servers.name)
        reference = "cluster_stream_ref_\(UInt32.random(in: 0...UInt32.max))"
        _ = try InstacartClusterIngest(cluster: cluster, database: reference).run(directory: fixture.data.path)
        referencePrints = try Self.shardPrints(cluster, reference)
    }

    deinit {
        nats.stop()
        servers.stop()
    }

    /// Per shard, count and content hash of each of the six tables.
    static func shardPrints(_ cluster: ClickHouseCluster, _ database: String) throws -> [[String]] {
        try cluster.shards.map { shard in
            try StreamFixture.tables.map { table in
                "\(table): " + (try shard.queryText("SELECT count(), sum(cityHash64(*)) FROM \(SQLLiteral.qualifiedName(database, table))")
                    .trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// A fresh database on every shard, cluster-ingested from `folder`.
    func database(_ stem: String, from folder: String) throws -> String {
        let name = "\(stem)_\(UInt32.random(in: 0...UInt32.max))"
        _ = try InstacartClusterIngest(cluster: cluster, database: name).run(directory: folder)
        return name
    }

    func drop(_ database: String) {
        for shard in cluster.shards { try? shard.execute("DROP DATABASE IF EXISTS \(SQLLiteral.identifier(database))") }
    }

    func orderCount(_ database: String, shard: Int) -> Int {
        (try? cluster.shards[shard].queryText("SELECT count() FROM \(SQLLiteral.qualifiedName(database, "orders"))"))
            .flatMap { Int($0.filter { !$0.isWhitespace }) } ?? -1
    }

    func publish(_ events: [OrderEvent], stream: String) throws {
        var settings = JetStreamSettings()
        settings.stream = stream
        let log = try JetStreamLog(url: nats.url, settings: settings)
        try log.ensureStream()
        for e in events { try log.publish(OrderEventJSON.encode(e), id: e.messageID) }
        try log.flush()
    }

    func arguments(_ database: String, stream: String, batch: Int = 5) -> [String] {
        ["stream", "--nats", nats.url, "--stream", stream, "--clickhouse", servers.url, "--cluster", servers.name, "--database", database,
         "--batch", String(batch), "--max-wait", "0.2", "--until-idle", "3", "--give-up-after", "60", "--json"]
    }

    @Test func streamEqualsAClusterBatchIngestPerShardAndARedeliveryDoesNotDouble() throws {
        let db = try database("cluster_stream", from: fixture.history)
        defer { drop(db) }
        #expect(try Self.shardPrints(cluster, db) != referencePrints)
        let log = StreamFixture.log(fixture.removed, leaveOutReordered: true)
        // The same order_id again for a user of the other shard: a conflicting duplicate, as on one node.
        var moved = fixture.removed[0]
        moved.userID += 1
        log.append(OrderEventJSON.encode(moved))
        var run = StreamRun(cluster: cluster, database: db, log: log, deadLetters: log)
        run.batchSize = 7
        run.maxWait = 0.01
        run.untilIdle = 0
        run.lockWait = 5
        let first = try run.run()
        #expect(first.ordersAppended == fixture.removed.count)
        #expect(first.deadLetters == ["conflicting_duplicate": 1])
        #expect(log.deadLetters.count == 1 && log.deadLetters[0].reason.contains("another user, on shard"), "\(log.deadLetters)")
        #expect(try Self.shardPrints(cluster, db) == referencePrints)
        // Every order went to its user's shard.
        for k in 0..<2 {
            #expect(try cluster.shards[k].queryText("SELECT countIf(user_id % 2 != \(k)) FROM \(SQLLiteral.qualifiedName(db, "orders"))")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
        // Readers still accept the cluster: the ingest's run, unchanged by the appends.
        #expect(try ClusterLoadCheck(cluster: cluster, database: db).verify() == (try ClusterIngestState.read(cluster, database: db).commit?.runID))
        // Delivered again (a publisher that re-sent everything): all duplicates, nothing doubles.
        for e in fixture.removed { log.append(OrderEventJSON.encode(e)) }
        let again = try run.run()
        #expect(again.ordersAppended == 0 && again.duplicatesSkipped == fixture.removed.count)
        #expect(try Self.shardPrints(cluster, db) == referencePrints)
    }

    @Test(arguments: [StreamFaultStep.midInsert, .afterInsert])
    func clientKilledMidBatchThenRerunEqualsTheBatchIngest(step: StreamFaultStep) throws {
        let db = try database("cluster_stream_kill", from: fixture.history)
        defer { drop(db) }
        let stream = NATSTestServer.uniqueName("CLUSTERKILL")
        try publish(fixture.removed, stream: stream)
        let killed = try RestockProcess.run(arguments(db, stream: stream), environment: ["RESTOCK_FAULT_AT": "\(step.rawValue):kill"])
        #expect(killed.status == 128 + SIGKILL || killed.status == SIGKILL, "\(killed.stderr)")
        #expect(killed.stderr.contains("fault point \(step.rawValue) reached"))
        let afterKill = try Self.shardPrints(cluster, db)
        let rerun = try RestockProcess.run(arguments(db, stream: stream))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("delivering again from sequence 1"))
        #expect(afterKill != referencePrints)
        #expect(try Self.shardPrints(cluster, db) == referencePrints)
    }

    @Test func shardKilledAndRestartedMidStreamEndsEqualToTheBatchIngest() throws {
        let db = try database("cluster_stream_shardkill", from: try fixture.catalogFolder())  // all orders: a long stream
        defer { drop(db) }
        let stream = NATSTestServer.uniqueName("CLUSTERSHARDKILL")
        // Half the orders before the outage, the other half while shard 2 is down: mid-stream by construction.
        let half = fixture.all.count / 2
        try publish(Array(fixture.all[..<half]), stream: stream)
        let running = try RunningRestock(arguments(db, stream: stream, batch: 2))
        var waits = 0
        while waits < 3000 && orderCount(db, shard: 0) < 30 { usleep(10_000); waits += 1 }
        // A reader accepts the cluster while the stream appends.
        let run = try ClusterLoadCheck(cluster: cluster, database: db).verify()
        #expect(orderCount(db, shard: 0) < fixture.all.count / 3, "the stream should still be running")
        try servers.killHard(node: 2)
        try publish(Array(fixture.all[half...]), stream: stream)
        usleep(1_500_000)
        let runningThroughOutage = running.isRunning
        try servers.restart()
        let status = running.wait()
        #expect(status == 0, "\(running.stderr)")
        #expect(runningThroughOutage)
        #expect(try Self.shardPrints(cluster, db) == referencePrints)
        #expect(try ClusterLoadCheck(cluster: cluster, database: db).verify() == run)
    }

    /// `stream --cluster --model`: the forecast starts from every shard's tables and publishes
    /// live_stock on the --clickhouse node only, equal to a single-node `stream --model` on the same
    /// history and orders (the contract `serve --cluster` reads).
    @Test func liveForecastOnAClusterPublishesOnTheFirstNodeOnlyAndEqualsOneNode() throws {
        let model = fixture.data.file("live.rf")
        let trained = try RestockProcess.run(["train", "--data", fixture.data.path, "--trees", "4", "--threads", "1", "--quiet",
                                              "--permutation-rows", "0", "--model", model])
        #expect(trained.status == 0, "\(trained.stderr)")
        let live = ["--model", model, "--publish-every", "0", "--live-threads", "1"]
        let single = try fixture.historyDatabase()  // on node 1, a database of its own
        defer { single.drop() }
        let stream = NATSTestServer.uniqueName("LIVE")  // read twice: by two durable consumers
        try publish(fixture.removed, stream: stream)
        let one = try RestockProcess.run(["stream", "--nats", nats.url, "--stream", stream, "--consumer", "one-node", "--clickhouse", servers.url,
                                          "--database", single.name, "--max-wait", "0.2", "--until-idle", "2", "--quiet"] + live)
        #expect(one.status == 0, "\(one.stderr)")
        let db = try database("cluster_stream_live", from: fixture.history)
        defer { drop(db) }
        let sharded = try RestockProcess.run(arguments(db, stream: stream) + live)
        #expect(sharded.status == 0, "\(sharded.stderr)")
        let stock = "SELECT product_id, mu, sigma, stock, model_version FROM %@.live_stock ORDER BY product_id"
        let expected = try cluster.shards[0].queryText(stock.replacingOccurrences(of: "%@", with: SQLLiteral.identifier(single.name)))
        #expect(expected.split(separator: "\n").count > 10)
        #expect(try cluster.shards[0].queryText(stock.replacingOccurrences(of: "%@", with: SQLLiteral.identifier(db))) == expected)
        let onNode2 = try cluster.shards[1].queryText("SELECT count() FROM system.tables WHERE database = \(SQLLiteral.string(db)) "
                                                      + "AND name LIKE 'live_stock%'")
        #expect(onNode2.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "live_stock is on the --clickhouse node only")
        #expect(try Self.shardPrints(cluster, db) == referencePrints)
    }
}
