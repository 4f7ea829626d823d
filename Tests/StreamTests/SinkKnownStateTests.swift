import ClickHouse
import Features
import Foundation
@testable import Stream
import Testing
import TestSupport
import Warehouse

/// The sink's known state (`SinkKnownState`) against a real ClickHouse: the tables' write marks
/// predict this consumer's own commits (so no batch needs a lookup), and any other write (an order
/// committed or orphan lines left behind the planner's back) makes `prepare` load the state again,
/// so the next batch is still decided against what the tables hold.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)), .serialized)
struct SinkKnownStateTests {
    static func messages(_ events: ArraySlice<OrderEvent>) -> [LogMessage] {
        events.enumerated().map { LogMessage(position: LogPosition(sequence: UInt64($0.offset + 1)), deliveries: 1,
                                             payload: OrderEventJSON.encode($0.element)) }
    }

    /// What `StreamRun.commit` writes: the lines, then the orders rows (`ordersToo` false: an attempt killed between them).
    static func write(_ events: [OrderEvent], _ tables: OrderSinkTables, ordersToo: Bool = true) throws {
        try tables.insertLines(events.filter { $0.evalSet == .prior }, into: InstacartSchema.priorProducts)
        try tables.insertLines(events.filter { $0.evalSet == .train }, into: InstacartSchema.trainProducts)
        if ordersToo { try tables.insertOrders(events) }
    }

    @Test func ownCommitsKeepTheStateAndOtherWritesReloadIt() throws {
        let f = try #require(StreamRunTests.fixture, "the stream fixture could not be built")
        let db = try f.historyDatabase()
        defer { db.drop() }
        let tables = OrderSinkTables(client: db.client, database: db.name)
        let planner = BatchPlanner(tables: tables, decode: { try OrderEventJSON.decode($0) })
        #expect(try planner.prepare())
        #expect(try planner.prepare() == false)
        let half = f.removed.count / 2
        try #require(half >= 3)
        // Two batches committed by the planner's own consumer: the marks follow, nothing is loaded again.
        for range in [0..<(half / 2), (half / 2)..<half] {
            let plan = try planner.plan(Self.messages(f.removed[range]))
            #expect(plan.appends.count == range.count && plan.duplicates == 0 && plan.deadLetters.isEmpty)
            try Self.write(plan.appends.map(\.event), tables)
            planner.committed(plan)
            #expect(try planner.prepare() == false)
        }
        // An order committed by another writer: loaded again, and that order is a duplicate.
        let foreign = f.removed[half]
        try Self.write([foreign], tables)
        #expect(try planner.prepare())
        let again = try planner.plan(Self.messages(f.removed[half...half]))
        #expect(again.appends.isEmpty && again.duplicates == 1)
        // Lines left without their orders row by an interrupted attempt of another process: only the
        // orders row is written. (The next order with lines; the ones before it committed first.)
        let o = try #require(f.removed.indices.first { $0 > half && !f.removed[$0].lines.isEmpty })
        if o > half + 1 {
            let before = try planner.plan(Self.messages(f.removed[(half + 1)..<o]))
            try Self.write(before.appends.map(\.event), tables)
            planner.committed(before)
        }
        try Self.write([f.removed[o]], tables, ordersToo: false)
        #expect(try planner.prepare())
        let completing = try planner.plan(Self.messages(f.removed[o...o]))
        #expect(completing.appends.count == 1 && completing.appends.first?.linesStored == true)
        try tables.insertOrders(completing.appends.map(\.event))
        planner.committed(completing)
        #expect(try planner.prepare() == false)
        // A mutation (another process deletes the orders row of an order this consumer committed):
        // loaded again, the order comes again and only its orders row is written; the first
        // INSERT after a mutation lands beyond the predicted block, which `calibrateIfNeeded` reads.
        let victim = f.removed[o]  // its user's latest committed order, with lines
        try db.client.execute("ALTER TABLE \(db.name).orders DELETE WHERE order_id = \(victim.orderID)")
        var polls = 0
        while polls < 200, try db.client.queryText("SELECT count() FROM system.mutations WHERE database = '\(db.name)' AND is_done = 0")
            .trimmingCharacters(in: .whitespacesAndNewlines) != "0" { polls += 1; usleep(50_000) }
        #expect(try planner.prepare())
        let redone = try planner.plan(Self.messages(f.removed[o...o]))
        #expect(redone.appends.count == 1 && redone.appends.first?.linesStored == true)
        try tables.insertOrders(redone.appends.map(\.event))
        planner.committed(redone)
        planner.calibrateIfNeeded()
        #expect(try planner.prepare() == false)
        // Everything else streamed by a run: the tables equal the batch ingest.
        let rest = StreamFixture.log(Array(f.removed[(o + 1)...]))
        _ = try f.run(rest, into: db).run()
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
    }
}
