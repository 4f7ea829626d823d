import ClickHouse
import Features
import Foundation
@testable import Serve
import Tabular
import TestSupport
import Testing
@testable import Warehouse

/// `score --clickhouse --to-table` as a library call against the test server: the scores equal the
/// file path's bit for bit, re-running replaces a model version's rows, other versions stay, and no
/// failure changes the live table.
@Suite(ClickHouseScoringFixture.enabled)
struct ClickHouseScoringTests {
    static func expectSameRows(_ a: [ScoredRow], _ b: [ScoredRow], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        if let i = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) {
            Issue.record("row \(i) differs: \(a[i]) against \(b[i])", sourceLocation: sourceLocation)
        }
    }

    @Test func scoresInTheTableEqualTheFilePathBitForBitAndRerunsDoNotDuplicate() throws {
        let f = try ClickHouseScoringFixture()
        let version = try f.version(f.modelA)
        let summary = try f.scoring(f.modelA).run()
        let expected = try f.expected(f.modelA)
        #expect(expected.count > 5000)
        #expect(summary.rows == expected.count && summary.chunks == (expected.count + 999) / 1000)
        #expect(summary.modelVersion == version)
        Self.expectSameRows(try f.rows(version: version), expected)
        let before = try f.fingerprint()

        let again = try f.scoring(f.modelA, chunkRows: 777).run()
        #expect(again.rows == expected.count)
        #expect(try f.fingerprint() == before, "the second run replaced the rows, not appended")
        #expect(try f.db.tableNames() == (InstacartSchema.tables.map(\.name) + ["predictions"]).sorted(),
                "no stage or intermediate table is left")
    }

    @Test func anotherModelVersionCoexistsAndSurvivesRerunsOfTheFirst() throws {
        let f = try ClickHouseScoringFixture()
        let (a, b) = (try f.version(f.modelA), try f.version(f.modelB))
        #expect(a != b)
        _ = try f.scoring(f.modelA).run()
        _ = try f.scoring(f.modelB).run()
        let rowsB = try f.rows(version: b)
        Self.expectSameRows(rowsB, try f.expected(f.modelB))
        _ = try f.scoring(f.modelA).run()
        Self.expectSameRows(try f.rows(version: b), rowsB)
        Self.expectSameRows(try f.rows(version: a), try f.expected(f.modelA))
        let table = ModelVersionTable.predictions(database: f.db.name, name: "predictions")
        #expect(try table.rowCount(f.db.client, version: a) == rowsB.count)
    }

    /// Each failure after the table exists: a model for other features, and an upload cut midway
    /// (inside its first 1 MiB, so the reset reaches the server before any row: see the next test
    /// for a cut after committed blocks), of this version and of another; and a cut first run into a
    /// new table. The published rows stay exactly as they were.
    @Test func failedRunsLeaveTheLiveTableAsItWas() throws {
        let f = try ClickHouseScoringFixture()
        _ = try f.scoring(f.modelA).run()
        let before = try f.fingerprint()

        let other = f.dir.file("other.rf")
        try ScoringFixture.model(trees: 3).write(to: other)
        #expect(throws: ScoringError.self) { _ = try f.scoring(other).run() }

        for model in [f.modelA, f.modelB] {
            var cut = f.scoring(model)
            cut.rowsWritten = InjectedFault.after(3000)
            cut.insertSettings = ClickHouseSettings(maxInsertBlockSize: 1000, minInsertBlockSizeRows: 0, minInsertBlockSizeBytes: 0)
            #expect(throws: InjectedFault(rows: 3000)) { _ = try cut.run() }
        }
        #expect(try f.fingerprint() == before)
        #expect(try f.db.tableNames() == (InstacartSchema.tables.map(\.name) + ["predictions"]).sorted())

        var fresh = f.scoring(f.modelA, into: "fresh")
        fresh.rowsWritten = InjectedFault.after(3000)
        #expect(throws: InjectedFault(rows: 3000)) { _ = try fresh.run() }
        #expect(try !f.db.tableNames().contains("fresh"), "a first run that failed published nothing")
        #expect(try f.db.tableNames() == (InstacartSchema.tables.map(\.name) + ["predictions"]).sorted(), "and left nothing behind")
    }

    /// An upload cut after the server committed blocks of it: the load table holds part of the rows (the
    /// partial-commit trap of INSERTs above one block), the live table none of them. 18.16 reads an
    /// INSERT body in 1 MiB pieces, so the cut comes after more than three of them.
    @Test func uploadCutAfterCommittedBlocksPublishesNothing() throws {
        let f = try ClickHouseScoringFixture(users: 2500, seed: 31)
        let total = try f.scoring(f.modelB, chunkRows: 65_536).run().rows
        #expect(total > 150_000, "more rows than four 1 MiB pieces of 43,690 rows of 24 bytes")
        let before = try f.fingerprint()
        var cut = f.scoring(f.modelB, chunkRows: 65_536)
        cut.insertSettings = ClickHouseSettings(maxInsertBlockSize: 10_000, minInsertBlockSizeRows: 0, minInsertBlockSizeBytes: 0)
        cut.dropsStageOnFailure = false
        cut.owner = RunOwner(runID: "0000cafe", host: "test", pid: 0, started: 0)
        let stage = SQLLiteral.qualifiedName(f.db.name, TableSwap.loadName("predictions", runID: "0000cafe"))
        let client = f.db.client
        @Sendable func staged() -> Int {
            Int((try? client.queryText("SELECT count() FROM \(stage)"))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        }
        // Wait until the server has written blocks of what it received before the upload is cut.
        cut.rowsWritten = { rows in
            guard rows >= 140_000 else { return }
            var polls = 0
            while polls < 400, staged() <= 0 { polls += 1; usleep(25_000) }
            throw InjectedFault(rows: rows)
        }
        #expect(throws: InjectedFault.self) { _ = try cut.run() }
        let stagedRows = staged()
        #expect(stagedRows > 0 && stagedRows < 140_000, "the server committed \(stagedRows) rows of the cut upload into the stage")
        #expect(try f.fingerprint() == before)
        _ = try f.scoring(f.modelB).run()
        #expect(try f.fingerprint() == before, "the next run drops the old load table")
        #expect(try f.db.tableNames() == (InstacartSchema.tables.map(\.name) + ["predictions"]).sorted())
    }

    @Test func aTableOfAnotherStructureIsRefusedAndLeftAlone() throws {
        let f = try ClickHouseScoringFixture(users: 60)
        let other = SQLLiteral.qualifiedName(f.db.name, "other")
        try f.db.client.execute("CREATE TABLE \(other) (user_id UInt32, product_id UInt32, score Float64, model_version String) "
                                + "ENGINE = MergeTree() PARTITION BY model_version ORDER BY (model_version, user_id, product_id)")
        try f.db.client.execute("INSERT INTO \(other) VALUES (1, 2, 0.5, 'x')")
        let unpartitioned = SQLLiteral.qualifiedName(f.db.name, "flat")
        try f.db.client.execute("CREATE TABLE \(unpartitioned) (user_id UInt32, product_id UInt32, probability Float32, "
                                + "model_version String) ENGINE = MergeTree() ORDER BY (user_id, product_id)")
        do {
            _ = try f.scoring(f.modelA, into: "other").run()
            Issue.record("a table with other columns was accepted")
        } catch let error as PublishError {
            #expect("\(error)".contains("no column probability; extra column score"), "\(error)")
        }
        do {
            _ = try f.scoring(f.modelA, into: "flat").run()
            Issue.record("an unpartitioned table was accepted")
        } catch let error as PublishError {
            #expect("\(error)".contains("partition key '', not model_version"), "\(error)")
        }
        #expect(try f.db.client.queryText("SELECT * FROM \(other)") == "1\t2\t0.5\tx\n")
        #expect(try f.db.tableNames() == (InstacartSchema.tables.map(\.name) + ["flat", "other"]).sorted())
    }

    @Test func scoresToAFileEqualTheFilePath() throws {
        let f = try ClickHouseScoringFixture(users: 80)
        let fromFiles = f.dir.file("files.csv"), fromClickHouse = f.dir.file("clickhouse.csv")
        _ = try ScoringRun(modelPath: f.modelB, input: .data(f.data), outPath: fromFiles, threads: 2).run()
        let run = ClickHouseScoringRun(modelPath: f.modelB, client: f.db.client, database: f.db.name,
                                       output: .file(fromClickHouse), threads: 2, chunkRows: 500)
        let summary = try run.run()
        let a = try Data(contentsOf: URL(fileURLWithPath: fromFiles)), b = try Data(contentsOf: URL(fileURLWithPath: fromClickHouse))
        #expect(a.count > 10_000 && a == b)
        #expect(summary.chunks > 1)
    }
}

/// The error the fault tests cut an upload with.
struct InjectedFault: Error, Equatable {
    let rows: Int

    /// A `rowsWritten` hook that throws once `limit` rows are written.
    static func after(_ limit: Int) -> @Sendable (Int) throws -> Void {
        { rows in if rows >= limit { throw InjectedFault(rows: rows) } }
    }
}
