import ArgumentParser
import Foundation
import Stream
import Tabular
import Warehouse

/// `restock stream`: the durable consumer that appends live orders to ClickHouse exactly once.
struct StreamCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Consume order events from NATS JetStream (or Kafka) and append them to the Instacart tables in ClickHouse, exactly once.",
        discussion: """
            A durable pull consumer (--consumer) of the stream (--stream). Each micro-batch (up to --batch events, \
            waiting at most --max-wait seconds) is validated (a bad event goes to the dead-letter subject with its \
            reason and never stops the stream), de-duplicated by order_id against the orders table, appended \
            (the lines in one INSERT per order_products table, then the orders rows in one INSERT: the commit \
            marker), and only then acknowledged; so each order_id is appended once whatever crashes or is \
            delivered twice (docs/events.md). Live orders without eval_set are prior orders: they become history. \
            The tables must exist (restock ingest, possibly of a folder with the catalog only); each batch takes \
            the ingest lock, so an ingest never replaces the tables under a batch.
            With --cluster NAME (after restock ingest --cluster NAME) each order and its lines go to the shard of \
            its user (user_id % N), into that shard's tables; a batch is acknowledged once every shard it touched \
            committed; --model publishes live_stock on the --clickhouse node only (docs/cluster.md).
            SIGINT or SIGTERM finishes and acknowledges the batch in hand, then exits 0 (a second signal \
            interrupts at once). --until-idle S ends the run after S seconds without an event.
            A ClickHouse or NATS outage is waited out: the batch is retried with backoff for up to \
            --give-up-after seconds, then the run exits non-zero and a rerun goes on where it stopped.
            With --kafka BROKERS [--topic T] instead of --nats, the events come from a Kafka topic through the \
            consumer group --consumer (acknowledging commits the offsets; dead letters go to <topic>.dead); see \
            docs/events.md, "Kafka". Tested against librdkafka's mock broker (scripts/kafka), not Apache Kafka.

            Example: restock stream --nats nats://127.0.0.1:4222 --clickhouse http://127.0.0.1:8123 --database instacart --until-idle 5
            """)

    @OptionGroup var log: StreamLogOptions

    @OptionGroup var clickhouse: ClickHouseOptions

    @OptionGroup var cluster: ClusterOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Most events per micro-batch (1 to 100000).", valueName: "n"))
    var batch = 20_000

    @Option(name: .customLong("max-wait"), parsing: .unconditional,
            help: ArgumentHelp("Seconds a fetch waits for a batch to fill.", valueName: "seconds"))
    var maxWait = 1.0

    @Option(name: .customLong("until-idle"), parsing: .unconditional,
            help: ArgumentHelp("End after this many seconds without an event (default: run until SIGINT/SIGTERM).", valueName: "seconds"))
    var untilIdle: Double?

    @Option(name: .customLong("give-up-after"), parsing: .unconditional,
            help: ArgumentHelp("Seconds to keep retrying a batch while ClickHouse or NATS is unreachable.", valueName: "seconds"))
    var giveUpAfter = 120.0

    @OptionGroup var publish: PublishOptions

    @OptionGroup var live: LiveForecastOptions

    @OptionGroup var job: JobOptions

    func validate() throws {
        if !clickhouse.isGiven { throw ValidationError("--clickhouse URL is required") }
        try cluster.check(with: clickhouse)
        if cluster.isGiven && live.initialData != nil { throw ValidationError("--data cannot be used with --cluster (the live forecast starts from the cluster's tables)") }
        try OptionCheck.within(1...100_000, batch, "--batch")
        try OptionCheck.within(0.001...60, maxWait, "--max-wait")
        if let untilIdle { try OptionCheck.within(0...86_400, untilIdle, "--until-idle") }
        try OptionCheck.within(0...86_400, giveUpAfter, "--give-up-after")
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let (consumer, deadLetters) = try log.open(progress: context.message)
        let shards = try cluster.discoverChecked(clickhouse, progress: context.messages)?.cluster
        var run = if let shards {
            StreamRun(cluster: shards, database: clickhouse.databaseName, log: consumer, deadLetters: deadLetters)
        } else {
            StreamRun(client: clickhouse.client(), database: clickhouse.databaseName, log: consumer, deadLetters: deadLetters)
        }
        run.batchSize = batch
        run.maxWait = maxWait
        run.untilIdle = untilIdle
        run.lockWait = publish.lockWait
        run.retry.giveUpAfter = giveUpAfter
        run.progress = context.messages
        run.fault = try Self.faultHook()
        // On a cluster the forecast starts from every shard's tables and publishes live_stock on the
        // --clickhouse node only (docs/cluster.md, "The live-orders stream on a cluster").
        let observer = try live.observer(client: clickhouse.client(), shards: shards?.shards, database: clickhouse.databaseName,
                                         context: context)
        // The forecast runs on its own thread: the sink's batches never wait for the forest.
        run.observer = observer.map { LiveForecastWorker(observer: $0) }
        Interruption.finishOnSignal()
        run.shouldStop = { Interruption.stopRequested }
        context.message("stream \(log.description) into \(shards?.description ?? clickhouse.description)")
        let s = try run.run()
        let reasons = s.deadLetters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var report = JobReport(summary: "\(s.events) events in \(s.batches) batches: \(s.ordersAppended) orders and \(s.lines) lines appended, "
            + "\(s.duplicatesSkipped) duplicates skipped, \(s.deadLetterTotal) dead letters\(reasons.isEmpty ? "" : " (\(reasons))"), "
            + "\(Int(s.eventsPerSecond.rounded())) events/s; \(s.ending)")
        report.outputs = JobDataset.clickHouseTables(url: clickhouse.url ?? "", database: clickhouse.databaseName)
        report.rows = ["events": s.events, "orders": s.ordersAppended, "lines": s.lines, "duplicates": s.duplicatesSkipped,
                       "dead_letters": s.deadLetterTotal, "batches": s.batches, "retries": s.retries,
                       "ack_failures": s.ackFailures]
        if let observer {
            let stock = observer.forecast.stock()
            report.summary += "; live_stock: \(stock.count) products, \(observer.table?.publishes ?? 0) publishes, "
                + "\(observer.applied.usersRescored + observer.refreshed.usersRescored) users re-scored"
            report.rows["live_products"] = stock.count
            report.rows["live_publishes"] = observer.table?.publishes ?? 0
            report.rows["live_rows_rescored"] = observer.applied.rowsScored + observer.refreshed.rowsScored
            report.rows["live_refreshes"] = observer.refreshes
        }
        report.seconds = ["stream": s.seconds].merging(s.phaseSeconds.map { ("step_" + $0.key, $0.value) }) { a, _ in a }
        report.result = .object([
            "dead_letters": .object(s.deadLetters.mapValues { .int($0) }),
            "events_per_second": .number((s.eventsPerSecond * 10).rounded() / 10),
            "lines_per_second": .number((s.linesPerSecond * 10).rounded() / 10),
            "ending": .string(s.ending),
        ])
        return report
    }

    /// The fault tests' hook, from the hidden RESTOCK_FAULT_AT=<step>:kill (steps:
    /// `StreamFaultStep`): SIGKILL to this process at that step. nil when unset or when it names a
    /// publishing step (`PublishOptions.faultHook`'s).
    static func faultHook() throws -> StreamFaultHook? {
        guard let spec = ProcessInfo.processInfo.environment["RESTOCK_FAULT_AT"], !spec.isEmpty else { return nil }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let step = StreamFaultStep(rawValue: parts[0]), parts[1] == "kill" else {
            throw ValidationError("RESTOCK_FAULT_AT must be <step>:kill with a step of "
                                  + StreamFaultStep.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return { reached in
            guard reached == step else { return }
            Log.stderr("restock: fault point \(step.rawValue) reached")
            kill(getpid(), SIGKILL)
        }
    }
}
