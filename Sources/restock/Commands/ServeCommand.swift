import ArgumentParser
import Dispatch
import Features
import ClickHouse
import Forest
import Foundation
import Serve
import Warehouse
import Web

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `restock serve`: the HTTP API (docs/api.md) and the dashboard, over a data folder or the Instacart
/// tables of ClickHouse scored in memory; with ClickHouse, `live_stock` and the orders table are
/// polled in the background (`ServeLivePoller`) so the numbers move as orders arrive.
struct ServeCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the stock recommendations, baskets and KPIs over HTTP: a JSON API and a dashboard.",
        discussion: """
            Reads the data folder, builds every user's next-order candidate rows and scores them with the \
            model (progress on stderr), then prints "listening on http://HOST:PORT" on stderr and answers \
            until SIGTERM or SIGINT (graceful: requests in flight are answered). The dashboard is at /, a \
            user's page at /users/ID, the API under /api (docs/api.md), Prometheus metrics at /metrics. \
            POST /api/model/reload (or SIGHUP) scores the data again with the model file (or ?path=FILE) and \
            swaps the results in at once; a model with other features is refused and the old one kept. \
            --token (or RESTOCK_TOKEN) requires "Authorization: Bearer TOKEN" on the POST endpoints. \
            --port 0 picks a free port.
            With --clickhouse URL instead of --data, the history is read from the six Instacart tables of \
            --database (as `restock ingest` or `restock stream` wrote them); every --poll-every seconds the \
            server counts the orders table (orders per minute) and, when `restock stream --model` publishes \
            the table live_stock, swaps its μ, σ and stock in. With --cluster NAME (--clickhouse: any node of \
            it), the candidate rows are built on each shard (as `features --cluster`), the data and the order \
            count come from the node's _all tables, and live_stock is read from the --clickhouse node (where \
            `stream --cluster` publishes it).
            Example: restock serve --model models/reorder.rf --data data/synthetic
            Example: restock serve --model models/reorder.rf --clickhouse http://127.0.0.1:8123
            Example: restock serve --model models/reorder.rf --clickhouse http://127.0.0.1:8123 --cluster restock
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Option(help: "Instacart-layout data folder, scored in memory at start (or --clickhouse).")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @OptionGroup var cluster: ClusterOptions

    @Option(parsing: .unconditional, help: "With --clickhouse: seconds between polls of live_stock and the orders table.")
    var pollEvery = 2.0

    @Option(help: "Address to listen on (127.0.0.1: this machine only).")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "TCP port (0: any free port, printed on stderr).")
    var port = 8080

    @Option(help: "Bearer token for the POST endpoints (default: RESTOCK_TOKEN, else none).")
    var token: String?

    @Option(parsing: .unconditional, help: "Service level of the stored stock (a request may ask for another).")
    var serviceLevel = 0.95

    @Option(parsing: .unconditional, help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = 8 << 20

    @Option(parsing: .unconditional, help: "Seconds an idle or stalled connection is kept.")
    var idleTimeout = 30

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads for scoring (default: all cores).")
    var threadsOption: Int?

    @OptionGroup var job: JobOptions

    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }
    var handlesSignals: Bool { true }

    var plannedInputs: [JobDataset] {
        let source: [JobDataset]
        if let data { source = JobDataset.dataFolder(data) }
        else if let url = clickhouse.url { source = JobDataset.clickHouseTables(url: url, database: clickhouse.databaseName) }
        else { source = [] }
        return [.file(model, option: "--model")] + source
    }

    func validate() throws {
        try OptionCheck.within(0...65535, port, "--port")
        try OptionCheck.within(0.5...0.9999, serviceLevel, "--service-level")
        try OptionCheck.within(1...(1 << 30), maxBodyBytes, "--max-body-bytes")
        try OptionCheck.within(1...3600, idleTimeout, "--idle-timeout")
        try OptionCheck.threads(threadsOption)
        try OptionCheck.within(0.05...3600, pollEvery, "--poll-every")
        if (data == nil) == (clickhouse.givenURL == nil) { throw ValidationError("give one of --data DIR and --clickhouse URL") }
        try cluster.check(with: clickhouse)
        if host.isEmpty { throw ValidationError("--host must not be empty") }
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let model = try ForestModel.load(from: self.model)
        let inputs: ServeInputs
        var live: (client: ClickHouseClient, database: String)?
        if let data {
            inputs = try ServeInputs.read(directory: data, threads: threads, progress: context.messages)
        } else {
            let client = clickhouse.client(), database = clickhouse.databaseName
            if let (cluster, run) = try cluster.discoverChecked(clickhouse, progress: context.messages) {
                // the whole data through the node's _all tables (catalog, next orders, KPIs); the
                // candidate rows pushed down to each shard and merged by key (features --cluster)
                let tables = try InstacartTableReader.read(client, database: database, tableSuffix: ClusterTables.suffix,
                                                           progress: context.messages)
                context.message("building the candidate rows of \(Set(tables.orders.userID).count) users on "
                    + "\(cluster.shards.count) shards of cluster \(cluster.name)")
                let (matrix, _) = try ReorderMatrix.build(cluster: cluster, database: database, progress: context.messages)
                let check = ClusterLoadCheck(cluster: cluster, database: database)
                if try check.verify() != run { throw ReorderMatrixSourceError.changedDuringRead(database: database) }
                inputs = ServeInputs.from(tables, matrix: matrix,
                                          source: "\(clickhouse.url ?? "") database \(database) (cluster \(cluster.name))")
            } else {
                let tables = try InstacartTableReader.read(client, database: database, progress: context.messages)
                context.message("building the candidate rows of \(Set(tables.orders.userID).count) users")
                let (matrix, _) = ReorderMatrix.build(tables, blocks: max(64, threads * 16))
                inputs = ServeInputs.from(tables, matrix: matrix, source: "\(clickhouse.url ?? "") database \(database)")
            }
            live = (client, database)
        }
        let state = try ServeStateBuilder.state(inputs: inputs, model: model, modelPath: self.model, serviceLevel: serviceLevel,
                                                threads: threads, progress: context.messages)
        let holder = ServeStateHolder(state)
        let poller = live.map { ServeLivePoller(client: $0.client, database: $0.database,
                                                ordersTable: cluster.isGiven ? ClusterTables.allName("orders") : "orders", holder: holder, interval: pollEvery,
                                                warn: { context.warn($0) }) }
        poller?.start()
        defer { poller?.stop() }
        let (threads, serviceLevel, features) = (self.threads, self.serviceLevel, model.schema)
        let jobOptions = job, environment = ProcessInfo.processInfo.environment
        let reload: @Sendable (String?) throws -> ServeState = { path in
            let current = holder.current
            let file = path ?? current.model.path
            // A reload is a job of its own for lineage (restock.serve.reload); requests emit nothing.
            let lineage = JobLineage(command: "serve.reload", runID: UUID().uuidString, options: jobOptions,
                                     environment: environment, context: context)
            let planned: [JobDataset] = [.file(file, option: "--model")]
            lineage.start(inputs: planned)
            do {
                let next = try ForestModel.load(from: file, expectedSchema: features)
                let state = try ServeStateBuilder.state(inputs: inputs, model: next, modelPath: file, serviceLevel: serviceLevel,
                                                        threads: threads)
                var report = JobReport(summary: "reloaded model \(state.model.version)")
                report.modelVersion = state.model.version
                report.inputs = planned
                lineage.complete(report)
                return state
            } catch {
                lineage.fail(message: "\(error)", inputs: planned)
                throw error
            }
        }
        let secret = token ?? ProcessInfo.processInfo.environment["RESTOCK_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let api = WebAPI(holder: holder, token: secret.map(BearerToken.init), maximumBodyBytes: maxBodyBytes, reload: reload)
        let server = WebServer(api: api, host: host, port: port, idleTimeout: Int64(idleTimeout)) { host, port in
            let shown = host.contains(":") ? "[\(host)]" : host
            context.message("listening on http://\(shown):\(port) (model \(state.model.version), \(state.users.count) users, "
                + "\(state.recommendations.count) products\(secret == nil ? "" : ", POST endpoints need the bearer token"))")
        }
        let signals = ServeSignals(server: server, holder: holder, reload: reload, metrics: api.metrics, context: context)
        signals.install()
        try server.runBlocking()
        context.message("serve: stopped; answered every request in flight")
        var report = JobReport(summary: "served \(state.users.count) users and \(state.recommendations.count) products "
            + "(model \(holder.current.model.version))")
        report.modelVersion = holder.current.model.version
        report.rows = ["candidate_rows": state.candidateRows, "users": state.users.count, "products": state.recommendations.count]
        return report
    }
}

/// The signals of `restock serve`, received by dispatch sources (not in a signal handler):
/// SIGTERM and SIGINT shut the server down gracefully; SIGHUP reloads the model file.
final class ServeSignals: @unchecked Sendable {
    private let server: WebServer
    private let holder: ServeStateHolder
    private let reload: @Sendable (String?) throws -> ServeState
    private let metrics: ServeMetrics
    private let context: JobContext
    private var sources: [any DispatchSourceSignal] = []

    init(server: WebServer, holder: ServeStateHolder, reload: @escaping @Sendable (String?) throws -> ServeState,
         metrics: ServeMetrics, context: JobContext) {
        self.server = server
        self.holder = holder
        self.reload = reload
        self.metrics = metrics
        self.context = context
    }

    func install() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                if sig == SIGHUP { reloadModel() } else { stop(sig == SIGINT ? "SIGINT" : "SIGTERM") }
            }
            source.resume()
            sources.append(source)
        }
    }

    private func stop(_ name: String) {
        context.message("serve: \(name): shutting down gracefully")
        server.shutdown()
    }

    private func reloadModel() {
        do {
            let (old, new) = try holder.reloading { _ in try reload(nil) }
            metrics.recordReload(outcome: "ok")
            context.message("serve: SIGHUP: model \(old.model.version) -> \(new.model.version)")
        } catch {
            metrics.recordReload(outcome: "refused")
            context.warn("SIGHUP: the model was not reloaded (still \(holder.current.model.version)): \(error)")
        }
    }
}
