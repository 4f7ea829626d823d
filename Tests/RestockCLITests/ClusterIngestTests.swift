import ClickHouse
import Foundation
import Testing
import TestSupport
import Warehouse

/// `restock ingest --cluster restock` against a real 2-shard cluster of the suite's own
/// (`ThrowawayClickHouseCluster`): routing, parity with a single-node ingest, idempotence, a bad
/// folder, and the fault matrix (client killed, or shard 2's server killed and restarted, at each
/// step) with the reader's check (`ClusterLoadCheck`) deciding what a reader sees.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)), .serialized)
struct ClusterIngestTests {
    static let six = IngestCommandTests.tables

    /// Count and order-independent hash of the six `_all` tables on node 1 (what a reader of the
    /// whole cluster sees), in the form of `IngestCommandTests.fingerprints`.
    static func clusterFingerprints(_ db: ClickHouseTestDatabase) throws -> [String] {
        try [
            db.fingerprint("aisles_all", ["aisle_id", "aisle"]),
            db.fingerprint("departments_all", ["department_id", "department"]),
            db.fingerprint("products_all", ["product_id", "product_name", "aisle_id", "department_id"]),
            db.fingerprint("orders_all", ["order_id", "user_id", "eval_set", "order_number", "order_dow", "order_hour_of_day",
                                          "ifNull(days_since_prior_order, -1)"]),
            db.fingerprint("order_products__prior_all", ["order_id", "product_id", "add_to_cart_order", "reordered"]),
            db.fingerprint("order_products__train_all", ["order_id", "product_id", "add_to_cart_order", "reordered"]),
        ]
    }

    static func ingest(_ data: String, _ cluster: ThrowawayClickHouseCluster, _ database: String,
                       environment: [String: String] = [:]) throws -> RestockProcess.Result {
        try RestockProcess.run(["ingest", "--data", data, "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", database],
                               environment: environment)
    }

