import ArgumentParser
import Stream

/// Where `restock stream` reads its events: the NATS options of `publish` (`--nats URL [--stream
/// NAME] [--subject S]`) and the durable consumer's name (`--consumer`).
struct StreamLogOptions: ParsableArguments {
    @OptionGroup var nats: NATSLogOptions

    @Option(help: ArgumentHelp("Durable consumer name: its acknowledged position survives restarts.", valueName: "name"))
    var consumer = JetStreamConsumerSettings().durable

    func validate() throws {
        guard nats.isGiven else { throw ValidationError("--nats URL is required") }
        guard !consumer.isEmpty, consumer.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ValidationError("--consumer must be letters, digits, _ and -, not '\(consumer)'")
        }
    }

    var description: String { "NATS \(nats.url ?? "") stream \(nats.stream) consumer \(consumer)" }

    /// The durable consumer and the dead-letter publisher: one JetStream connection; the stream is
    /// created if missing, and a consumer left with unacknowledged messages is rewound to its ack
    /// floor (`JetStreamLog.rewindToAckFloor`) so that they come first and in order.
    func open(progress: (String) -> Void) throws -> (any OrderLogConsumer, any OrderLogPublisher) {
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
