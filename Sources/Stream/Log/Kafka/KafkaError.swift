import CRdKafka

/// A failure of the Kafka order log: what was being done, against which brokers and topic,
/// librdkafka's error code (`rd_kafka_resp_err_t`, 0 when the failure is not one of librdkafka's)
/// and its message.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What failed, e.g. "connect", "publish", "delivery", "commit", "configure".
    public var operation: String
    public var brokers: String
    public var topic: String
    /// librdkafka's `rd_kafka_resp_err_t` value; negative values are client-side errors
    /// (e.g. -185 `_TIMED_OUT`, -192 `_MSG_TIMED_OUT`), positive ones come from the broker.
    public var code: Int32
    public var message: String

    public init(operation: String, brokers: String, topic: String, code: Int32 = 0, message: String) {
        self.operation = operation
        self.brokers = brokers
        self.topic = topic
        self.code = code
        self.message = message
    }

    init(operation: String, log: KafkaLog, code: rd_kafka_resp_err_t, message: String? = nil) {
        let text = String(cString: rd_kafka_err2str(code))
        self.init(
            operation: operation, brokers: log.brokers, topic: log.topic, code: code.rawValue,
            message: message.map { "\($0): \(text)" } ?? text)
    }

    /// True when no broker answered in time (opening): the service is unavailable (exit 69).
    public var isUnreachable: Bool { operation == "connect" }

    public var description: String {
        "Kafka \(operation) failed (brokers \(brokers), topic '\(topic)'): \(message)"
            + (code == 0 ? "" : " [librdkafka error \(code)]")
    }
}
