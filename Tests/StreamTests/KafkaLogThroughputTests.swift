import Foundation
import Testing
import TestSupport
@testable import Stream

/// Produce and consume throughput of KafkaLog against librdkafka's mock broker: a measurement,
/// run only when RESTOCK_KAFKA_THROUGHPUT gives the event count (e.g. 100000). It checks that every
/// event came back once and in order, and prints the rates; it asserts no rate.
@Suite(.enabled(if: kafkaThroughputEvents > 0, "set RESTOCK_KAFKA_THROUGHPUT=N to measure"))
struct KafkaLogThroughputTests {
    static var events: Int { kafkaThroughputEvents }

    @Test func produceAndConsumeRates() throws {
        let count = Self.events
        let broker = try ThrowawayKafkaBroker()
        defer { broker.stop() }
        let log = KafkaLog(brokers: broker.brokers, topic: "throughput")
        // A typical event: an order of 10 products (about 230 bytes of JSON).
        var lines: [OrderLine] = []
        for k in 1...10 { lines.append(OrderLine(productID: Int32(1000 + k), addToCartOrder: Int16(k), reordered: k % 2 == 0)) }
        let event = OrderEvent(orderID: 0, userID: 1, orderNumber: 4, dow: 2, hour: 8, daysSincePrior: 7, lines: lines)
        let payloads = (0..<count).map { i -> [UInt8] in
            var e = event
            e.orderID = Int32(i + 1)
            return OrderEventJSON.encode(e)
        }
        // The mock broker keeps only the newest ~5 MB of each partition (it prunes older messages),
        // so the events go in rounds of 10,000 (2.5 MB): publish and flush a round, then consume it.
        let clock = ContinuousClock()
        let publisher = try log.openPublisher()
        let consumer = try log.openConsumer(group: "throughput")
        // Join the group (the first fetch waits for the assignment) before timing anything.
        try publisher.publish(Array("warm-up".utf8), id: "0")
        try publisher.flush()
        var warmUp: [LogMessage] = []
        for _ in 0..<30 where warmUp.isEmpty { warmUp = try consumer.fetch(max: 1, maxWait: 1) }
        try consumer.acknowledge(warmUp)
        var produceSeconds = 0.0, consumeSeconds = 0.0
        var received = 0
        var inOrder = true
        for round in stride(from: 0, to: count, by: 10_000) {
            let end = min(count, round + 10_000)
            let produceStart = clock.now
            for i in round..<end { try publisher.publish(payloads[i], id: String(i + 1)) }
            try publisher.flush()
            produceSeconds += Self.seconds(clock.now - produceStart)
            let consumeStart = clock.now
            var idle = 0
            while received < end && idle < 20 {
                let batch = try consumer.fetch(max: 5_000, maxWait: 1)
                idle = batch.isEmpty ? idle + 1 : 0
                for message in batch {
                    inOrder = inOrder && received < count && message.payload == payloads[received]
                    received += 1
                }
                try consumer.acknowledge(batch)
            }
            consumeSeconds += Self.seconds(clock.now - consumeStart)
        }
        #expect(warmUp.count == 1)
        #expect(received == count)
        #expect(inOrder)
        print("kafka throughput: \(count) events of \(payloads[0].count) bytes: produce \(Int(Double(count) / produceSeconds)) events/s "
              + "(\(String(format: "%.2f", produceSeconds)) s), consume \(Int(Double(count) / consumeSeconds)) events/s "
              + "(\(String(format: "%.2f", consumeSeconds)) s, fetches of 5,000 each committed)")
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// RESTOCK_KAFKA_THROUGHPUT as a number, 0 when unset.
let kafkaThroughputEvents = Int(ProcessInfo.processInfo.environment["RESTOCK_KAFKA_THROUGHPUT"] ?? "") ?? 0
