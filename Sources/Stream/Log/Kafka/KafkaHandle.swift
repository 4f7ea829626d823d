import CRdKafka
import Foundation

/// A librdkafka client handle (`rd_kafka_t`) made from key/value settings, and the metadata
/// check that both sides of the log run when they open. Internal: `KafkaLogPublisher` and
/// `KafkaLogConsumer` own one each and destroy it with `rd_kafka_destroy`.
enum KafkaHandle {
    /// Settings common to both sides: the brokers and a bounded connection setup.
    static func commonSettings(_ log: KafkaLog) -> [(String, String)] {
        [
            ("bootstrap.servers", log.brokers),
            ("socket.connection.setup.timeout.ms", String(milliseconds(log.connectTimeout))),
        ]
    }

    /// A new configuration with `settings` applied, in order; throws naming the first refused one.
    static func configuration(_ settings: [(String, String)], log: KafkaLog) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(operation: "configure", brokers: log.brokers, topic: log.topic, message: "rd_kafka_conf_new failed")
        }
        // No log callback: librdkafka would print its own log lines on stderr; a library reports
        // through its errors instead (KafkaError, `KafkaLogConsumer.transientErrors`).
        rd_kafka_conf_set_log_cb(conf, nil)
        var error = [CChar](repeating: 0, count: 512)
        for (key, value) in settings where rd_kafka_conf_set(conf, key, value, &error, error.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(operation: "configure", brokers: log.brokers, topic: log.topic, message: "\(key)=\(value): \(text)")
        }
        return conf
    }

    /// Creates the handle; `conf` is consumed (librdkafka owns it on success, it is destroyed on failure).
    static func create(_ type: rd_kafka_type_t, _ conf: OpaquePointer, log: KafkaLog) throws(KafkaError) -> OpaquePointer {
        var error = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &error, error.count) else {
            rd_kafka_conf_destroy(conf)
            let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(operation: "connect", brokers: log.brokers, topic: log.topic, message: text)
        }
        return handle
    }

    /// Asks the brokers for `topic`'s metadata, waiting at most `log.connectTimeout` seconds; a
    /// topic that does not exist yet is auto-created by the broker (the handle must allow it:
    /// `allow.auto.create.topics`, on by default for producers). Returns the partition count.
    /// Throws when no broker answers in time or the topic is still unknown.
    @discardableResult
    static func awaitTopic(_ handle: OpaquePointer, topic: String, log: KafkaLog) throws(KafkaError) -> Int {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError(operation: "connect", log: log, code: rd_kafka_last_error())
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        let deadline = ContinuousClock.now + .milliseconds(milliseconds(log.connectTimeout))
        var lastError = RD_KAFKA_RESP_ERR__TIMED_OUT
        // Auto-creation answers the first request with LEADER_NOT_AVAILABLE or UNKNOWN_TOPIC while
        // the topic is made: ask again until it has partitions or the time is up.
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { break }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let code = rd_kafka_metadata(handle, 0, topicHandle, &metadata, Int32(clamping: max(1, remaining.milliseconds)))
            if code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata {
                defer { rd_kafka_metadata_destroy(metadata) }
                let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
                if let found = topics.first(where: { String(cString: $0.topic) == topic }) {
                    if found.err == RD_KAFKA_RESP_ERR_NO_ERROR && found.partition_cnt > 0 { return Int(found.partition_cnt) }
                    lastError = found.err
                }
                var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
                nanosleep(&pause, nil)
                continue
            }
            lastError = code
            if code == RD_KAFKA_RESP_ERR__TIMED_OUT { break }
            var pause = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            nanosleep(&pause, nil)
        }
        let silent = [RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN]
        let waited = silent.contains(lastError)
            ? "no broker answered within \(log.connectTimeout) s"
            : "topic '\(topic)' has no partitions after \(log.connectTimeout) s (not created?)"
        throw KafkaError(operation: "connect", log: log, code: lastError, message: waited)
    }

    static func milliseconds(_ seconds: Double) -> Int {
        Int((max(0, seconds) * 1000).rounded(.up))
    }
}

extension Duration {
    /// The whole milliseconds of a duration (rounded down).
    fileprivate var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
