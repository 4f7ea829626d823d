import ArgumentParser
import Stream

/// Where a command finds the NATS JetStream order log: `--nats URL [--stream NAME] [--subject S]`.
/// `--nats` is optional here so that a command can offer another log (Kafka) instead; the command
/// checks that one of them is given.
struct NATSLogOptions: ParsableArguments {
    @Option(name: .customLong("nats"), help: ArgumentHelp("NATS server URL, e.g. nats://127.0.0.1:4222 (JetStream enabled).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("JetStream stream of the order events (created if missing, capturing orders.>).", valueName: "name"))
    var stream = JetStreamSettings().stream

    @Option(help: ArgumentHelp("Subject of new order events; dead letters go to its prefix + .dead (orders.dead).", valueName: "subject"))
    var subject = JetStreamSettings().subject

    var isGiven: Bool { url != nil }

    func validate() throws {
        if let url {
            let scheme = url.range(of: "://").map { String(url[..<$0.lowerBound]) }
            if url.isEmpty || (scheme != nil && scheme != "nats" && scheme != "tls") {
                throw ValidationError("--nats must be a NATS URL such as nats://127.0.0.1:4222, not '\(url)'")
            }
        }
        if stream.isEmpty || stream.contains(where: { ".*> \t".contains($0) }) {
            throw ValidationError("--stream must be a stream name without '.', '*', '>' or spaces, not '\(stream)'")
        }
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        if tokens.contains(where: { $0.isEmpty || $0 == "*" || $0 == ">" || $0.contains(where: { $0 == " " || $0 == "\t" }) }) {
            throw ValidationError("--subject must be a subject of non-empty dot-separated tokens without wildcards or spaces, not '\(subject)'")
        }
    }

    /// The settings of a JetStreamLog for these options. The stream captures `<first token>.>` of
    /// the subject (orders.> for orders.new; `orders` and `orders.>` for orders), which includes the
    /// dead-letter subject.
    var settings: JetStreamSettings {
        var settings = JetStreamSettings()
        settings.stream = stream
        settings.subject = subject
        let first = subject.split(separator: ".").first.map(String.init) ?? subject
        settings.streamSubjects = subject.contains(".") ? [first + ".>"] : [subject, subject + ".>"]
        return settings
    }
}
