import Features
import Testing
import TestSupport
@testable import Stream

/// PublishRun's error handling, with a recording publisher (the real log is JetStreamLogTests').
@Suite struct PublishRunTests {
    final class RecordingPublisher: OrderLogPublisher {
        var ids: [String] = []
        var flushes: [Int] = []
        var failFlushAt: Int?

        func publish(_ payload: [UInt8], id: String) throws { ids.append(id) }
        func flush() throws {
            flushes.append(ids.count)
            if let failFlushAt, ids.count >= failFlushAt { throw NATSError(kind: .publish, message: "message \(ids[failFlushAt - 1]) was not stored") }
        }
        func publishDeadLetter(_ payload: [UInt8], reason: String, position: LogPosition) throws {}
    }

    static func feed() throws -> OrderFeed {
        let (dir, _) = try GeneratedData.make(users: 30, seed: 2)
        return OrderFeed(data: try InstacartReader.read(directory: dir.path))
    }

    @Test func publishesEveryEventByOrderIDAndFlushesPeriodicallyAndAtTheEnd() throws {
        let feed = try Self.feed()
        let publisher = RecordingPublisher()
        var run = PublishRun(feed: feed)
        run.flushEvery = 100
        let summary = try run.run(into: publisher)
        #expect(publisher.ids == (0..<feed.count).map { String(feed.event(at: $0).orderID) })
        #expect(publisher.flushes == Array(stride(from: 100, through: feed.count, by: 100)) + [feed.count])
        #expect(summary.events == feed.count)
        #expect(summary.lines == feed.lineCount)
    }

    @Test func aFailedFlushStopsTheRunWithItsError() throws {
        let feed = try Self.feed()
        let publisher = RecordingPublisher()
        publisher.failFlushAt = 150
        var run = PublishRun(feed: feed)
        run.flushEvery = 100
        #expect(throws: NATSError.self) { try run.run(into: publisher) }
        #expect(publisher.ids.count == 200)    // stopped at the first flush that saw the failure
    }
}
