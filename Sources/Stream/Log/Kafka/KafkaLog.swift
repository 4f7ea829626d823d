import CRdKafka

/// Where an order log lives in Kafka and how patient its clients are: the bootstrap brokers, the
/// topic, and the bounds that stop librdkafka from retrying for ever (by default it retries an
/// unreachable broker indefinitely and holds an undelivered message for 5 minutes).
///
/// `openPublisher()` and `openConsumer(group:)` return the two sides of the log
/// (`KafkaLogPublisher`, `KafkaLogConsumer`). Both first ask the brokers for the topic's metadata
/// within `connectTimeout`: an unreachable broker is a `KafkaError` after that long, and a missing
/// topic is created by the broker's auto-creation (Apache Kafka's `auto.create.topics.enable`,
/// on by default, and librdkafka's mock broker, which creates 4 partitions). librdkafka's mock
/// broker (2.0.2) does not answer CreateTopics, so the admin API is not used.
///
/// Ordering: the sink rejects an order whose order_number goes backwards for its user, so the log
/// must keep each user's orders in publishing order. Kafka orders messages only within a
/// partition, and the message key is the order_id (the de-duplication id), which would spread a
/// user's orders over partitions; so the publisher writes every message to `partition` (0 by
/// default): one totally ordered partition, like a JetStream stream. `partition: nil` spreads by
/// the key's hash instead, for logs whose consumers do not need per-user order.
public struct KafkaLog: Sendable, Equatable {
    /// Comma-separated `host:port` list (librdkafka's `bootstrap.servers`).
    public var brokers: String
    public var topic: String
    /// The partition every message is written to; nil: chosen by the key's hash (librdkafka's
    /// `consistent_random` partitioner).
    public var partition: Int32?
    /// How long opening waits for the brokers' metadata before it fails (seconds).
    public var connectTimeout: Double
    /// How long a published message may stay undelivered before `flush` reports it as failed
    /// (librdkafka's `message.timeout.ms`, seconds).
    public var deliveryTimeout: Double
    /// The most messages the publisher lets wait for their delivery report before `publish`
    /// blocks (backpressure).
    public var maxInFlight: Int
    /// How long the group waits for a silent consumer before it hands its partitions to another
    /// (librdkafka's `session.timeout.ms`, seconds; heartbeats go every sixth of it). A consumer
    /// that closes leaves at once on Apache Kafka; librdkafka's mock broker only moves the
    /// partitions on after this long, so the next member of the group waits about this much.
    public var sessionTimeout: Double

    public init(
        brokers: String, topic: String, partition: Int32? = 0, connectTimeout: Double = 5,
        deliveryTimeout: Double = 30, maxInFlight: Int = 50_000, sessionTimeout: Double = 10
    ) {
        self.brokers = brokers
        self.topic = topic
        self.partition = partition
        self.connectTimeout = connectTimeout
        self.deliveryTimeout = deliveryTimeout
        self.maxInFlight = maxInFlight
        self.sessionTimeout = sessionTimeout
    }

    /// The topic that receives rejected messages: `<topic>.dead`.
    public var deadLetterTopic: String { topic + ".dead" }

    /// Opens an idempotent producer for the topic (see `KafkaLogPublisher`).
    public func openPublisher() throws(KafkaError) -> KafkaLogPublisher {
        try KafkaLogPublisher(log: self)
    }

    /// Opens a consumer in the consumer group `group` (see `KafkaLogConsumer`).
    public func openConsumer(group: String) throws(KafkaError) -> KafkaLogConsumer {
        try KafkaLogConsumer(log: self, group: group)
    }

    /// Checks the broker list: one or more comma-separated `host:port` with a port in 1...65535.
    /// Returns a description of the first fault, nil when the list is well formed.
    public static func brokerListFault(_ brokers: String) -> String? {
        let entries = brokers.split(separator: ",", omittingEmptySubsequences: false)
        for entry in entries {
            let trimmed = entry.filter { !$0.isWhitespace }
            guard let colon = trimmed.lastIndex(of: ":"), colon != trimmed.startIndex else {
                return "'\(trimmed)' is not host:port"
            }
            guard let port = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(port) else {
                return "'\(trimmed)' does not end in a port 1...65535"
            }
        }
        return nil
    }
}