    static func query(_ url: String, _ sql: String) throws -> String {
        try ClickHouseTestDatabase.client(url).queryText(sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The tables of `database` on node `url`.
    static func tables(_ url: String, _ database: String) throws -> [String] {
        try query(url, "SELECT name FROM system.tables WHERE database = \(SQLLiteral.string(database)) ORDER BY name")
            .split(separator: "\n").map(String.init)
    }

    static func expectedTables(shard: Int) -> [String] {
        (six + six.map { $0 + "_all" } + (shard == 0 ? [ClusterCommitMarker.table] : [])).sorted()
    }

    @Test func shardedIngestRoutesByUserEqualsSingleNodeAndNeverDoubles() throws {
        let cluster = try ThrowawayClickHouseCluster(shards: 2)
        defer { cluster.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-cluster-ingest")
        defer { dir.remove() }
        let data = try IngestCommandTests.generate(users: 300, seed: 71, into: dir)
        let single = try ClickHouseTestDatabase("cluster_single", url: cluster.nodeURL(2))
        let sharded = try ClickHouseTestDatabase("cluster_sharded", url: cluster.url)
        let ingested = try RestockProcess.run(["ingest", "--data", data, "--clickhouse", cluster.nodeURL(2), "--database", single.name])
        #expect(ingested.status == 0, "\(ingested.stderr)")
        let first = try Self.ingest(data, cluster, sharded.name)
        #expect(first.status == 0, "\(first.stderr)")
        let reference = try IngestCommandTests.fingerprints(single)
        #expect(try Self.clusterFingerprints(sharded) == reference)
        let q = SQLLiteral.identifier(sharded.name)
        for (k, url) in cluster.nodeURLs.enumerated() {
            // Each shard holds exactly its users, each order_products row sits with its order, and
            // every shard holds users and the whole catalog.
            #expect(try Self.query(url, "SELECT countIf(user_id % 2 != \(k)), count() > 0 FROM \(q).orders") == "0\t1")
            for table in ["order_products__prior", "order_products__train"] {
                #expect(try Self.query(url, "SELECT count() FROM \(q).\(table) WHERE order_id NOT IN (SELECT order_id FROM \(q).orders)") == "0")
            }
            #expect(try Self.query(url, "SELECT count() FROM \(q).products") == (try Self.query(cluster.nodeURL(2), "SELECT count() FROM \(SQLLiteral.identifier(single.name)).products")))
            #expect(try Self.tables(url, sharded.name) == Self.expectedTables(shard: k))
        }
        let discovered = try ClickHouseCluster.discover(ClickHouseTestDatabase.client(cluster.url), name: cluster.name)
        let run = try ClusterLoadCheck(cluster: discovered, database: sharded.name).verify()
        // A re-run replaces every shard whole: same content, a new committed run, nothing left behind.
        let second = try Self.ingest(data, cluster, sharded.name)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.clusterFingerprints(sharded) == reference)
        #expect(try ClusterLoadCheck(cluster: discovered, database: sharded.name).verify() != run)
        for (k, url) in cluster.nodeURLs.enumerated() { #expect(try Self.tables(url, sharded.name) == Self.expectedTables(shard: k)) }
        // A single-node ingest into one shard breaks the cluster's agreement: readers refuse, naming the shard.
        let rogue = try RestockProcess.run(["ingest", "--data", data, "--clickhouse", cluster.nodeURL(2), "--database", sharded.name])
        #expect(rogue.status == 0, "\(rogue.stderr)")
        var check = ClusterLoadCheck(cluster: discovered, database: sharded.name)
        check.wait = 1
        #expect {
            try check.verify()
        } throws: { error in
            "\(error)".contains("shard 2 holds")
        }
    }

    @Test func badFolderFailsBeforeAnythingIsSent() throws {
        let cluster = try ThrowawayClickHouseCluster(shards: 2)
        defer { cluster.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-cluster-bad")
        defer { dir.remove() }
        let data = try IngestCommandTests.generate(users: 50, seed: 72, into: dir)
        let path = data + "/orders.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text += "999999,7,prior,x,1,2,3\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Self.ingest(data, cluster, "cluster_bad")
        #expect(result.status != 0)
        #expect(result.stderr.contains("orders.csv:") && result.stderr.contains("order_number"), "\(result.stderr)")
        for url in cluster.nodeURLs {
            #expect(try Self.query(url, "SELECT count() FROM system.databases WHERE name = 'cluster_bad'") == "0")
        }
        let unknown = try RestockProcess.run(["ingest", "--data", data, "--clickhouse", cluster.url, "--cluster", "nosuch"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no cluster 'nosuch'"), "\(unknown.stderr)")
    }

    /// A reader that meets an ingest paused between its shards' RENAMEs (shard 1 new, shard 2 old)
    /// waits for the ingest lock, then refuses naming the lagging shard and the lock's holder; once
    /// the ingest goes on, the same check accepts the new run.
    @Test func readerWaitsThenRefusesWhileAnIngestIsMidSwap() throws {
        let cluster = try ThrowawayClickHouseCluster(shards: 2)
        defer { cluster.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-cluster-reader")
        defer { dir.remove() }
        let dataA = try IngestCommandTests.generate(users: 60, seed: 73, into: dir)
        let dataB = try IngestCommandTests.generate(users: 60, seed: 74, into: dir)
        #expect(try Self.ingest(dataA, cluster, "cluster_reader").status == 0)
        let discovered = try ClickHouseCluster.discover(ClickHouseTestDatabase.client(cluster.url), name: cluster.name)
        var check = ClusterLoadCheck(cluster: discovered, database: "cluster_reader")
        let old = try check.verify()
        let resume = dir.file("resume")
        let running = try RunningRestock(
            ["ingest", "--data", dataB, "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", "cluster_reader"],
            environment: ["RESTOCK_FAULT_AT": "mid-swap:pause", "RESTOCK_FAULT_RESUME_FILE": resume])
        #expect(running.waitForStderr(containing: "fault point mid-swap reached", timeout: 120), "\(running.stderr)")
        #expect(try ClusterIngestState.read(discovered, database: "cluster_reader").lagging == [1])
        check.wait = 1
        #expect {
            try check.verify()
        } throws: { error in
            "\(error)".contains("shard 2 holds \(old)") && "\(error)".contains("lock")
        }
        _ = FileManager.default.createFile(atPath: resume, contents: nil)
        #expect(running.wait() == 0, "\(running.stderr)")
        let new = try check.verify()
        #expect(new != old)
        #expect(try ClusterIngestState.read(discovered, database: "cluster_reader").lagging.isEmpty)
    }

    enum Fault: String, CaseIterable, Sendable {
        case killClient = "kill -9 client"
        case killShard2 = "kill -9 shard 2 server, restart"
    }

    static let steps = ["before-load", "mid-load", "after-check", "after-commit", "mid-swap", "after-publish"]

    /// At each step: the client killed, or shard 2's server killed and restarted while the client
    /// waits. Then a reader's check (which finishes a committed run) must find exactly the old or
    /// exactly the new data set, also after restarting shard 2 once more; a rerun publishes the new
    /// data set and leaves no load, old or lock table on any shard.
    @Test func faultMatrix() throws {
        let cluster = try ThrowawayClickHouseCluster(shards: 2)
        defer { cluster.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-cluster-fault")
        defer { dir.remove() }
        let dataA = try IngestCommandTests.generate(users: 200, seed: 61, into: dir)
        let dataB = try IngestCommandTests.generate(users: 200, seed: 62, into: dir)
        let discovered = try ClickHouseCluster.discover(ClickHouseTestDatabase.client(cluster.url), name: cluster.name)
        func state(_ db: ClickHouseTestDatabase) throws -> [String] {
            var check = ClusterLoadCheck(cluster: discovered, database: db.name)
            check.wait = 20
            try check.verify()
            return try Self.clusterFingerprints(db)
        }
        let reference = try ClickHouseTestDatabase("cluster_fault_ref", url: cluster.url)
        #expect(try Self.ingest(dataA, cluster, reference.name).status == 0)
        let old = try state(reference)
        #expect(try Self.ingest(dataB, cluster, reference.name).status == 0)
        let new = try state(reference)
        #expect(old != new)
        func verdict(_ s: [String]) -> String { s == old ? "old" : s == new ? "new" : "MIXED" }
        var rows: [String] = []
        var index = 0
        for step in Self.steps {
            for fault in Fault.allCases {
                index += 1
                let label = "\(step) \(fault.rawValue)"
                let db = try ClickHouseTestDatabase("cluster_fault_\(index)", url: cluster.url)
                defer { for url in cluster.nodeURLs { _ = try? Self.query(url, "DROP DATABASE IF EXISTS \(SQLLiteral.identifier(db.name))") } }
                #expect(try Self.ingest(dataA, cluster, db.name).status == 0)
                let resume = dir.file("resume-\(index)")
                let running = try RunningRestock(
                    ["ingest", "--data", dataB, "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", db.name],
                    environment: ["RESTOCK_FAULT_AT": "\(step):\(fault == .killClient ? "kill" : "pause")", "RESTOCK_FAULT_RESUME_FILE": resume])
                #expect(running.waitForStderr(containing: "fault point \(step) reached", timeout: 120), "\(label): \(running.stderr)")
                if fault == .killShard2 {
                    try cluster.killHard(node: 2)
                    try cluster.restart()
                }
                _ = FileManager.default.createFile(atPath: resume, contents: nil)
                let status = running.wait()
                // What the shards hold before any reader repairs: a client killed after the commit
                // leaves shards that lag behind the committed run (all of them after-commit, shard 2
                // mid-swap), which the reader's check then rolls forward.
                let lagging = try ClusterIngestState.read(discovered, database: db.name).lagging
                if fault == .killClient && step == "after-commit" { #expect(lagging == [0, 1], "\(label)") }
                if fault == .killClient && step == "mid-swap" { #expect(lagging == [1], "\(label)") }
                if fault == .killClient && ["before-load", "mid-load", "after-check", "after-publish"].contains(step) {
                    #expect(lagging.isEmpty, "\(label)")
                }
                let afterFault = verdict((try? state(db)) ?? ["unreadable"])
                try cluster.killHard(node: 2)
                try cluster.restart()
                let afterRestart = verdict((try? state(db)) ?? ["unreadable"])
                let rerun = try Self.ingest(dataB, cluster, db.name)
                let final = verdict(try state(db))
                var leftovers: [String] = []
                for (k, url) in cluster.nodeURLs.enumerated() {
                    leftovers += try Self.tables(url, db.name).filter { !Self.expectedTables(shard: k).contains($0) }
                }
                #expect(afterFault != "MIXED" && afterFault != "unreadable" && afterRestart == afterFault,
                        "\(label): \(afterFault) after the fault, \(afterRestart) after a restart")
                #expect(rerun.status == 0 && final == "new", "\(label): rerun \(rerun.status) \(rerun.stderr)")
                #expect(leftovers.isEmpty, "\(label): left \(leftovers)")
                rows.append("| cluster ingest | \(step) | \(fault.rawValue) | \(fault == .killClient ? "killed" : "exit \(status)") | "
                            + "lagging shards \(lagging.map { String($0 + 1) }) | "
                            + "\(afterFault) | \(afterRestart) | \(rerun.status == 0 ? "ok" : "exit \(rerun.status)"), \(final) |")
            }
        }
        print(rows.map { "FAULT-MATRIX " + $0 }.joined(separator: "\n"))
        #expect(rows.count == 12)
    }
}
