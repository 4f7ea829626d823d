import ClickHouse
import Foundation
import Testing
import TestSupport

/// `restock score` and `restock recommend` with `--clickhouse` end to end, against the test server.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)))
struct ScoreClickHouseCommandTests {
    /// A generated folder ingested into a fresh database, and a model trained on the folder.
    final class Setup {
        let dir: TemporaryDirectory
        let data: String
        let model: String
        let db: ClickHouseTestDatabase
        let url = ClickHouseTestDatabase.url!

        init(users: Int, seed: Int) throws {
            dir = try TemporaryDirectory(prefix: "restock-cli-chscore")
            data = dir.file("data")
            model = dir.file("m.rf")
            db = try ClickHouseTestDatabase("restock_cli_chscore")
            let generated = try RestockProcess.run(["generate", "--users", String(users), "--seed", String(seed), "--out", data])
            #expect(generated.status == 0, "\(generated.stderr)")
            let ingested = try RestockProcess.run(["ingest", "--data", data, "--clickhouse", url, "--database", db.name])
            #expect(ingested.status == 0, "\(ingested.stderr)")
            let trained = try RestockProcess.run(["train", "--clickhouse", url, "--database", db.name, "--model", model,
                                                  "--trees", "4", "--quiet", "--permutation-rows", "0"])
            #expect(trained.status == 0, "\(trained.stderr)")
        }

        deinit {
            db.drop()
            dir.remove()
        }

        func restock(_ arguments: [String]) throws -> RestockProcess.Result {
            try RestockProcess.run(arguments.map { $0 == "URL" ? url : $0 == "DB" ? db.name : $0 })
        }

        func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

        /// Per model version: count and content hash of `table`.
        func fingerprint(_ table: String) throws -> String {
            try db.client.queryText("SELECT model_version, count(), sum(cityHash64(*)) FROM \(SQLLiteral.qualifiedName(db.name, table)) "
                                    + "GROUP BY model_version ORDER BY model_version")
        }
    }

