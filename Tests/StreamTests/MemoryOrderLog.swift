import Foundation
import Stream

/// A small in-memory order log for the sink's tests: an append-only list of messages, one durable
/// cursor, explicit acknowledgements, and redelivery on demand (`redeliverUnacknowledged`, what
/// JetStream does after its ack wait or when a consumer is re-created from its ack floor). It also
/// records the dead letters. Not thread-safe: one stream run at a time.
final class MemoryOrderLog: OrderLogConsumer, OrderLogPublisher {
    private(set) var messages: [[UInt8]] = []
    private var deliveries: [Int] = []
    private var next = 0
    private var unacknowledged: Set<Int> = []
    private(set) var deadLetters: [(payload: [UInt8], reason: String, position: LogPosition)] = []
    /// Fail the next `failFetches` fetches (a broker outage).
    var failFetches = 0

    struct Outage: Error {}

    func append(_ payload: [UInt8]) {
        messages.append(payload)
        deliveries.append(0)
    }

    /// Every unacknowledged message is handed out again, in log order, before newer ones.
    func redeliverUnacknowledged() {
        if let first = unacknowledged.min() { next = min(next, first) }
    }

    var unacknowledgedCount: Int { unacknowledged.count }

    func fetch(max: Int, maxWait: Double) throws -> [LogMessage] {
        if failFetches > 0 {
            failFetches -= 1
            throw Outage()
        }
        var batch: [LogMessage] = []
        while next < messages.count && batch.count < max {
            let i = next
            next += 1
            if deliveries[i] > 0 && !unacknowledged.contains(i) { continue }  // acknowledged already
            deliveries[i] += 1
            unacknowledged.insert(i)
            batch.append(LogMessage(position: LogPosition(sequence: UInt64(i + 1)), deliveries: deliveries[i], payload: messages[i]))
        }
        return batch
    }

    func acknowledge(_ batch: [LogMessage]) throws {
        for message in batch { unacknowledged.remove(Int(message.position.sequence) - 1) }
    }

    func publish(_ payload: [UInt8], id: String) throws { append(payload) }
    func flush() throws {}
    func publishDeadLetter(_ payload: [UInt8], reason: String, position: LogPosition) throws {
        deadLetters.append((payload, reason, position))
    }
}
