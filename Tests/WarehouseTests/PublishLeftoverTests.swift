import ClickHouse
import Foundation
import TestSupport
import Testing
import Warehouse

/// What killed runs leave behind (issue 12, finding 10), and who removes it: the intermediate
/// feature tables of a dead process, the stage tables of earlier versions, load and replaced
/// tables, and a lock whose holder is gone.
@Suite(ClickHouseFixture.enabled)
struct PublishLeftoverTests {
    /// The pid of a process that has ended.
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func featureTablesOfDeadRunsAreDroppedAndLiveOnesKept() throws {
        let db = try ClickHouseTestDatabase("restock_leftover_tmp")
        defer { db.drop() }
        let dead = RunOwner(runID: "0000dead", host: ProcessInfo.processInfo.hostName, pid: try Self.deadPID(), started: 0)
        let live = RunOwner(runID: "00000a1e", host: ProcessInfo.processInfo.hostName, pid: getpid(), started: 0)
        let otherHost = RunOwner(runID: "00000123", host: "some-other-host", pid: try Self.deadPID(), started: 0)
        let names = [dead, live, otherHost].map { FeatureTempTables.prefix(for: $0) + "_uo" } + ["restock_tmp_1a2b3c_uo"]
        for name in names {
            try db.client.execute("CREATE TABLE \(SQLLiteral.qualifiedName(db.name, name)) (x UInt8) ENGINE = Memory")
        }
        let dropped = try FeatureTempTables.dropDead(db.client, database: db.name)
        #expect(dropped == [names[0]])
        #expect(try db.tableNames() == names.dropFirst().sorted(), "a live run's, another host's and a fresh legacy table stay")
    }

    @Test func ingestRemovesLeftoversOfKilledRunsAndAStaleLock() throws {
        let (dir, data) = try ClickHouseFixture.generated(users: 50, seed: 5)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_leftover_ingest")
        defer { db.drop() }
        _ = try InstacartIngest(client: db.client, database: db.name).run(data)
        let expected = try ClickHouseFixture.fingerprints(db)
        let stale = RunOwner(runID: "0000dead", host: ProcessInfo.processInfo.hostName, pid: try Self.deadPID(), started: 0)
        try PublishLock(database: db.name, name: InstacartIngest.lockName, owner: stale).acquire(db.client, wait: 0)
        for name in ["aisles__stage", "orders__load_0000dead", "products__old_0000dead", FeatureTempTables.prefix(for: stale) + "_up"] {
            try db.client.execute("CREATE TABLE \(SQLLiteral.qualifiedName(db.name, name)) (x UInt8) ENGINE = Memory")
        }
        let messages = Messages()
        var ingest = InstacartIngest(client: db.client, database: db.name)
        ingest.lockWait = 0
        ingest.progress = { messages.add($0) }
        _ = try ingest.run(data)
        #expect(try db.tableNames() == InstacartSchema.tables.map(\.name).sorted())
        #expect(try ClickHouseFixture.fingerprints(db) == expected)
        #expect(messages.text.contains("broke the stale lock"), "\(messages.text)")
    }

    @Test func aLiveLockIsWaitedForThenRefusedNamingItsHolder() throws {
        let db = try ClickHouseTestDatabase("restock_leftover_lock")
        defer { db.drop() }
        let holder = RunOwner(runID: "00001ive", host: ProcessInfo.processInfo.hostName, pid: getppid(), started: 0)
        let lock = PublishLock(database: db.name, name: "scores__lock", owner: holder)
        try lock.acquire(db.client, wait: 0)
        let table = ModelVersionTable.predictions(database: db.name, name: "scores")
        #expect(throws: PublishError.lockHeld(lock: "\(db.name).scores__lock", holder: holder.description, waited: 0.3)) {
            _ = try table.begin(db.client, version: "rf-1", lockWait: 0.3)
        }
        lock.release(db.client)
        let publication = try table.begin(db.client, version: "rf-1", lockWait: 0)
        try publication.publish(db.client, rowsSent: 0)
        #expect(try db.tableNames() == ["scores"])
    }

    @Test func reservedTableNamesAreRefusedBeforeAnyWork() throws {
        for name in ["aisles__stage", "t__load_1", "t__old_1", "t__lock", "restock_tmp_x", "orders", "ORDERS"] {
            #expect(ReservedNames.problem(table: name) != nil, "\(name)")
            #expect(throws: PublishError.self) {
                _ = try ModelVersionTable.predictions(database: "nowhere", name: name)
                    .begin(ClickHouseClient(configuration: ClickHouseConfiguration(url: "http://127.0.0.1:9")), version: "v")
            }
        }
        for name in ["scores", "orders_stage", "stock_recommendations"] { #expect(ReservedNames.problem(table: name) == nil, "\(name)") }
    }
}

private final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: "\n") }
}
