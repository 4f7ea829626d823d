import ArgumentParser
import Features
import Foundation
import Stream
import Tabular

/// `restock publish`: replay a data folder's orders as live order events into an order log.
struct PublishCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Replay a data folder's orders as live order events into NATS JetStream.",
        discussion: """
            One event per order (the JSON of docs/events.md) with header Nats-Msg-Id = order_id, so that \
            publishing the same orders again within the stream's duplicate window (2 min) stores nothing twice \
            (the summary counts the duplicates JetStream reported). Each user's orders go in order_number order, \
            users interleaved by time (each user's clock: the running sum of days_since_prior_order plus \
            order_hour_of_day/24; ties by user_id, then order_number). The stream is created if missing \
            (file storage, subjects orders.>, duplicate window 2 min); an existing one is left as it is. \
            Publishing is asynchronous with at most --max-pending messages awaiting JetStream's acknowledgement; \
            the run ends once every event is acknowledged. An unreachable server exits 69.

            Example: restock publish --data data/synthetic --nats nats://127.0.0.1:4222 --orders prior --last 2
            """)

    @Option(help: "Instacart-layout data folder.")
    var data: String

    @OptionGroup var nats: NATSLogOptions

    @Option(help: ArgumentHelp("Orders to publish: all, prior, train or test.", valueName: "set"))
    var orders: OrderSelection?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only each user's last K prior orders (implies --orders prior).", valueName: "K"))
    var last: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Events per second at most (default: as fast as JetStream acknowledges).", valueName: "N"))
    var rate: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Publish only the first N events of the feed.", valueName: "N"))
    var limit: Int?

    @Option(name: .customLong("max-pending"), parsing: .unconditional,
            help: ArgumentHelp("Messages awaiting JetStream's acknowledgement at most (backpressure).", valueName: "N"))
    var maxPending = JetStreamSettings().maxPending

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { JobDataset.dataFolder(data) }

    func validate() throws {
        if !nats.isGiven { throw ValidationError("--nats URL is required") }
        if let last {
            try OptionCheck.atLeast(1, last, "--last")
            if let orders, orders != .prior { throw ValidationError("--last selects prior orders; it cannot be combined with --orders \(orders.rawValue)") }
        }
        if let rate { try OptionCheck.above(0, rate, "--rate") }
        if let limit { try OptionCheck.atLeast(0, limit, "--limit") }
        try OptionCheck.atLeast(1, maxPending, "--max-pending")
    }

    /// The log the events go to. Only NATS JetStream for now; another log (Kafka) is chosen here.
    func makePublisher() throws -> (publisher: OrderLogPublisher, description: String, duplicates: () -> Int?) {
        var settings = nats.settings
        settings.maxPending = maxPending
        let log = try JetStreamLog(url: nats.url ?? "", settings: settings)
        let setup = try log.ensureStream()
        if setup.subjectsDiffer {
            Log.stderr("restock publish: note: stream \(settings.stream) exists with subjects \(setup.subjects.joined(separator: " ")); left as it is")
        }
        let description = "NATS \(log.url) stream \(settings.stream)\(setup.created ? " (created)" : "") subject \(settings.subject)"
        return (log, description, { log.duplicateCount })
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let clock = ContinuousClock()
        let start = clock.now
        var inputs = plannedInputs
        let folder = try InstacartReader.read(directory: data) { p in
            JobDataset.setRows(p.rows, at: .file(JobDataset.absolute(data + "/" + p.file)), in: &inputs)
        }
        let feed = OrderFeed(data: folder, selection: orders ?? (last == nil ? .all : .prior), lastPriorOrders: last, limit: limit)
        let readSeconds = Elapsed.seconds(clock.now - start)
        let (publisher, target, duplicates) = try makePublisher()
        context.message("publish \(feed.count) orders (\(feed.lineCount) products) of \(data) to \(target)")
        var run = PublishRun(feed: feed, rate: rate)
        let reporter = context.progress("publish")
        run.progress = reporter.map { r in { r.update($0) } }
        let summary = try run.run(into: publisher)
        reporter?.finish()
        let duplicateCount = duplicates() ?? 0
        let perSecond = summary.eventsPerSecond
        var report = JobReport(summary: "published \(summary.events) events (\(summary.lines) products) to \(target) in "
            + "\(Elapsed.format(summary.seconds)) s, \(Int(perSecond.rounded())) events/s; \(duplicateCount) reported as duplicates")
        report.inputs = inputs
        report.rows = ["events": summary.events, "lines": summary.lines, "duplicates": duplicateCount]
        report.seconds = ["read": readSeconds, "publish": summary.seconds]
        report.result = .object([
            "events": .int(summary.events), "lines": .int(summary.lines), "bytes": .int(summary.bytes),
            "duplicates": .int(duplicateCount), "events_per_second": .number((perSecond * 10).rounded() / 10),
            "target": .string(target),
        ])
        return report
    }
}

extension OrderSelection: ExpressibleByArgument {}
