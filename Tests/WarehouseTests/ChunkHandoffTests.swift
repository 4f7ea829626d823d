import Foundation
import Testing
@testable import Warehouse

/// The bounded handoff between the SELECT thread and the INSERT of `score --to-table`.
struct ChunkHandoffTests {
    @Test func itemsArriveInOrderAndThePutterWaitsForRoom() throws {
        let handoff = ChunkHandoff<Int>(capacity: 2)
        let done = DispatchSemaphore(value: 0)
        Thread {
            for i in 0..<1000 { try? handoff.put(i) }
            handoff.finish()
            done.signal()
        }.start()
        var got: [Int] = []
        while let item = try handoff.take() { got.append(item) }
        done.wait()
        #expect(got == Array(0..<1000))
    }

    @Test func theProducersErrorComesAfterItsItems() throws {
        struct Broken: Error {}
        let handoff = ChunkHandoff<Int>(capacity: 4)
        try handoff.put(1)
        try handoff.put(2)
        handoff.fail(Broken())
        #expect(try handoff.take() == 1)
        #expect(try handoff.take() == 2)
        #expect(throws: Broken.self) { _ = try handoff.take() }
    }

    @Test func cancelWakesABlockedPutter() throws {
        let handoff = ChunkHandoff<Int>(capacity: 1)
        try handoff.put(0)
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Thread {
            do { try handoff.put(1) } catch { outcome.set(error is CancellationError) }
            done.signal()
        }.start()
        usleep(20_000)
        handoff.cancel()
        done.wait()
        #expect(outcome.value == true)
    }
}

private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Bool?
    func set(_ value: Bool) { lock.lock(); stored = value; lock.unlock() }
    var value: Bool? { lock.lock(); defer { lock.unlock() }; return stored }
}
