import CRdKafka

/// The consuming side of a Kafka order log: a member of the consumer group `group` subscribed to
/// `log.topic`, with `enable.auto.commit=false` and `auto.offset.reset=earliest` (a new group reads
/// the topic from its start). Opening waits until the group has assigned it partitions (at most
/// `log.sessionTimeout + log.connectTimeout` seconds; see `awaitAssignment`).
///
/// `fetch` serves `rd_kafka_consumer_poll`: it waits at most `maxWait` seconds for a first message,
/// then takes whatever else is already fetched, up to `max` messages; each message's position is
/// its (partition, offset). `acknowledge` commits, synchronously, offset + 1 of the highest
/// acknowledged message of each partition: Kafka keeps one committed offset per partition and
/// group, so acknowledging a message also settles every earlier one of its partition (the sink
/// acknowledges whole batches in order). After the consumer is closed (or dies) the group resumes
/// at the committed offsets, so messages fetched and never acknowledged are delivered again then.
/// Within one open consumer Kafka does not redeliver, and it does not count deliveries:
/// `deliveries` is always 1, and the sink's idempotence keyed on order_id is what makes a
/// redelivered order harmless.
///
/// Broker errors during a fetch (a lost connection) are retried by librdkafka and only counted in
/// `transientErrors`; a fatal error of the client throws.
///
/// `@unchecked Sendable`: librdkafka's consumer handle is thread-safe; the Swift state
/// (`transientErrors`, the messages polled early) is only touched by `fetch`, `awaitAssignment`
/// and `acknowledge`, which the owner calls from one task at a time, as the protocol's users do.
/// Cost: one copy of each payload out of librdkafka's buffer.
public final class KafkaLogConsumer: OrderLogConsumer, @unchecked Sendable {
    public let log: KafkaLog
    public let group: String
    /// Errors librdkafka reported while fetching and retried by itself (lost connections, ...).
    public private(set) var transientErrors = 0
    private let handle: OpaquePointer
    private var closed = false
    /// Messages polled by `awaitAssignment`, handed out first by the next `fetch`.
    private var early: [Record] = []

