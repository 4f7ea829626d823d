import ArgumentParser
import Stream

/// Where `restock stream` reads its events: the NATS options of `publish` (`--nats URL [--stream
/// NAME] [--subject S]`) or its Kafka options (`--kafka BROKERS [--topic T]`), and the durable
/// consumer's name (`--consumer`; the consumer group with Kafka).
struct StreamLogOptions: ParsableArguments {
    @OptionGroup var nats: NATSLogOptions

    @Option(help: ArgumentHelp("Durable consumer name: its acknowledged position survives restarts.", valueName: "name"))
    var consumer = JetStreamConsumerSettings().durable

    @OptionGroup var kafka: KafkaLogOptions

    func validate() throws {
        if nats.isGiven && kafka.isGiven { throw ValidationError("--nats and --kafka exclude each other: give one order log") }
        guard nats.isGiven || kafka.isGiven else { throw ValidationError("--nats URL (or --kafka BROKERS) is required") }
        guard !consumer.isEmpty, consumer.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ValidationError("--consumer must be letters, digits, _ and -, not '\(consumer)'")
        }
    }

    var description: String {
        kafka.isGiven ? "Kafka \(kafka.log.brokers) topic \(kafka.log.topic) group \(consumer)"
            : "NATS \(nats.url ?? "") stream \(nats.stream) consumer \(consumer)"
    }

    /// The durable consumer and the dead-letter publisher: one JetStream connection; the stream is
    /// created if missing, and a consumer left with unacknowledged messages is rewound to its ack
    /// floor (`JetStreamLog.rewindToAckFloor`) so that they come first and in order.
    /// With `--kafka`: the consumer group `--consumer` (it resumes at its committed offsets, so what
    /// a dead consumer left unacknowledged comes first and in order) and a producer for the dead
    /// letters (`<topic>.dead`).
    func open(progress: (String) -> Void) throws -> (any OrderLogConsumer, any OrderLogPublisher) {
        if kafka.isGiven {
            let log = kafka.log
            return (try log.openConsumer(group: consumer), try log.openPublisher())
        }
        let log = try JetStreamLog(url: nats.url ?? "", settings: nats.settings)
        try log.ensureStream()
        let consumerSettings = JetStreamConsumerSettings(durable: consumer, filterSubject: nats.subject)
        if let first = try log.rewindToAckFloor(consumerSettings) {
            progress("consumer \(consumer) had unacknowledged messages: delivering again from sequence \(first)")
        }
        try log.openConsumer(consumerSettings)
        return (log, log)
    }
}
