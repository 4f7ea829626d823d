/// Where and how `JetStreamLog` publishes: the stream, the subject of new orders, and the limits of
/// the connection. The defaults are the ones `restock publish` and `restock stream` use.
public struct JetStreamSettings: Sendable, Equatable {
    /// The JetStream stream (`--stream`).
    public var stream = "ORDERS"
    /// The subjects the stream captures when `ensureStream` creates it.
    public var streamSubjects = ["orders.>"]
    /// The subject order events are published to (`--subject`).
    public var subject = "orders.new"
    /// JetStream drops a message whose `Nats-Msg-Id` it stored within this many seconds (the
    /// stream's `duplicate_window`, set when the stream is created).
    public var duplicateWindow = 120.0
    /// Asynchronous publishes in flight at most (`jsOptions.PublishAsync.MaxPending`): the next
    /// `publish` blocks until an acknowledgement arrives (`--max-pending`).
    public var maxPending = 4096
    /// Seconds to wait for a TCP connection and the server's INFO.
    public var connectTimeout = 2.0
    /// Seconds to wait for a JetStream API answer, for `flush`'s acknowledgements and for a
    /// publish blocked by `maxPending`.
    public var requestTimeout = 10.0
    /// The connection's name, shown by the server's monitoring endpoints.
    public var clientName = "restock"

    public init() {}

    /// `<subject prefix>.dead`: the subject without its last token, then `.dead`
    /// (`orders.new` → `orders.dead`; a one-token subject `orders` → `orders.dead`).
    public var deadLetterSubject: String {
        guard let dot = subject.lastIndex(of: ".") else { return subject + ".dead" }
        return subject[..<dot] + ".dead"
    }
}

/// The durable pull consumer `JetStreamLog.openConsumer` creates or binds to.
public struct JetStreamConsumerSettings: Sendable, Equatable {
    /// The durable name (no `.`, `*`, `>` or space): the consumer's position survives restarts.
    public var durable = "restock-sink"
    /// Only messages on this subject are delivered (`orders.new`: dead letters are not).
    public var filterSubject = "orders.new"
    /// Seconds after a delivery without acknowledgement before JetStream delivers the message again.
    public var ackWait = 30.0
    /// Messages delivered and not yet acknowledged at most (`max_ack_pending`); keep it above the
    /// fetch batch size, or a fetch returns fewer messages than asked for.
    public var maxAckPending = 65_536

    public init(durable: String = "restock-sink", filterSubject: String = "orders.new", ackWait: Double = 30) {
        self.durable = durable
        self.filterSubject = filterSubject
        self.ackWait = ackWait
    }
}

/// What `ensureStream` found or did.
public struct StreamSetup: Sendable, Equatable {
    /// True when the stream did not exist and was created.
    public var created: Bool
    /// The stream's subjects as the server holds them.
    public var subjects: [String]
    /// True when an existing stream's subjects are not the ones asked for (it is left alone).
    public var subjectsDiffer: Bool
}

/// The stored state of a stream (`js_GetStreamInfo`).
public struct StreamState: Sendable, Equatable {
    public var messages: UInt64
    public var firstSequence: UInt64
    public var lastSequence: UInt64
    public var consumers: Int
}
