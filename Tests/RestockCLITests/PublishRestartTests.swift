import ClickHouse
import Foundation
import Testing
import TestSupport

/// Issue 12 findings 1, 2 and 10 and the concurrency of publishing runs, end to end against a
/// ClickHouse server of each test's own (restarted, so never the shared test server).
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)))
struct PublishRestartTests {
    /// A private server and two generated folders.
    final class Setup: @unchecked Sendable {
        let server: ThrowawayClickHouseServer
        let dir: TemporaryDirectory
        let dataA: String, dataB: String

        init(users: Int = 300) throws {
            server = try ThrowawayClickHouseServer()
            dir = try TemporaryDirectory(prefix: "restock-publish")
            dataA = dir.file("a")
            dataB = dir.file("b")
            for (out, seed) in [(dataA, "71"), (dataB, "72")] {
                let result = try RestockProcess.run(["generate", "--users", String(users), "--seed", seed, "--out", out])
                if result.status != 0 { throw SetupError(message: result.stderr) }
            }
        }

        deinit {
            server.stop()
            dir.remove()
        }

        func database(_ stem: String) throws -> ClickHouseTestDatabase { try ClickHouseTestDatabase(stem, url: server.url) }

        func ingest(_ data: String, _ db: ClickHouseTestDatabase, _ extra: [String] = []) throws -> RestockProcess.Result {
            try RestockProcess.run(["ingest", "--data", data, "--clickhouse", server.url, "--database", db.name] + extra)
        }
    }

