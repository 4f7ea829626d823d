import ClickHouse
import Foundation
import TestSupport
import Testing

/// `restock ingest` and `restock features --clickhouse` end to end, against the test server.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)))
struct IngestCommandTests {
    static let tables = ["aisles", "departments", "products", "orders", "order_products__prior", "order_products__train"]

    /// Count and content hash of every live table.
    static func fingerprints(_ db: ClickHouseTestDatabase) throws -> [String] {
        try [
            db.fingerprint("aisles", ["aisle_id", "aisle"]),
            db.fingerprint("departments", ["department_id", "department"]),
            db.fingerprint("products", ["product_id", "product_name", "aisle_id", "department_id"]),
            db.fingerprint("orders", ["order_id", "user_id", "eval_set", "order_number", "order_dow", "order_hour_of_day",
                                      "ifNull(days_since_prior_order, -1)"]),
            db.fingerprint("order_products__prior", ["order_id", "product_id", "add_to_cart_order", "reordered"]),
            db.fingerprint("order_products__train", ["order_id", "product_id", "add_to_cart_order", "reordered"]),
        ]
    }

    static func generate(users: Int, seed: Int, into dir: TemporaryDirectory) throws -> String {
        let out = dir.file("data-\(seed)")
        let result = try RestockProcess.run(["generate", "--users", String(users), "--seed", String(seed), "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    /// The client is SIGKILLed while its INSERT into the prior stage table is open: the live tables
    /// keep the previous ingest, and the next run loads the new files exactly once.
    @Test func killedClientMidLoadLeavesLiveTablesAsTheyWere() throws {
        let dir = try TemporaryDirectory(prefix: "restock-ingest-cli")
        defer { dir.remove() }
        let first = try Self.generate(users: 300, seed: 51, into: dir)
        let second = try Self.generate(users: 300, seed: 52, into: dir)
        let db = try ClickHouseTestDatabase("restock_cli_kill")
        defer { db.drop() }
        let expected = try ClickHouseTestDatabase("restock_cli_expected")
        defer { expected.drop() }
        let url = ClickHouseTestDatabase.url!

        let load = try RestockProcess.run(["ingest", "--data", first, "--clickhouse", url, "--database", db.name, "--verbose"])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stderr.contains("order_products__prior:"))
        let before = try Self.fingerprints(db)

        let running = try RunningRestock(["ingest", "--data", second, "--clickhouse", url, "--database", db.name,
                                          "--pause-after-rows", "8192"])
        let paused = running.waitForStderr(containing: "paused in order_products__prior", timeout: 60)
        running.kill()
        #expect(paused, "the ingest never reached the prior table: \(running.stderr)")
        #expect(try Self.fingerprints(db) == before)

        let again = try RestockProcess.run(["ingest", "--data", second, "--clickhouse", url, "--database", db.name])
        #expect(again.status == 0, "\(again.stderr)")
        let reference = try RestockProcess.run(["ingest", "--data", second, "--clickhouse", url, "--database", expected.name])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(try Self.fingerprints(db) == Self.fingerprints(expected))
    }

    /// `features --data` and `features --clickhouse` write byte-identical binary matrices.
    @Test func featuresFromClickHouseWriteTheSameFileAsFromTheFolder() throws {
        let dir = try TemporaryDirectory(prefix: "restock-features-cli")
        defer { dir.remove() }
        let data = try Self.generate(users: 200, seed: 61, into: dir)
        let db = try ClickHouseTestDatabase("restock_cli_features")
        defer { db.drop() }
        let url = ClickHouseTestDatabase.url!
        let ingest = try RestockProcess.run(["ingest", "--data", data, "--clickhouse", url, "--database", db.name, "--json"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any])
        #expect(summary["command"] as? String == "ingest" && summary["status"] as? String == "ok")
        let outputs = try #require(summary["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["table"] as? String } == Self.tables.map { "\(db.name).\($0)" })
        #expect(outputs.allSatisfy { $0["kind"] as? String == "clickhouse_table" && ($0["rows"] as? Int ?? 0) > 0 })
        let fromFolder = try RestockProcess.run(["features", "--data", data, "--out", dir.file("csv.bin")])
        let fromClickHouse = try RestockProcess.run(["features", "--clickhouse", url, "--database", db.name, "--out", dir.file("ch.bin")])
        #expect(fromFolder.status == 0, "\(fromFolder.stderr)")
        #expect(fromClickHouse.status == 0, "\(fromClickHouse.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("csv.bin")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("ch.bin")))
        #expect(a.count > 100_000 && a == b)
    }

    @Test func passwordIsNeverPrinted() throws {
        let secret = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let result = try RestockProcess.run(["features", "--clickhouse", "http://127.0.0.1:1", "--database", "nowhere",
                                             "--out", "/tmp/restock-never-written.bin"],
                                            environment: ["RESTOCK_CLICKHOUSE_USER": "someone", "RESTOCK_CLICKHOUSE_PASSWORD": secret])
        #expect(result.status != 0)
        #expect(result.stderr.contains("someone"))
        #expect(!(result.stderr + result.stdout).contains(secret))
    }
}
