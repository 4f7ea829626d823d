import ClickHouse
@testable import Features
import Foundation
import Tabular
import TestSupport
import Testing
import Warehouse

/// `restock ingest` against a real server: what it loads, that re-running replaces, and that every
/// failure before the swap leaves the live tables exactly as they were.
@Suite(ClickHouseFixture.enabled)
struct InstacartIngestTests {
    @Test func ingestLoadsEveryFileAndRerunReplacesInsteadOfAppending() throws {
        let (dirA, dataA) = try ClickHouseFixture.generated(users: 300, seed: 11)
        let (dirB, dataB) = try ClickHouseFixture.generated(users: 200, seed: 12)
        defer { dirA.remove(); dirB.remove() }
        let db = try ClickHouseTestDatabase("restock_ingest")
        defer { db.drop() }
        var ingest = InstacartIngest(client: db.client, database: db.name)
        ingest.splitRows = 5_000  // big tables as concurrent INSERTs of row ranges
        let summary = try ingest.run(directory: dirA.path)
        #expect(Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.table, $0.rows) }) == ClickHouseFixture.counts(dataA))
        let first = try ClickHouseFixture.fingerprints(db)
        for (table, rows) in ClickHouseFixture.counts(dataA) { #expect(first[table]?.hasPrefix("\(rows)\t") == true, "\(table)") }
        #expect(try db.tableNames() == InstacartSchema.tables.map(\.name).sorted(), "no stage table is left behind")

        _ = try ingest.run(directory: dirA.path)
        #expect(try ClickHouseFixture.fingerprints(db) == first, "the same files again: the same content, nothing doubled")

        _ = try ingest.run(directory: dirB.path)
        #expect(try ClickHouseFixture.fingerprints(db) == ClickHouseFixture.expectedFingerprints(dataB), "other files replace the content")
    }

    @Test func nullDaysStayNullAndEvalSetKeepsItsCodes() throws {
        let (dir, data) = try ClickHouseFixture.generated(users: 50, seed: 3)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_ingest_values")
        defer { db.drop() }
        _ = try InstacartIngest(client: db.client, database: db.name).run(data)
        let text = try db.client.queryText("SELECT countIf(days_since_prior_order IS NULL), countIf(eval_set = 'test'), "
            + "countIf(eval_set = 'train') FROM \(SQLLiteral.qualifiedName(db.name, "orders"))")
        let counts = data.orders.evalSetCounts()
        let nulls = data.orders.daysSincePrior.filter(\.isNaN).count
        #expect(text == "\(nulls)\t\(counts[2])\t\(counts[1])\n")
        #expect(nulls > 0)
    }

    @Test func badFileFailsBeforeAnythingIsWritten() throws {
        let (dir, _) = try ClickHouseFixture.generated(users: 300, seed: 21)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_ingest_bad")
        defer { db.drop() }
        let ingest = InstacartIngest(client: db.client, database: db.name)
        _ = try ingest.run(directory: dir.path)
        let before = try ClickHouseFixture.fingerprints(db)
        // Break one line in the middle of the prior file.
        let path = dir.file(InstacartLayout.priorProducts)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let fields = lines[lines.count / 2].split(separator: ",")
        lines[lines.count / 2] = "\(fields[0]),notanumber,\(fields[2]),\(fields[3])"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CSVError.self) { try ingest.run(directory: dir.path) }
        #expect(try ClickHouseFixture.fingerprints(db) == before)
        #expect(try db.tableNames() == InstacartSchema.tables.map(\.name).sorted(), "not even a stage table was created")
    }

    @Test func liveTableWithAnotherStructureIsRefusedAndLeftAlone() throws {
        let (dir, _) = try ClickHouseFixture.generated(users: 50, seed: 4)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_ingest_structure")
        defer { db.drop() }
        let orders = SQLLiteral.qualifiedName(db.name, "orders")
        try db.client.execute("CREATE TABLE \(orders) (order_id UInt64, note String) ENGINE = MergeTree() ORDER BY order_id")
        try db.client.execute("INSERT INTO \(orders) VALUES (1, 'keep me')")
        do {
            _ = try InstacartIngest(client: db.client, database: db.name).run(directory: dir.path)
            Issue.record("the ingest should have refused the orders table")
        } catch let error as InstacartIngestError {
            #expect(error.table == "orders")
            #expect(error.description.contains("order_id is UInt64, not UInt32"))
            #expect(error.description.contains("extra column note"))
        }
        #expect(try db.client.queryText("SELECT note FROM \(orders)") == "keep me\n")
    }

    /// The server is killed (SIGKILL) while the INSERT into the prior stage table is under way, then
    /// started again on the same data folder: the live tables hold the previous ingest, and a new run
    /// completes.
    @Test func killedServerMidLoadLeavesLiveTablesAsTheyWere() throws {
        let (dirA, dataA) = try ClickHouseFixture.generated(users: 300, seed: 31)
        let (dirB, dataB) = try ClickHouseFixture.generated(users: 300, seed: 32)
        defer { dirA.remove(); dirB.remove() }
        let server = try ThrowawayClickHouseServer()
        defer { server.stop() }
        let db = try ClickHouseTestDatabase("restock_ingest_kill", url: server.url)
        _ = try InstacartIngest(client: db.client, database: db.name).run(dataA)
        let before = try ClickHouseFixture.fingerprints(db)

        var ingest = InstacartIngest(client: db.client, database: db.name)
        ingest.splitRows = 10_000  // the prior rows as two INSERTs at once: both are cut
        let killed = Flag()
        ingest.rowsWritten = { table, rows in
            guard table == InstacartSchema.priorProducts.name, rows >= 16384, killed.setOnce() else { return }
            try? server.killHard()
        }
        #expect(throws: (any Error).self) { try ingest.run(dataB) }
        #expect(killed.isSet)
        try server.restart()
        #expect(try ClickHouseFixture.fingerprints(db) == before)

        _ = try InstacartIngest(client: db.client, database: db.name).run(dataB)
        #expect(try ClickHouseFixture.fingerprints(db) == ClickHouseFixture.expectedFingerprints(dataB, url: server.url))
    }
}

/// A flag that several threads may try to set; exactly one succeeds.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// Sets the flag; true for the one caller that set it.
    func setOnce() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if value { return false }
        value = true
        return true
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
