import Foundation
import TestSupport
import Testing

/// `restock publish --kafka` end to end against librdkafka's mock broker (scripts/kafka; not
/// Apache Kafka): the one of the test script (RESTOCK_KAFKA_BROKERS) or one of the test's own.
@Suite struct KafkaPublishCommandTests {
    @Test func publishingToATopicReportsEveryOrderDelivered() throws {
        let dir = try TemporaryDirectory(prefix: "restock-publish-kafka")
        defer { dir.remove() }
        let data = dir.file("data")
        let generated = try RestockProcess.run(["generate", "--users", "150", "--seed", "21", "--out", data, "--quiet"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let orders = try GeneratedData.integers(data + "/orders.csv").rows.count
        var own: ThrowawayKafkaBroker?
        if ThrowawayKafkaBroker.shared == nil { own = try ThrowawayKafkaBroker() }
        defer { own?.stop() }
        let brokers = ThrowawayKafkaBroker.shared ?? own?.brokers ?? ""
        let topic = "orders-\(UUID().uuidString.prefix(8))"
        let result = try RestockProcess.run(["publish", "--data", data, "--kafka", brokers, "--topic", topic, "--max-pending", "100", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let summary = object?["result"] as? [String: Any] ?? [:]
        #expect(summary["events"] as? Int == orders)
        #expect(summary["target"] as? String == "Kafka \(brokers) topic \(topic)")
    }

    @Test func anUnreachableBrokerExits69() throws {
        let closed = try SilentTCPListener()
        closed.stop()
        let dir = try TemporaryDirectory(prefix: "restock-publish-kafka")
        defer { dir.remove() }
        let data = dir.file("data")
        #expect(try RestockProcess.run(["generate", "--users", "20", "--out", data, "--quiet"]).status == 0)
        let result = try RestockProcess.run(["publish", "--data", data, "--kafka", "127.0.0.1:\(closed.port)"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("Kafka connect failed (brokers 127.0.0.1:\(closed.port)"), "\(result.stderr)")
        #expect(result.stderr.contains("no broker answered"), "\(result.stderr)")
    }

    @Test func badKafkaOptionsAreUsageErrors() throws {
        for arguments in [["--kafka", "127.0.0.1"], ["--kafka", "h:1", "--topic", "a/b"], ["--topic", "t"],
                          ["--kafka", "h:1", "--nats", "nats://127.0.0.1:1"]] {
            let result = try RestockProcess.run(["publish", "--data", "/nonexistent"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }
}
