import ArgumentParser
import Stream

/// Where `restock stream` reads its events: `--nats URL [--stream NAME] [--consumer NAME]`, or a
/// Kafka topic with `--kafka BROKERS [--topic T] [--consumer NAME]` (the consumer group).
struct StreamLogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("NATS server URL, e.g. nats://127.0.0.1:4222.", valueName: "url"))
    var nats: String?

    @Option(help: ArgumentHelp("JetStream stream of the order events.", valueName: "name"))
    var stream = "ORDERS"

    @Option(help: ArgumentHelp("Durable consumer name: its acknowledged position survives restarts.", valueName: "name"))
    var consumer = "restock-sink"

    @OptionGroup var kafka: KafkaLogOptions

    func validate() throws {
        if nats != nil && kafka.isGiven { throw ValidationError("--nats and --kafka exclude each other: give one order log") }
        if !kafka.isGiven { guard let nats, !nats.isEmpty else { throw ValidationError("--nats URL (or --kafka BROKERS) is required") } }
        for (value, option) in [(stream, "--stream"), (consumer, "--consumer")] {
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw ValidationError("\(option) must be letters, digits, _ and -, not '\(value)'")
            }
        }
    }

    var description: String {
        kafka.isGiven ? "Kafka \(kafka.log.brokers) topic \(kafka.log.topic) group \(consumer)"
            : "NATS \(nats ?? "") stream \(stream) consumer \(consumer)"
    }

    /// The durable consumer and the dead-letter publisher: one JetStream connection; the stream is
    /// created if missing, and a consumer left with unacknowledged messages is rewound to its ack
    /// floor (`JetStreamLog.rewindToAckFloor`) so they come first and in order.
    /// With `--kafka`: the consumer group `--consumer` (it resumes at its committed offsets, so
    /// what a dead consumer left unacknowledged comes first and in order) and a producer for the
    /// dead letters (`<topic>.dead`).
    func open(progress: (String) -> Void) throws -> (any OrderLogConsumer, any OrderLogPublisher) {
        if kafka.isGiven {
            let log = kafka.log
            return (try log.openConsumer(group: consumer), try log.openPublisher())
        }
        var settings = JetStreamSettings()
        settings.stream = stream
        let log = try JetStreamLog(url: nats ?? "", settings: settings)
        try log.ensureStream()
        let consumerSettings = JetStreamConsumerSettings(durable: consumer)
        if let first = try log.rewindToAckFloor(consumerSettings) {
            progress("consumer \(consumer) had unacknowledged messages: delivering again from sequence \(first)")
        }
        try log.openConsumer(consumerSettings)
        return (log, log)
    }
}