    /// Finding 1: a re-ingest, then a kill -9 of the server and a clean restart: every table holds
    /// the rows of the last ingest once (18.16 brought the parts replaced by REPLACE PARTITION back).
    @Test func reingestSurvivesRestartsWithoutDoubling() throws {
        let s = try Setup()
        let db = try s.database("restart_ingest")
        let reference = try s.database("restart_ingest_ref")
        #expect(try s.ingest(s.dataA, reference).status == 0)
        let expected = try IngestCommandTests.fingerprints(reference)
        for _ in 0..<2 { #expect(try s.ingest(s.dataA, db).status == 0) }
        #expect(try IngestCommandTests.fingerprints(db) == expected)
        try s.server.killHard()
        try s.server.restart()
        #expect(try IngestCommandTests.fingerprints(db) == expected, "after kill -9 and a start")
        try s.server.restartCleanly()
        #expect(try IngestCommandTests.fingerprints(db) == expected, "after a clean restart")
    }

    /// Finding 1 for `score --to-table`: a rerun of the same model version, then restarts.
    @Test func scoreRerunSurvivesRestartsWithoutDoubling() throws {
        let s = try Setup()
        let db = try s.database("restart_score")
        #expect(try s.ingest(s.dataA, db).status == 0)
        let model = s.dir.file("m.rf")
        let trained = try RestockProcess.run(["train", "--clickhouse", s.server.url, "--database", db.name, "--model", model,
                                              "--trees", "3", "--quiet", "--permutation-rows", "0"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let score = ["score", "--model", model, "--clickhouse", s.server.url, "--database", db.name, "--to-table", "scores"]
        func state() throws -> String {
            try db.client.queryText("SELECT model_version, count(), sum(cityHash64(*)) FROM \(SQLLiteral.qualifiedName(db.name, "scores")) "
                                    + "GROUP BY model_version")
        }
        #expect(try RestockProcess.run(score).status == 0)
        let once = try state()
        #expect(try RestockProcess.run(score).status == 0)
        try s.server.killHard()
        try s.server.restart()
        #expect(try state() == once, "after kill -9 and a start")
        try s.server.restartCleanly()
        #expect(try state() == once, "after a clean restart")
    }

    /// Finding 2: the six tables of two ingests mixed by hand (as a run killed inside its swap
    /// would leave them): `features --clickhouse` refuses them with an error that says to rerun the
    /// ingest; six tables of one ingest, or six without any load id (older Restock), are read.
    @Test func readersRefuseTablesOfDifferentIngests() throws {
        let s = try Setup(users: 150)
        let db = try s.database("mixed")
        let other = try s.database("mixed_other")
        #expect(try s.ingest(s.dataA, db).status == 0)
        #expect(try s.ingest(s.dataB, other).status == 0)
        let features = ["features", "--clickhouse", s.server.url, "--database", db.name, "--out", s.dir.file("f.csv")]
        #expect(try RestockProcess.run(features).status == 0)

        let train = SQLLiteral.qualifiedName(db.name, "order_products__train")
        try db.client.execute("RENAME TABLE \(train) TO \(SQLLiteral.qualifiedName(other.name, "kept")), "
                              + "\(SQLLiteral.qualifiedName(other.name, "order_products__train")) TO \(train)")
        let mixed = try RestockProcess.run(features)
        #expect(mixed.status != 0)
        #expect(mixed.stderr.contains("come from different ingests") && mixed.stderr.contains("run `restock ingest` again"), "\(mixed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.dir.file("f.csv.partial")))

        // Six tables without load ids (ingested by an older Restock) are read; one without among
        // five with is a mix.
        let legacy = try s.database("legacy")
        for table in IngestCommandTests.tables {
            let (from, to) = (SQLLiteral.qualifiedName(other.name, table == "order_products__train" ? "kept" : table),
                              SQLLiteral.qualifiedName(legacy.name, table))
            try legacy.client.execute("CREATE TABLE \(to) AS \(from)")
            try legacy.client.execute("ALTER TABLE \(to) DROP COLUMN _restock_load")
            try legacy.client.execute("INSERT INTO \(to) SELECT * FROM \(from)")
        }
        let legacyFeatures = ["features", "--clickhouse", s.server.url, "--database", legacy.name, "--out", s.dir.file("g.csv")]
        let read = try RestockProcess.run(legacyFeatures)
        #expect(read.status == 0, "\(read.stderr)")
        try legacy.client.execute("DROP TABLE \(SQLLiteral.qualifiedName(legacy.name, "aisles"))")
        try legacy.client.execute("CREATE TABLE \(SQLLiteral.qualifiedName(legacy.name, "aisles")) AS "
                                  + SQLLiteral.qualifiedName(db.name, "aisles"))
        let partly = try RestockProcess.run(legacyFeatures)
        #expect(partly.status != 0 && partly.stderr.contains("aisles: "), "\(partly.stderr)")

        // The next ingest repairs the mix.
        #expect(try s.ingest(s.dataA, db).status == 0)
        #expect(try RestockProcess.run(features).status == 0)
    }

    /// Two ingests of different folders into one database at once, three rounds: both finish (the
    /// second waits for the lock), the tables hold one folder whole, the server stays up, and
    /// nothing is left behind. With --lock-wait 0 the second refuses, naming the holder.
    @Test func concurrentIngestsSerializeOnTheLock() throws {
        let s = try Setup(users: 200)
        let refA = try s.database("conc_ref_a"), refB = try s.database("conc_ref_b")
        #expect(try s.ingest(s.dataA, refA).status == 0)
        #expect(try s.ingest(s.dataB, refB).status == 0)
        let (a, b) = (try IngestCommandTests.fingerprints(refA), try IngestCommandTests.fingerprints(refB))
        let db = try s.database("conc")
        for round in 0..<3 {
            let results = Results()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let result = try? s.ingest(i == 0 ? s.dataA : s.dataB, db)
                results.set(i, result?.status ?? -1, result?.stderr ?? "")
            }
            #expect(results.statuses == [0, 0], "round \(round): \(results.messages)")
            let state = try IngestCommandTests.fingerprints(db)
            #expect(state == a || state == b, "round \(round): the tables hold a mix")
            #expect(try db.client.queryText("SELECT 1") == "1\n")
            #expect(try db.tableNames() == IngestCommandTests.tables.sorted())
        }

        let resume = s.dir.file("resume")
        let holder = try RunningRestock(["ingest", "--data", s.dataA, "--clickhouse", s.server.url, "--database", db.name],
                                        environment: ["RESTOCK_FAULT_AT": "mid-load:pause", "RESTOCK_FAULT_RESUME_FILE": resume])
        #expect(holder.waitForStderr(containing: "fault point mid-load reached", timeout: 120))
        let refused = try s.ingest(s.dataB, db, ["--lock-wait", "0"])
        _ = FileManager.default.createFile(atPath: resume, contents: nil)
        #expect(holder.wait() == 0)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lock table \(db.name).restock_ingest__lock is held by run")
                && refused.stderr.contains("nothing was changed"), "\(refused.stderr)")
        #expect(try IngestCommandTests.fingerprints(db) == a)
    }
}

/// Finding 10: a --to-table that is one of Restock's own names (a stage, load, old or lock table, a
/// feature step's table, one of the six Instacart tables) is refused before any work.
struct ReservedToTableNameTests {
    @Test(arguments: ["aisles__stage", "scores__stage_1", "x__load_1a2b3c4d", "x__old_1", "scores__lock", "restock_tmp_1_uo",
                      "orders", "order_products__prior"])
    func reservedToTableNamesAreRefused(name: String) throws {
        for command in ["score", "recommend"] {
            let result = try RestockProcess.run([command, "--model", "/nonexistent.rf", "--clickhouse", "http://127.0.0.1:9",
                                                 "--to-table", name])
            #expect(result.status == 64, "\(command) \(name): \(result.stderr)")
            #expect(result.stderr.contains("--to-table \(name) is refused"), "\(command) \(name): \(result.stderr)")
        }
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: (Int32, String)] = [:]

    func set(_ i: Int, _ status: Int32, _ message: String) {
        lock.lock(); defer { lock.unlock() }
        values[i] = (status, message)
    }

    var statuses: [Int32] { lock.lock(); defer { lock.unlock() }; return (0..<2).map { values[$0]?.0 ?? -1 } }
    var messages: String { lock.lock(); defer { lock.unlock() }; return (0..<2).map { values[$0]?.1 ?? "" }.joined(separator: " / ") }
}
