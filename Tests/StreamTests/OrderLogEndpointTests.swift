import Foundation
import Testing
import TestSupport
@testable import Stream

@Suite struct OrderLogEndpointTests {
    func parse(nats: String? = nil, kafka: String? = nil, topic: String? = nil) throws(OrderLogEndpointError) -> OrderLogEndpoint {
        try OrderLogEndpoint.parse(nats: nats, kafka: kafka, topic: topic)
    }

    @Test func kafkaTakesBrokersAndATopic() throws {
        #expect(try parse(kafka: "127.0.0.1:9092,10.0.0.2:9093", topic: "live.orders") == .kafka(brokers: "127.0.0.1:9092,10.0.0.2:9093", topic: "live.orders"))
        #expect(try parse(kafka: "localhost:9092") == .kafka(brokers: "localhost:9092", topic: "orders"))
        #expect(try parse(nats: "nats://127.0.0.1:4222") == .nats(url: "nats://127.0.0.1:4222", settings: JetStreamSettings()))
    }

    @Test func badOptionsAreNamed() {
        let cases: [(String?, String?, String?, String)] = [
            (nil, nil, nil, "--nats URL or --kafka BROKERS"),
            ("nats://h:1", "h:2", nil, "exclude each other"),
            ("nats://h:1", nil, "t", "--topic goes with --kafka"),
            (nil, "localhost", nil, "'localhost' is not host:port"),
            (nil, "h:1,h:99999", nil, "'h:99999' does not end in a port"),
            (nil, "h:1", "orders/new", "only letters, digits"),
            (nil, "h:1", "", "1...244 characters"),
        ]
        for (nats, kafka, topic, expected) in cases {
            let error = #expect(throws: OrderLogEndpointError.self) { try parse(nats: nats, kafka: kafka, topic: topic) }
            #expect(error?.message.contains(expected) == true, "\(String(describing: error?.message)) lacks \(expected)")
        }
    }

    @Test func descriptionHidesNatsCredentials() {
        #expect(OrderLogEndpoint.nats(url: "nats://user:secret@h:4222", settings: JetStreamSettings()).description == "NATS nats://h:4222 stream ORDERS subject orders.new")
        #expect(OrderLogEndpoint.kafka(brokers: "h:1", topic: "t").description == "Kafka h:1 topic t")
    }

    /// Publishes 50 messages through the endpoint's publisher, reads them back through its consumer.
    func roundTrip(_ endpoint: OrderLogEndpoint) throws {
        let payloads = (1...50).map { Array("event \($0)".utf8) }
        do {
            let publisher = try endpoint.openPublisher()
            for (i, payload) in payloads.enumerated() { try publisher.publish(payload, id: String(i + 1)) }
            try publisher.flush()
        }
        let consumer = try endpoint.openConsumer(name: "endpoint-test")
        var received: [LogMessage] = []
        for _ in 0..<30 where received.count < payloads.count {
            received += try consumer.fetch(max: payloads.count - received.count, maxWait: 1)
        }
        #expect(received.map(\.payload) == payloads)
        try consumer.acknowledge(received)
    }

    @Test func kafkaEndpointOpensBothSides() throws {
        let topic = "endpoint-\(UUID().uuidString.prefix(8))"
        if let shared = ThrowawayKafkaBroker.shared { return try roundTrip(.kafka(brokers: shared, topic: topic)) }
        let broker = try ThrowawayKafkaBroker()
        defer { broker.stop() }
        try roundTrip(.kafka(brokers: broker.brokers, topic: topic))
    }

    @Test(.enabled(if: NATSTestServer.isAvailable, Comment(rawValue: NATSTestServer.skipReason)))
    func natsEndpointOpensBothSides() throws {
        try NATSTestServer.with { url in
            let name = NATSTestServer.uniqueName("e")
            var settings = JetStreamSettings()
            settings.stream = name.uppercased()
            settings.streamSubjects = [name + ".>"]
            settings.subject = name + ".new"
            try roundTrip(.nats(url: url, settings: settings))
            try JetStreamLog(url: url, settings: settings).deleteStream()
        }
    }
}
