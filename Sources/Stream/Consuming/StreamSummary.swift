/// What a `StreamRun` did: counts over the whole run, and its duration.
public struct StreamSummary: Sendable, Equatable {
    /// Messages fetched from the log (each delivery counted once per batch it came in).
    public var events = 0
    /// Orders appended to `orders` (each order_id at most once, ever).
    public var ordersAppended = 0
    /// Order lines appended to `order_products__prior` and `order_products__train`.
    public var lines = 0
    /// Events whose order was already stored with the same content (redeliveries, republished data).
    public var duplicatesSkipped = 0
    /// Dead letters per `DeadLetterReason.Kind` raw value.
    public var deadLetters: [String: Int] = [:]
    /// Batches fetched that held at least one message.
    public var batches = 0
    /// ClickHouse or log failures that were retried (the batch planned again from scratch).
    public var retries = 0
    /// Committed batches whose acknowledgement failed (their messages come again as duplicates).
    public var ackFailures = 0
    /// Seconds from the start of the run to its end.
    public var seconds = 0.0
    /// Wall seconds per step of the batches (`StreamRun.Phase` raw values: fetch, lock, plan,
    /// insert, dead_letters, observer, ack), summed over the run: where the time of a batch goes.
    public var phaseSeconds: [String: Double] = [:]
    /// Why the run ended: "stop requested", "idle for N s".
    public var ending = ""

    public init() {}

    public var deadLetterTotal: Int { deadLetters.values.reduce(0, +) }
    /// Events per second over the whole run (0 for an empty run).
    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
    /// Lines appended per second over the whole run.
    public var linesPerSecond: Double { seconds > 0 ? Double(lines) / seconds : 0 }
}
