/// Which order log a command talks to, from its options: a NATS JetStream stream (`--nats URL`
/// with the stream and subject in `JetStreamSettings`) or a Kafka topic (`--kafka BROKERS
/// [--topic T]`). `publish` and `stream` parse their options with `parse` and open the side they
/// need; the rest of their work only sees `OrderLogPublisher` and `OrderLogConsumer`.
public enum OrderLogEndpoint: Sendable, Equatable {
    case nats(url: String, settings: JetStreamSettings)
    case kafka(brokers: String, topic: String)

    /// The Kafka topic used when `--kafka` comes without `--topic`.
    public static let defaultTopic = "orders"

    /// The endpoint the options name. Exactly one of `nats` and `kafka` must be given; `topic`
    /// goes only with `kafka` (default `orders`); `natsSettings` (stream, subject) only matter with
    /// `nats`. Throws a message that names the option at fault.
    public static func parse(
        nats: String?, natsSettings: JetStreamSettings = JetStreamSettings(), kafka: String?, topic: String?
    ) throws(OrderLogEndpointError) -> OrderLogEndpoint {
        switch (nats, kafka) {
        case (nil, nil):
            throw OrderLogEndpointError(message: "give the order log: --nats URL or --kafka BROKERS")
        case (.some, .some):
            throw OrderLogEndpointError(message: "--nats and --kafka exclude each other: give one order log")
        case (.some(let url), nil):
            if topic != nil { throw OrderLogEndpointError(message: "--topic goes with --kafka; NATS takes --stream and --subject") }
            if url.isEmpty { throw OrderLogEndpointError(message: "--nats needs a URL such as nats://127.0.0.1:4222") }
            return .nats(url: url, settings: natsSettings)
        case (nil, .some(let brokers)):
            if let fault = KafkaLog.brokerListFault(brokers) {
                throw OrderLogEndpointError(message: "--kafka takes host:port[,host:port...]: \(fault)")
            }
            let topic = topic ?? defaultTopic
            if let fault = topicFault(topic) { throw OrderLogEndpointError(message: "--topic '\(topic)': \(fault)") }
            return .kafka(brokers: brokers, topic: topic)
        }
    }

    /// Why `topic` is not a usable Kafka topic name (1...244 of `a-z A-Z 0-9 . _ -`, leaving room
    /// for the `.dead` suffix of the dead-letter topic within Kafka's 249), nil when it is.
    public static func topicFault(_ topic: String) -> String? {
        if topic.isEmpty || topic.utf8.count > 244 { return "a topic name has 1...244 characters" }
        if topic == "." || topic == ".." { return "'.' and '..' are not topic names" }
        let allowed = topic.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        return allowed ? nil : "a topic name has only letters, digits, '.', '_' and '-'"
    }

    /// Opens the publishing side (for `publish`, and for the dead letters of `stream`): a
    /// `JetStreamLog` whose stream is created when missing, or a `KafkaLogPublisher`.
    public func openPublisher() throws -> any OrderLogPublisher {
        switch self {
        case .nats(let url, let settings):
            let log = try JetStreamLog(url: url, settings: settings)
            try log.ensureStream()
            return log
        case .kafka(let brokers, let topic):
            return try KafkaLog(brokers: brokers, topic: topic).openPublisher()
        }
    }

    /// Opens the consuming side as the durable consumer (JetStream, filtered to the settings'
    /// subject; the stream is created when missing) or the consumer group (Kafka) `name`.
    public func openConsumer(name: String) throws -> any OrderLogConsumer {
        switch self {
        case .nats(let url, let settings):
            let log = try JetStreamLog(url: url, settings: settings)
            try log.ensureStream()
            try log.openConsumer(JetStreamConsumerSettings(durable: name, filterSubject: settings.subject))
            return log
        case .kafka(let brokers, let topic):
            return try KafkaLog(brokers: brokers, topic: topic).openConsumer(group: name)
        }
    }

    /// A short description for progress lines and summaries (no credentials: NATS URLs lose
    /// their user information).
    public var description: String {
        switch self {
        case .nats(let url, let settings):
            var shown = url
            if let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") {
                shown = String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
            }
            return "NATS \(shown) stream \(settings.stream) subject \(settings.subject)"
        case .kafka(let brokers, let topic):
            return "Kafka \(brokers) topic \(topic)"
        }
    }
}

/// A bad order-log option, with a message that names it.
public struct OrderLogEndpointError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
