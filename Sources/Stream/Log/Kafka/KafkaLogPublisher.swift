import CRdKafka
import Foundation

/// The publishing side of a Kafka order log: an idempotent librdkafka producer
/// (`enable.idempotence=true`: acks from all in-sync replicas, no duplicates or reordering from
/// the producer's own retries), writing each message with key = its id (the order_id) to
/// `log.partition` of `log.topic`.
///
/// `publish` hands the message to librdkafka and returns; at most `log.maxInFlight` messages wait
/// for their delivery report, beyond that `publish` serves delivery reports (`rd_kafka_poll`) until
/// one is free. `flush` waits for every outstanding delivery report and throws the first failure
/// since the previous `flush`, naming the message's id; a message is reported failed at the
/// latest `log.deliveryTimeout` seconds after it was published (librdkafka's `message.timeout.ms`),
/// so an unreachable broker makes `flush` fail in bounded time rather than wait for ever.
/// Dead letters go to `<topic>.dead` with the headers `reason` and `position`.
///
/// `@unchecked Sendable`: librdkafka's handle is thread-safe, and the only Swift state, the
/// `DeliveryLedger` that the delivery-report callback updates, is guarded by a lock. Delivery
/// reports run inside `rd_kafka_poll`/`rd_kafka_flush`, on the thread that calls `publish` or
/// `flush`. Cost: one copy of payload and key into librdkafka per message.
public final class KafkaLogPublisher: OrderLogPublisher, @unchecked Sendable {
    public let log: KafkaLog
    private let handle: OpaquePointer
    private let ledger: DeliveryLedger

    init(log: KafkaLog) throws(KafkaError) {
        self.log = log
        let ledger = DeliveryLedger()
        self.ledger = ledger
        var settings = KafkaHandle.commonSettings(log)
        settings += [
            ("enable.idempotence", "true"),
            ("message.timeout.ms", String(KafkaHandle.milliseconds(log.deliveryTimeout))),
            ("linger.ms", "5"),
            ("queue.buffering.max.messages", String(max(log.maxInFlight, 1) + 1000)),
        ]
        let conf = try KafkaHandle.configuration(settings, log: log)
        // The delivery report callback: a C function pointer, so no captures; the ledger arrives as
        // the configuration's opaque pointer (unretained: `self` keeps the ledger alive for as long
        // as the handle exists, and `deinit` destroys the handle first).
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(ledger).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let opaque else { return }
            Unmanaged<DeliveryLedger>.fromOpaque(opaque).takeUnretainedValue().record(message.pointee)
        }
        // `handle` is stored last: a failure before it leaves `self` uninitialized, so `deinit`
        // (which destroys the handle) does not run for a handle destroyed here.
        let created = try KafkaHandle.create(RD_KAFKA_PRODUCER, conf, log: log)
        do throws(KafkaError) {
            try KafkaHandle.awaitTopic(created, topic: log.topic, log: log)
        } catch {
            rd_kafka_destroy(created)
            throw error
        }
        handle = created
    }

    deinit {
        rd_kafka_flush(handle, Int32(clamping: KafkaHandle.milliseconds(log.deliveryTimeout)))
        rd_kafka_destroy(handle)
    }

    /// Publishes `payload` with key `id` (see the type's comment for backpressure).
    public func publish(_ payload: [UInt8], id: String) throws {
        try produce(payload, key: id, topic: log.topic, headers: nil)
    }

    /// Waits for every outstanding delivery report; throws the first failure since the last flush.
    public func flush() throws {
        let limit = KafkaHandle.milliseconds(log.deliveryTimeout) + 5_000
        var code = rd_kafka_flush(handle, Int32(clamping: limit))
        // A report outstanding after message.timeout.ms is only possible when librdkafka is stuck;
        // serve reports until it is reported or the second bound passes.
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { code = rd_kafka_flush(handle, Int32(clamping: limit)) }
        if let failure = ledger.takeFirstFailure() {
            throw KafkaError(operation: "delivery", log: log, code: failure.code, message: "message '\(failure.key)' was not stored")
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                operation: "delivery", log: log, code: code,
                message: "\(rd_kafka_outq_len(handle)) messages still undelivered")
        }
    }

    /// Publishes a rejected message to `<topic>.dead` (key = its position, headers `reason` and
    /// `position`); delivered like any message (`flush` reports a failure).
    public func publishDeadLetter(_ payload: [UInt8], reason: String, position: LogPosition) throws {
        guard let headers = rd_kafka_headers_new(2) else {
            throw KafkaError(operation: "publish", brokers: log.brokers, topic: log.deadLetterTopic, message: "rd_kafka_headers_new failed")
        }
        let positionText = position.description
        rd_kafka_header_add(headers, "reason", -1, reason, reason.utf8.count)
        rd_kafka_header_add(headers, "position", -1, positionText, positionText.utf8.count)
        do throws(KafkaError) {
            try produce(payload, key: positionText, topic: log.deadLetterTopic, headers: headers)
        } catch {
            rd_kafka_headers_destroy(headers)
            throw error
        }
    }

    /// How many messages wait for their delivery report.
    public var inFlight: Int { ledger.outstanding }

    /// Produces one message, first serving delivery reports while `maxInFlight` are outstanding or
    /// librdkafka's queue is full. On success `headers` belong to the message.
    private func produce(_ payload: [UInt8], key: String, topic: String, headers: OpaquePointer?) throws(KafkaError) {
        while ledger.outstanding >= log.maxInFlight { rd_kafka_poll(handle, 10) }
        let partition = log.partition ?? RD_KAFKA_PARTITION_UA
        var queueFullRetries = 0
        while true {
            let code = payload.withUnsafeBytes { body in
                key.withCString { keyBytes in
                    crdkafka_produce(
                        handle, topic, partition, body.baseAddress, body.count, keyBytes, strlen(keyBytes), headers)
                }
            }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR { break }
            if code == RD_KAFKA_RESP_ERR__QUEUE_FULL && queueFullRetries < 100_000 {
                queueFullRetries += 1
                rd_kafka_poll(handle, 10)
                continue
            }
            throw KafkaError(operation: "publish", log: log, code: code, message: "message '\(key)' to topic '\(topic)'")
        }
        ledger.sent()
        rd_kafka_poll(handle, 0)
    }
}

/// What the delivery-report callback learns: how many messages still wait for their report, and
/// the first that failed since it was last taken.
final class DeliveryLedger: @unchecked Sendable {
    struct Failure {
        var key: String
        var code: rd_kafka_resp_err_t
    }

    private let lock = NSLock()
    private var waiting = 0
    private var firstFailure: Failure?

    var outstanding: Int { lock.withLock { waiting } }

    func sent() { lock.withLock { waiting += 1 } }

    /// Called by librdkafka (inside `rd_kafka_poll`/`rd_kafka_flush`) once per message.
    func record(_ message: rd_kafka_message_t) {
        var failure: Failure?
        if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let key = message.key.map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: message.key_len), as: UTF8.self)
            }
            failure = Failure(key: key ?? "?", code: message.err)
        }
        lock.withLock {
            waiting -= 1
            if firstFailure == nil, let failure { firstFailure = failure }
        }
    }

    func takeFirstFailure() -> Failure? {
        lock.withLock {
            defer { firstFailure = nil }
            return firstFailure
        }
    }
}
