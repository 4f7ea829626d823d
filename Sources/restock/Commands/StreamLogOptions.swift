import ArgumentParser
import Stream

/// Where `restock stream` reads its events: `--nats URL [--stream NAME] [--consumer NAME]`.
struct StreamLogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("NATS server URL, e.g. nats://127.0.0.1:4222.", valueName: "url"))
    var nats: String?

    @Option(help: ArgumentHelp("JetStream stream of the order events.", valueName: "name"))
    var stream = "ORDERS"

    @Option(help: ArgumentHelp("Durable consumer name: its acknowledged position survives restarts.", valueName: "name"))
    var consumer = "restock-sink"

    func validate() throws {
        guard let nats, !nats.isEmpty else { throw ValidationError("--nats URL is required") }
        for (value, option) in [(stream, "--stream"), (consumer, "--consumer")] {
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw ValidationError("\(option) must be letters, digits, _ and -, not '\(value)'")
            }
        }
    }

    var description: String { "NATS \(nats ?? "") stream \(stream) consumer \(consumer)" }

    /// The durable consumer and the dead-letter publisher: one JetStream connection; the stream is
    /// created if missing, and a consumer left with unacknowledged messages is rewound to its ack
    /// floor (`JetStreamLog.rewindToAckFloor`) so they come first and in order.
    func open(progress: (String) -> Void) throws -> (any OrderLogConsumer, any OrderLogPublisher) {
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
