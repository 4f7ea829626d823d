/// One message read from a durable order log (a JetStream stream or a Kafka topic).
///
/// `position` identifies the message inside the log for ever: the JetStream stream sequence, or
/// the Kafka partition and offset. `deliveries` counts how often the log has handed it out (1 on the
/// first delivery); a value above 1 is a redelivery after a missed acknowledgement.
public struct LogMessage: Sendable, Equatable {
    public var position: LogPosition
    public var deliveries: Int
    public var payload: [UInt8]

    public init(position: LogPosition, deliveries: Int, payload: [UInt8]) {
        self.position = position
        self.deliveries = deliveries
        self.payload = payload
    }
}

/// Where a message sits in its log: a partition (always 0 for JetStream) and a sequence or offset.
public struct LogPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var partition: Int32
    public var sequence: UInt64

    public init(partition: Int32 = 0, sequence: UInt64) {
        self.partition = partition
        self.sequence = sequence
    }

    public static func < (a: LogPosition, b: LogPosition) -> Bool {
        (a.partition, a.sequence) < (b.partition, b.sequence)
    }

    public var description: String { partition == 0 ? "\(sequence)" : "\(partition)/\(sequence)" }
}

/// The publishing side of an order log. `publish` may return before the log has stored the
/// message; `flush` returns once every message published so far is stored (acknowledged by the
/// broker) or throws naming the first that was not. `id` is the message's de-duplication key
/// (JetStream's `Nats-Msg-Id`; the Kafka message key).
public protocol OrderLogPublisher: AnyObject {
    func publish(_ payload: [UInt8], id: String) throws
    func flush() throws
    /// Publishes a rejected message with its reason to the dead-letter subject or topic.
    func publishDeadLetter(_ payload: [UInt8], reason: String, position: LogPosition) throws
}

/// The consuming side: a durable consumer whose acknowledged position survives restarts of the
/// consumer and of the broker. `fetch` waits at most `maxWait` seconds for up to `max` messages
/// (it returns an empty array on a timeout). `acknowledge` marks the given messages as done; a
/// message fetched and never acknowledged is delivered again after the log's ack wait.
public protocol OrderLogConsumer: AnyObject {
    func fetch(max: Int, maxWait: Double) throws -> [LogMessage]
    func acknowledge(_ messages: [LogMessage]) throws
}