    @Test func scoreToATableTwiceHoldsTheRowsOfTheFolderOnce() throws {
        let s = try Setup(users: 200, seed: 71)
        let fromFolder = try s.restock(["score", "--model", s.model, "--data", s.data, "--out", s.dir.file("a.csv")])
        #expect(fromFolder.status == 0, "\(fromFolder.stderr)")
        let fromClickHouse = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB",
                                            "--out", s.dir.file("b.csv"), "--chunk-rows", "999"])
        #expect(fromClickHouse.status == 0, "\(fromClickHouse.stderr)")
        let csv = try s.text(s.dir.file("a.csv"))
        #expect(try s.text(s.dir.file("b.csv")) == csv)

        for _ in 0..<2 {
            let run = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "predictions"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("published"), "\(run.stderr)")
        }
        // The table, printed as the CSV prints it, is the CSV.
        let table = try s.db.client.queryText(
            "SELECT user_id, product_id, probability FROM \(SQLLiteral.qualifiedName(s.db.name, "predictions")) "
                + "ORDER BY user_id, product_id FORMAT CSV")
        let lines = csv.split(separator: "\n").dropFirst()
        let rows = table.split(separator: "\n")
        #expect(rows.count == lines.count && rows.count > 5000)
        for (line, row) in zip(lines, rows) {
            let a = line.split(separator: ","), b = row.split(separator: ",")
            guard a[0] == b[0], a[1] == b[1], let p = Double(a[2]), let q = Float(b[2]), abs(Double(q) - p) <= 5e-6 * max(p, 1e-3) else {
                Issue.record("CSV line \(line) against table row \(row)")
                break
            }
        }
    }

    @Test func scoreRejectsBadTargetsAndAFailedUploadChangesNothing() throws {
        let s = try Setup(users: 80, seed: 73)
        let noServer = try s.restock(["score", "--model", s.model, "--data", s.data, "--to-table", "predictions"])
        #expect(noServer.status != 0 && noServer.stderr.contains("--to-table needs --clickhouse"), "\(noServer.stderr)")
        let badName = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "x-y"])
        #expect(badName.status != 0 && badName.stderr.contains("--to-table must be a table name"), "\(badName.stderr)")
        let both = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "t",
                                  "--out", "-"])
        #expect(both.status != 0 && both.stderr.contains("exactly one of --out FILE and --to-table NAME"), "\(both.stderr)")

        let first = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "scores"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try s.fingerprint("scores")
        let cut = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "scores",
                                 "--fail-after-rows", "100", "--chunk-rows", "50"])
        #expect(cut.status != 0 && cut.stderr.contains("rror: injected fault"), "\(cut.stderr)")
        #expect(try s.fingerprint("scores") == before)
    }

    /// The client is SIGKILLed with its upload open (more than 1 MiB of it sent): the published
    /// rows stay as they were, and the next run drops the stale load table and lock and publishes once.
    @Test func killedClientMidUploadLeavesTheTableAsItWas() throws {
        let s = try Setup(users: 800, seed: 77)
        let first = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "scores"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try s.fingerprint("scores")
        let running = try RunningRestock(["score", "--model", s.model, "--clickhouse", s.url, "--database", s.db.name,
                                          "--to-table", "scores", "--pause-after-rows", "45000"])
        let paused = running.waitForStderr(containing: "upload paused", timeout: 120)
        running.kill()
        #expect(paused, "the upload never paused: \(running.stderr)")
        #expect(try s.fingerprint("scores") == before)
        #expect(try s.db.tableNames().contains { $0.hasPrefix("scores__load_") }, "a killed client cannot drop its load table")
        let again = try s.restock(["score", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table", "scores"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try s.fingerprint("scores") == before)
        #expect(try !s.db.tableNames().contains { $0.hasPrefix("scores__load_") })
    }

    @Test func recommendFromClickHouseEqualsTheFolderAndPublishes() throws {
        let s = try Setup(users: 150, seed: 75)
        let fromFolder = try s.restock(["recommend", "--model", s.model, "--data", s.data, "--out", s.dir.file("a.csv"), "--top", "0"])
        #expect(fromFolder.status == 0, "\(fromFolder.stderr)")
        let fromClickHouse = try s.restock(["recommend", "--model", s.model, "--clickhouse", "URL", "--database", "DB",
                                            "--out", s.dir.file("b.csv"), "--top", "3"])
        #expect(fromClickHouse.status == 0, "\(fromClickHouse.stderr)")
        #expect(fromClickHouse.stdout.contains("top 3 of"))
        let csv = try s.text(s.dir.file("a.csv"))
        #expect(try s.text(s.dir.file("b.csv")) == csv)
        for _ in 0..<2 {
            let run = try s.restock(["recommend", "--model", s.model, "--clickhouse", "URL", "--database", "DB",
                                     "--to-table", "stock_recommendations", "--top", "0"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let count = try s.db.client.queryText("SELECT count() FROM \(SQLLiteral.qualifiedName(s.db.name, "stock_recommendations"))")
        #expect(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) == csv.split(separator: "\n").count - 1)
        let basketsFromFolder = try s.restock(["recommend", "--model", s.model, "--data", s.data, "--out", s.dir.file("c.csv"),
                                               "--baskets", s.dir.file("a-baskets.csv"), "--horizon", "test", "--top", "0"])
        #expect(basketsFromFolder.status == 0, "\(basketsFromFolder.stderr)")
        let baskets = try s.restock(["recommend", "--model", s.model, "--clickhouse", "URL", "--database", "DB", "--to-table",
                                     "test_stock", "--baskets", s.dir.file("b-baskets.csv"), "--horizon", "test", "--top", "0"])
        #expect(baskets.status == 0, "\(baskets.stderr)")
        #expect(try s.text(s.dir.file("b-baskets.csv")) == s.text(s.dir.file("a-baskets.csv")))
    }
}
