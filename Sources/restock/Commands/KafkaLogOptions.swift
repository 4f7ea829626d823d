import ArgumentParser
import Stream

/// Where a command finds a Kafka order log instead of NATS: `--kafka BROKERS [--topic T]`
/// (librdkafka; tested against librdkafka's mock broker, scripts/kafka). Optional here; the command
/// checks that exactly one log (`--nats` or `--kafka`) is given.
struct KafkaLogOptions: ParsableArguments {
    @Option(name: .customLong("kafka"), help: ArgumentHelp(
        "Kafka bootstrap brokers host:port[,host:port...], instead of --nats.", valueName: "brokers"))
    var brokers: String?

    @Option(help: ArgumentHelp("Kafka topic of the order events (with --kafka; default orders; dead letters go to <topic>.dead).", valueName: "topic"))
    var topic: String?

    var isGiven: Bool { brokers != nil }

    func validate() throws {
        if brokers == nil {
            if topic != nil { throw ValidationError("--topic goes with --kafka BROKERS") }
            return
        }
        do {
            _ = try endpoint()
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The Kafka endpoint of these options (`--kafka` must be given).
    func endpoint() throws(OrderLogEndpointError) -> OrderLogEndpoint {
        try OrderLogEndpoint.parse(nats: nil, kafka: brokers ?? "", topic: topic)
    }

    /// The log these options name, with KafkaLog's defaults for the timeouts.
    var log: KafkaLog { KafkaLog(brokers: brokers ?? "", topic: topic ?? OrderLogEndpoint.defaultTopic) }
}
