import ClickHouse
import Foundation
import Testing
import TestSupport

/// Fault tests of the three publishing paths (`ingest`, `score --to-table`, `recommend --to-table`)
/// against a ClickHouse server of the suite's own (it kills and restarts it, so never the shared
/// test server). Each case starts from a database in a known "old" state, runs the command with
/// the hidden `RESTOCK_FAULT_AT=<step>:kill|pause`, applies the fault at that step (the client
/// kills itself; or the server is killed with SIGKILL and started again; or stopped cleanly and
/// started again, then the paused client resumes), and checks that the published tables hold
/// exactly the old or exactly the new content (count and content hash per table), again after one
/// more server restart, and that a rerun then succeeds, publishes the new content and leaves no
/// load, old, lock or intermediate table behind. Each test prints its rows of the fault matrix
/// (`scripts/bench/fault_matrix` collects them).
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)))
struct PublishFaultTests {
    enum Fault: String, CaseIterable, Sendable {
        case killClient = "kill -9 client"
        case killServer = "kill -9 server"
        case restartServer = "restart server"
    }

    static let steps = ["before-load", "mid-load", "after-check", "after-publish"]

    /// A private server with two generated data sets (A, B) ingested into template databases, two
    /// models trained on A, and the published tables of A (two model versions each).
    final class Lab: @unchecked Sendable {
        let server: ThrowawayClickHouseServer
        let dir: TemporaryDirectory
        let dataA: String, dataB: String, modelA: String, modelB: String
        let templateA: ClickHouseTestDatabase, templateB: ClickHouseTestDatabase

        init(users: Int = 200) throws {
            server = try ThrowawayClickHouseServer()
            dir = try TemporaryDirectory(prefix: "restock-fault")
            dataA = dir.file("a")
            dataB = dir.file("b")
            modelA = dir.file("a.rf")
            modelB = dir.file("b.rf")
            templateA = try ClickHouseTestDatabase("fault_tpl_a", url: server.url)
            templateB = try ClickHouseTestDatabase("fault_tpl_b", url: server.url)
            try check(restock(["generate", "--users", String(users), "--seed", "61", "--out", dataA]))
            try check(restock(["generate", "--users", String(users), "--seed", "62", "--out", dataB]))
            try check(restock(["ingest", "--data", dataA, "--clickhouse", server.url, "--database", templateA.name]))
            try check(restock(["ingest", "--data", dataB, "--clickhouse", server.url, "--database", templateB.name]))
            for (model, trees) in [(modelA, "3"), (modelB, "4")] {
                try check(restock(["train", "--clickhouse", server.url, "--database", templateA.name, "--model", model,
                                   "--trees", trees, "--quiet", "--permutation-rows", "0"]))
                try check(restock(["score", "--model", model, "--clickhouse", server.url, "--database", templateA.name,
                                   "--to-table", "scores"]))
                try check(restock(["recommend", "--model", model, "--clickhouse", server.url, "--database", templateA.name,
                                   "--to-table", "stock", "--top", "0"]))
            }
        }

        deinit {
            server.stop()
            dir.remove()
        }

        func restock(_ arguments: [String], environment: [String: String] = [:]) throws -> RestockProcess.Result {
            try RestockProcess.run(arguments, environment: environment)
        }

        func check(_ result: RestockProcess.Result) throws {
            if result.status != 0 { throw SetupError(message: "setup command failed: \(result.stderr)") }
        }

        /// Copies `tables` of `source` into `target` (same DDL, load marker included).
        func copy(_ tables: [String], from source: ClickHouseTestDatabase, to target: ClickHouseTestDatabase) throws {
            for table in tables {
                let (from, to) = (SQLLiteral.qualifiedName(source.name, table), SQLLiteral.qualifiedName(target.name, table))
                try target.client.execute("CREATE TABLE \(to) AS \(from)")
                try target.client.execute("INSERT INTO \(to) SELECT * FROM \(from)")
            }
        }
    }

    /// One publishing path: its command, the tables it publishes and what a case database starts with.
    struct Path: Sendable {
        let name: String
        /// The command with DB for the database.
        let command: [String]
        let published: [String]
        /// Tables copied from template A and from template B into a case database.
        let fromA: [String], fromB: [String]

        static let six = IngestCommandTests.tables

        static func all(_ lab: Lab) -> [Path] {
            [Path(name: "ingest", command: ["ingest", "--data", lab.dataB, "--clickhouse", lab.server.url, "--database", "DB"],
                  published: six, fromA: six, fromB: []),
             Path(name: "score", command: ["score", "--model", lab.modelB, "--clickhouse", lab.server.url, "--database", "DB",
                                           "--to-table", "scores"],
                  published: ["scores"], fromA: ["scores"], fromB: six),
             Path(name: "recommend", command: ["recommend", "--model", lab.modelB, "--clickhouse", lab.server.url, "--database", "DB",
                                               "--to-table", "stock", "--top", "0"],
                  published: ["stock"], fromA: ["stock"], fromB: six)]
        }