    init(log: KafkaLog, group: String) throws(KafkaError) {
        self.log = log
        self.group = group
        var settings = KafkaHandle.commonSettings(log)
        settings += [
            ("group.id", group),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("enable.partition.eof", "false"),
            ("allow.auto.create.topics", "true"),
            // A fetch of a caught-up consumer waits at most 100 ms at the broker for new messages
            // (Kafka's default is 500 ms): new orders reach the sink sooner, at ten idle requests a second.
            ("fetch.wait.max.ms", "100"),
            ("session.timeout.ms", String(KafkaHandle.milliseconds(log.sessionTimeout))),
            ("heartbeat.interval.ms", String(max(100, KafkaHandle.milliseconds(log.sessionTimeout) / 6))),
        ]
        let conf = try KafkaHandle.configuration(settings, log: log)
        // `handle` is stored last: a failure before it leaves `self` uninitialized, so `deinit`
        // (which destroys the handle) does not run for a handle destroyed here.
        let created = try KafkaHandle.create(RD_KAFKA_CONSUMER, conf, log: log)
        do throws(KafkaError) {
            try KafkaHandle.awaitTopic(created, topic: log.topic, log: log)
            rd_kafka_poll_set_consumer(created)
            let topics = rd_kafka_topic_partition_list_new(1)
            defer { rd_kafka_topic_partition_list_destroy(topics) }
            rd_kafka_topic_partition_list_add(topics, log.topic, RD_KAFKA_PARTITION_UA)
            let code = rd_kafka_subscribe(created, topics)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(operation: "subscribe", log: log, code: code) }
        } catch {
            rd_kafka_destroy(created)
            throw error
        }
        handle = created
        try awaitAssignment(timeout: log.sessionTimeout + log.connectTimeout)
    }

    deinit {
        close()
        rd_kafka_destroy(handle)
    }

    /// Leaves the consumer group (its partitions go to the other members at once) and stops
    /// fetching. Uncommitted messages are delivered again to the group's next member.
    public func close() {
        if closed { return }
        closed = true
        rd_kafka_consumer_close(handle)
    }

    /// Polls until the group has given this consumer its partitions, at most `timeout` seconds, so
    /// that a first `fetch` (and a sink's idle timer) does not spend its wait on the group join
    /// (about 3 s on the mock broker, and up to the session timeout when a dead member's partitions
    /// must be moved). Messages that arrive meanwhile are kept for the next `fetch`. Returns whether
    /// the consumer has partitions; a group with more members than partitions leaves some without.
    @discardableResult
    public func awaitAssignment(timeout: Double) throws(KafkaError) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(KafkaHandle.milliseconds(timeout))
        while true {
            if try hasAssignment() { return true }
            if ContinuousClock.now >= deadline { return false }
            early += try pollLibrary(max: 1_000, maxWait: 0.1)
        }
    }

    /// True when the group has assigned this consumer at least one partition.
    private func hasAssignment() throws(KafkaError) -> Bool {
        var partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let code = rd_kafka_assignment(handle, &partitions)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(operation: "assignment", log: log, code: code) }
        defer { if let partitions { rd_kafka_topic_partition_list_destroy(partitions) } }
        return (partitions?.pointee.cnt ?? 0) > 0
    }

    public func fetch(max: Int, maxWait: Double) throws -> [LogMessage] {
        try poll(max: max, maxWait: maxWait).map { LogMessage(position: $0.position, deliveries: 1, payload: $0.payload) }
    }

    public func acknowledge(_ messages: [LogMessage]) throws {
        try commit(messages.map(\.position))
    }

    /// Commits offset + 1 of the highest of `positions` in each partition, synchronously (through a
    /// group rebalance: see below).
    func commit(_ positions: [LogPosition]) throws(KafkaError) {
        if positions.isEmpty { return }
        var highest: [Int32: UInt64] = [:]
        for position in positions { highest[position.partition] = Swift.max(highest[position.partition] ?? 0, position.sequence) }
        let offsets = rd_kafka_topic_partition_list_new(Int32(highest.count))
        defer { rd_kafka_topic_partition_list_destroy(offsets) }
        for (partition, offset) in highest.sorted(by: { $0.key < $1.key }) {
            rd_kafka_topic_partition_list_add(offsets, log.topic, partition)?.pointee.offset = Int64(offset) + 1
        }
        // A group rebalancing (a member joined, left or missed its heartbeats) refuses commits until
        // the members rejoin: "rebalance in progress", or "illegal generation" / "unknown member"
        // when the group moved on without this member. Polling serves the rebalance and rejoins
        // (messages that arrive meanwhile are kept for the next `fetch`), then the same offsets are
        // committed again, for at most ~10 s. Were a partition given to another member meanwhile,
        // it would resume at the older committed offset and the sink's idempotence skips the repeats.
        var code = rd_kafka_commit(handle, offsets, 0)
        for _ in 0..<40 where Self.rebalanceCodes.contains(code) {
            early += try pollLibrary(max: 1_000, maxWait: 0.25)
            code = rd_kafka_commit(handle, offsets, 0)
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(operation: "commit", log: log, code: code) }
    }

    /// Commit refusals that a rejoin of the group clears.
    static let rebalanceCodes: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID,
    ]

    /// One consumed message with its key and headers (the dead-letter topic's `reason`, `position`).
    struct Record {
        var position: LogPosition
        var key: String?
        var payload: [UInt8]
        var headers: [String: String]
    }

    /// Waits at most `maxWait` seconds for a first message, then takes what is already fetched,
    /// up to `max` records.
    func poll(max: Int, maxWait: Double) throws(KafkaError) -> [Record] {
        let records = Array(early.prefix(Swift.max(0, max)))
        early.removeFirst(records.count)
        if closed || max <= records.count { return records }
        if !records.isEmpty { return records + (try pollLibrary(max: max - records.count, maxWait: 0)) }
        return try pollLibrary(max: max, maxWait: maxWait)
    }

    /// `rd_kafka_consumer_poll` until `max` records, or the first record arrived and no other is
    /// at hand, or `maxWait` seconds passed without any.
    private func pollLibrary(max: Int, maxWait: Double) throws(KafkaError) -> [Record] {
        var records: [Record] = []
        let deadline = ContinuousClock.now + .milliseconds(KafkaHandle.milliseconds(maxWait))
        while records.count < max {
            var wait: Int32 = 0
            if records.isEmpty {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero { break }
                let (seconds, attoseconds) = remaining.components
                wait = Int32(clamping: Swift.max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            }
            guard let message = rd_kafka_consumer_poll(handle, wait) else {
                if records.isEmpty { continue } else { break }
            }
            defer { rd_kafka_message_destroy(message) }
            let value = message.pointee
            if value.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                try check(value.err)
                continue
            }
            records.append(Self.record(value, message: message))
        }
        return records
    }

    /// A fatal client error or an error about the topic itself throws; others are counted.
    private func check(_ code: rd_kafka_resp_err_t) throws(KafkaError) {
        if code == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        if code == RD_KAFKA_RESP_ERR__FATAL {
            var text = [CChar](repeating: 0, count: 512)
            let fatal = rd_kafka_fatal_error(handle, &text, text.count)
            let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(operation: "fetch", log: log, code: fatal, message: message)
        }
        if code == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || code == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED {
            throw KafkaError(operation: "fetch", log: log, code: code)
        }
        transientErrors += 1
    }

    private static func record(_ value: rd_kafka_message_t, message: UnsafeMutablePointer<rd_kafka_message_t>) -> Record {
        let payload = value.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: value.len)) } ?? []
        let key = value.key.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: value.key_len), as: UTF8.self) }
        var headers: [String: String] = [:]
        var list: OpaquePointer?
        if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                if let name {
                    headers[String(cString: name)] =
                        bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: size), as: UTF8.self) } ?? ""
                }
                index += 1
            }
        }
        return Record(
            position: LogPosition(partition: value.partition, sequence: UInt64(Swift.max(0, value.offset))),
            key: key, payload: payload, headers: headers)
    }
}
