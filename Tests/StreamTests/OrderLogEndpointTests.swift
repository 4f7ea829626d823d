import Testing
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
}