        func arguments(_ db: ClickHouseTestDatabase) -> [String] { command.map { $0 == "DB" ? db.name : $0 } }

        /// A database in the state before the run.
        func oldDatabase(_ lab: Lab) throws -> ClickHouseTestDatabase {
            let db = try ClickHouseTestDatabase("fault_\(name)", url: lab.server.url)
            try lab.copy(fromA, from: lab.templateA, to: db)
            try lab.copy(fromB, from: lab.templateB, to: db)
            return db
        }

        /// Count and content hash of each published table (per model version for a model table).
        func state(_ db: ClickHouseTestDatabase) throws -> [String] {
            if name == "ingest" { return try IngestCommandTests.fingerprints(db) }
            return try published.map { table in
                try db.client.queryText("SELECT model_version, count(), sum(cityHash64(*)) FROM "
                                        + "\(SQLLiteral.qualifiedName(db.name, table)) GROUP BY model_version ORDER BY model_version")
            }
        }

        /// The tables a database holds after a clean run: the six and the published ones.
        var expectedTables: [String] { Array(Set(Self.six + published)).sorted() }
    }

    /// old and new state of a path: before the run, and after a clean run in a copy.
    static func references(_ path: Path, _ lab: Lab) throws -> (old: [String], new: [String]) {
        let db = try path.oldDatabase(lab)
        defer { db.drop() }
        let old = try path.state(db)
        try lab.check(lab.restock(path.arguments(db)))
        let new = try path.state(db)
        #expect(old != new, "the run must change the published content for the test to tell old from new")
        return (old, new)
    }

    /// Runs the whole matrix of one path and returns its rows.
    static func matrix(_ pathName: String) throws -> [String] {
        let lab = try Lab()
        let path = Path.all(lab).first { $0.name == pathName }!
        let (old, new) = try references(path, lab)
        func verdict(_ state: [String]) -> String { state == old ? "old" : state == new ? "new" : "MIXED" }
        var rows: [String] = []
        var index = 0
        for step in steps {
            for fault in Fault.allCases {
                index += 1
                var faultName = fault.rawValue
                let db = try path.oldDatabase(lab)
                defer { db.drop() }
                let resume = lab.dir.file("resume-\(index)")
                let running = try RunningRestock(path.arguments(db), environment: [
                    "RESTOCK_FAULT_AT": "\(step):\(fault == .killClient ? "kill" : "pause")", "RESTOCK_FAULT_RESUME_FILE": resume,
                ])
                let reached = running.waitForStderr(containing: "fault point \(step) reached", timeout: 300)
                #expect(reached, "\(path.name) \(step) \(fault.rawValue): the run never reached the step: \(running.stderr)")
                switch fault {
                case .killClient: break  // the client killed itself at the step
                case .killServer:
                    try lab.server.killHard()
                    try lab.server.restart()
                case .restartServer:
                    // A server busy with an open INSERT takes 10 to 20 s to stop; past 20 s scripts/clickhouse kills it.
                    if !(try lab.server.restartCleanly()) { faultName += " (stop forced after 20 s)" }
                }
                _ = FileManager.default.createFile(atPath: resume, contents: nil)
                let status = running.wait()
                let afterFault = verdict(try path.state(db))
                try lab.server.killHard()
                try lab.server.restart()
                let afterRestart = verdict(try path.state(db))
                let rerun = try lab.restock(path.arguments(db))
                let final = verdict(try path.state(db))
                let leftovers = try db.tableNames().filter { !path.expectedTables.contains($0) }
                #expect(afterFault != "MIXED" && afterRestart == afterFault,
                        "\(path.name) \(step) \(fault.rawValue): \(afterFault) after the fault, \(afterRestart) after a restart")
                #expect(rerun.status == 0 && final == "new", "\(path.name) \(step) \(fault.rawValue): rerun \(rerun.status) \(rerun.stderr)")
                #expect(leftovers.isEmpty, "\(path.name) \(step) \(fault.rawValue): left \(leftovers)")
                let client = fault == .killClient ? "killed" : "exit \(status)"
                rows.append("| \(path.name) | \(step) | \(faultName) | \(client) | \(afterFault) | \(afterRestart) | "
                            + "\(rerun.status == 0 ? "ok" : "exit \(rerun.status)"), \(final)\(leftovers.isEmpty ? "" : ", left \(leftovers)") |")
            }
        }
        print(rows.map { "FAULT-MATRIX " + $0 }.joined(separator: "\n"))
        return rows
    }

    @Test func ingestFaultMatrix() throws {
        #expect(try Self.matrix("ingest").count == 12)
    }

    @Test func scoreToTableFaultMatrix() throws {
        #expect(try Self.matrix("score").count == 12)
    }

    @Test func recommendToTableFaultMatrix() throws {
        #expect(try Self.matrix("recommend").count == 12)
    }
}

struct SetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
