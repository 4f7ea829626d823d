import Foundation
import Testing
import TestSupport
@testable import Stream

/// KafkaLog against librdkafka's mock Kafka cluster (scripts/kafka; not Apache Kafka): the one the
/// test script started (RESTOCK_KAFKA_BROKERS), or one of the test's own. Each test uses topics and
/// groups of its own, so the tests share a broker safely.
@Suite struct KafkaLogTests {
    /// Runs `body` with a broker address and a fresh topic name. Consumer groups are named after
    /// the topic: a group spans topics, so two tests sharing a group name would rebalance each other.
    func withBroker(_ body: (String, String) throws -> Void) throws {
        let topic = "orders-\(UUID().uuidString.prefix(8))"
        if let shared = ThrowawayKafkaBroker.shared { return try body(shared, topic) }
        let broker = try ThrowawayKafkaBroker()
        defer { broker.stop() }
        try body(broker.brokers, topic)
    }

    func payload(_ index: Int) -> [UInt8] { Array(#"{"order_id":\#(index),"user_id":\#(index % 97)}"#.utf8) }

    func publish(_ range: Range<Int>, to log: KafkaLog) throws {
        let publisher = try log.openPublisher()
        for index in range { try publisher.publish(payload(index), id: String(index)) }
        try publisher.flush()
        #expect(publisher.inFlight == 0)
    }

    /// Fetches until `count` messages arrived or 20 fetches in a row (1 s each) brought none.
    func drain(_ consumer: KafkaLogConsumer, count: Int) throws -> [LogMessage] {
        var messages: [LogMessage] = []
        var idle = 0
        while messages.count < count && idle < 20 {
            let batch = try consumer.fetch(max: min(500, count - messages.count), maxWait: 1)
            idle = batch.isEmpty ? idle + 1 : 0
            messages += batch
        }
        return messages
    }

    @Test func aGroupResumesAfterItsCommittedOffset() throws {
        try withBroker { brokers, topic in
            let log = KafkaLog(brokers: brokers, topic: topic, sessionTimeout: 6)
            try publish(0..<3000, to: log)
            let first = try log.openConsumer(group: "sink-\(topic)")
            let head = try drain(first, count: 1000)
            #expect(head.map(\.payload) == (0..<1000).map(payload))
            #expect(head.map(\.position) == (0..<1000).map { LogPosition(partition: 0, sequence: UInt64($0)) })
            #expect(head.allSatisfy { $0.deliveries == 1 })
            try first.acknowledge(head)
            first.close()

            let second = try log.openConsumer(group: "sink-\(topic)")
            let rest = try drain(second, count: 2000)
            #expect(rest.map(\.payload) == (1000..<3000).map(payload))
            try second.acknowledge(rest)
            #expect(try second.fetch(max: 10, maxWait: 1).isEmpty)
        }
    }

    @Test func uncommittedMessagesAreDeliveredAgainAfterReopening() throws {
        try withBroker { brokers, topic in
            let log = KafkaLog(brokers: brokers, topic: topic, sessionTimeout: 6)
            try publish(0..<500, to: log)
            let first = try log.openConsumer(group: "sink-\(topic)")
            let all = try drain(first, count: 500)
            #expect(all.count == 500)
            try first.acknowledge(Array(all.prefix(200)))
            first.close()

            let reopened = try log.openConsumer(group: "sink-\(topic)")
            let again = try drain(reopened, count: 300)
            #expect(again.map(\.payload) == (200..<500).map(payload))
            #expect(try reopened.fetch(max: 10, maxWait: 1).isEmpty)
        }
    }

    @Test func deadLetterCarriesReasonAndPosition() throws {
        try withBroker { brokers, topic in
            let log = KafkaLog(brokers: brokers, topic: topic, sessionTimeout: 6)
            let publisher = try log.openPublisher()
            let bad = Array(#"{"order_id":-4}"#.utf8)
            try publisher.publishDeadLetter(bad, reason: "negative order_id", position: LogPosition(partition: 2, sequence: 41))
            try publisher.flush()

            let dead = try KafkaLog(brokers: brokers, topic: log.deadLetterTopic).openConsumer(group: "audit-\(topic)")
            var records: [KafkaLogConsumer.Record] = []
            for _ in 0..<20 where records.isEmpty { records = try dead.poll(max: 10, maxWait: 1) }
            #expect(records.count == 1)
            #expect(records.first?.payload == bad)
            #expect(records.first?.headers == ["reason": "negative order_id", "position": "2/41"])
            #expect(log.deadLetterTopic == topic + ".dead")
        }
    }

    @Test func unreachableBrokerIsAClearErrorWithinTheConnectTimeout() throws {
        // Nothing listens on port 1; librdkafka alone would retry for ever.
        let log = KafkaLog(brokers: "127.0.0.1:1", topic: "orders", connectTimeout: 1)
        let publishing = #expect(throws: KafkaError.self) { try log.openPublisher() }
        #expect(publishing?.operation == "connect")
        #expect(publishing?.description.contains("127.0.0.1:1") == true)
        let consuming = #expect(throws: KafkaError.self) { try log.openConsumer(group: "sink") }
        #expect(consuming?.operation == "connect")
    }

    @Test func aMessageTheBrokerNeverStoredFailsFlushNamingIt() throws {
        let broker = try ThrowawayKafkaBroker()
        var stopped = false
        defer { if !stopped { broker.stop() } }
        let log = KafkaLog(brokers: broker.brokers, topic: "orders", connectTimeout: 5, deliveryTimeout: 1.5)
        let publisher = try log.openPublisher()
        try publisher.publish(payload(1), id: "1")
        try publisher.flush()
        broker.stop()
        stopped = true
        try publisher.publish(payload(77), id: "77")
        let failure = #expect(throws: KafkaError.self) { try publisher.flush() }
        #expect(failure?.operation == "delivery")
        #expect(failure?.message.contains("'77'") == true)
        #expect(publisher.inFlight == 0)
    }
}
