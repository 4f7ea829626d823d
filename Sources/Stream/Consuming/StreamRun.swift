import ClickHouse
import Dispatch
import Features
import Foundation
import Tabular
import Warehouse

/// `restock stream`: a durable consumer that appends live orders to the Instacart tables of a
/// ClickHouse database exactly once per order_id, whatever fails (docs/events.md, "The sink").
///
/// Loop: take the batch fetched (up to `batchSize` messages, waiting at most `maxWait` s) and ask
/// the log's thread (`OrderLogPump`) for the next one, then per batch: (1) unless this run holds it,
/// take the ingest lock `restock_ingest__lock` (`PublishLock`; an ingest never swaps the tables
/// under a batch, and a batch waits up to `lockWait` s for an ingest), check that the six tables
/// exist and come from one ingest (a new load id resets what was cached) and that the known state
/// (`SinkKnownState`: committed order_ids, orphan lines, user sequences) still matches the tables'
/// write marks, else load it again; (2) plan (`BatchPlanner`: decode, validate, de-duplicate against
/// the known state, derive `reordered`); (3) append the new orders' lines, one INSERT per
/// order_products table; (4) append their `orders` rows in one INSERT: the orders row is the
/// commit marker, and each INSERT is one block (atomic on 18.16; an aborted upload is reset, never
/// committed cut); (5) publish the dead letters and flush; hand the orders to the `observer`;
/// (6) hand the acknowledgement of every message of the batch to the log's thread, which sends it
/// after the fetch already asked for and before any later one (a failed acknowledgement is only
/// counted: the messages come again and are duplicates then). The lock is kept across batches for
/// `lockHold` s, then released for at least `lockPause` s; also released when a fetch comes back
/// empty, on any failure and at the end. A crash anywhere leaves messages unacknowledged: they come
/// again, step (2) finds their orders committed (duplicates) or their lines without orders rows
/// (only the orders rows are written), so each order is appended once.
///
/// It ends when `shouldStop()` turns true (checked between batches: the batch in hand and the one
/// fetched ahead are finished and acknowledged first) or after `untilIdle` seconds without a
/// message; a ClickHouse or log failure is retried per `retry` (the lock released, the known state
/// dropped, the batch planned again from scratch), then thrown. After a failed fetch or
/// acknowledgement a `RewindableOrderLog` is rewound, so that messages lost in a broken connection
/// come again first and in order.
///
/// Cost per batch of new orders: the three INSERTs, nothing else on ClickHouse while the lock is
/// held (five small statements and a `system.parts` query each time it is taken again); the fetch
/// and the acknowledgements overlap the INSERTs on the log's thread. Memory: O(batch) for two
/// batches, plus the known state (about 10 bytes per stored order).
public struct StreamRun {
    public let client: ClickHouseClient
    public let database: String
    public let log: any OrderLogConsumer
    public let deadLetters: any OrderLogPublisher
    public var batchSize = 20_000
    public var maxWait = 1.0
    /// Seconds without any message after which the run ends; nil: run until stopped.
    public var untilIdle: Double?
    /// Polled between batches and while waiting; true ends the run after the batch in hand.
    public var shouldStop: @Sendable () -> Bool = { false }
    public var observer: (any StreamObserver)?
    /// One line per notable step and a progress line every `progressInterval` seconds.
    public var progress: (@Sendable (String) -> Void)?
    public var progressInterval = 5.0
    /// Called at each `StreamFaultStep` (fault tests); nil in normal use.
    public var fault: StreamFaultHook?
    public var lockWait = 120.0
    /// Seconds the sink keeps the ingest lock across batches once it took it: it is released when
    /// this has passed (then not taken again for `lockPause` s, so a waiting ingest gets it), when a
    /// fetch comes back empty, on any failure and at the end.
    public var lockHold = 20.0
    /// Seconds between a release at the end of `lockHold` and the next acquire (longer than the
    /// 0.2 s between an ingest's attempts to take the lock).
    public var lockPause = 0.3
    /// Fetch the next batch while the current one is planned and inserted (`OrderLogPump`; the
    /// acknowledgements are handed to the same thread either way).
    public var prefetch = true
    public var retry = StreamRetryPolicy()
    /// The payload decoder (`OrderEventJSON.decode` by default).
    public var decode: ([UInt8]) throws -> OrderEvent = { try OrderEventJSON.decode($0) }
    /// Who runs (the lock's holder); nil: this process with a fresh run id.
    public var owner: RunOwner?

    /// The cluster whose shards the orders go to (by user); nil: the one node of `client`.
    public let cluster: ClickHouseCluster?

    public init(client: ClickHouseClient, database: String, log: any OrderLogConsumer, deadLetters: any OrderLogPublisher) {
        self.client = client
        self.database = database
        self.log = log
        self.deadLetters = deadLetters
        cluster = nil
    }

    /// A sink into every shard of `cluster` (`SinkShards`): each order and its lines on the shard of
    /// its user, into the shard's own tables; a batch is acknowledged once every shard it touched
    /// committed. `client` is shard 1's.
    public init(cluster: ClickHouseCluster, database: String, log: any OrderLogConsumer, deadLetters: any OrderLogPublisher) {
        client = cluster.shards[0]
        self.database = database
        self.log = log
        self.deadLetters = deadLetters
        self.cluster = cluster
    }

    /// The steps of a batch whose wall seconds `StreamSummary.phaseSeconds` sums.
    public enum Phase: String, CaseIterable, Sendable {
        case fetch, lock, plan, insert, deadLetters = "dead_letters", observer, ack
    }

    /// Runs until stopped or idle (see the type). Throws when the tables are missing or mixed, or
    /// when a failure outlasts `retry`.
    public func run() throws -> StreamSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = StreamSummary()
        let owner = self.owner ?? RunOwner.current()
        let sink = try SinkShards(clients: cluster?.shards ?? [client], cluster: cluster, database: database, owner: owner,
                                  decode: decode, progress: progress)
        var lockTaken: ContinuousClock.Instant?
        var lockReleased: ContinuousClock.Instant?
        func releaseLock() {
            guard lockTaken != nil else { return }
            sink.release()
            lockTaken = nil
            lockReleased = clock.now
        }
        defer { releaseLock() }
        var lastMessage = clock.now
        var phases: [Phase: Double] = [:]
        var lapStart = clock.now
        func lap(_ phase: Phase) {
            let now = clock.now
            phases[phase, default: 0] += Elapsed.seconds(now - lapStart)
            lapStart = now
        }
        var lastProgress = clock.now
        let pump = OrderLogPump(log: log, progress: progress)
        defer { pump.close() }
        func countAcknowledgementFailures() {
            for error in pump.takeAcknowledgementFailures() {
                summary.ackFailures += 1
                progress?("could not acknowledge a committed batch (\(error)); its messages will come again and be skipped as duplicates")
            }
        }
        while true {
            let stopping = shouldStop()
            if stopping && !pump.hasFetchAsked { break }
            lapStart = clock.now
            let retriesBefore = summary.retries
            let messages: [LogMessage]
            if stopping {
                // A batch fetched ahead before the stop is finished too: a stop leaves nothing unacknowledged.
                guard let ahead = try? pump.takeFetched(), !ahead.isEmpty else { break }
                messages = ahead
            } else {
                messages = try retrying("fetch from the order log", log: true, &summary) { () throws -> [LogMessage] in
                    if !pump.hasFetchAsked { pump.askFetch(max: batchSize, maxWait: maxWait) }
                    do {
                        return try pump.takeFetched()
                    } catch {
                        releaseLock()
                        throw error
                    }
                }
            }
            countAcknowledgementFailures()
            if summary.retries != retriesBefore { lastMessage = clock.now }  // an outage is not idleness
            if messages.isEmpty {
                releaseLock()
                try observer?.idle()
                if let untilIdle, Elapsed.seconds(clock.now - lastMessage) >= untilIdle {
                    summary.ending = "idle for \(Elapsed.format(untilIdle)) s"
                    break
                }
                continue
            }
            lastMessage = clock.now
            // The next batch is fetched while this one is planned and inserted (`OrderLogPump`).
            if prefetch && !shouldStop() { pump.askFetch(max: batchSize, maxWait: maxWait) }
            lap(.fetch)
            summary.batches += 1
            summary.events += messages.count
            let plan = try retrying("append a batch to ClickHouse", log: false, &summary) { () throws -> BatchPlan in
                do {
                    if lockTaken == nil {
                        if let lockReleased {
                            let pause = lockPause - Elapsed.seconds(clock.now - lockReleased)
                            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                        }
                        try sink.acquire(wait: lockWait)
                        lockTaken = clock.now
                        lap(.lock)
                    }
                    let plan = try sink.plan(messages)
                    lap(.plan)
                    try sink.commit { [fault] plan, tables in try Self.commit(plan, tables: tables, fault: fault) }
                    lap(.insert)
                    return plan
                } catch {
                    releaseLock()
                    sink.reset()
                    throw error
                }
            }
            sink.committed()
            if let lockTaken, Elapsed.seconds(clock.now - lockTaken) >= lockHold || shouldStop() { releaseLock() }
            lap(.plan)  // the planner's bookkeeping of the commit
            try retrying("publish dead letters", log: true, &summary) {
                for (message, reason) in plan.deadLetters {
                    try deadLetters.publishDeadLetter(message.payload, reason: reason.description, position: message.position)
                }
                if !plan.deadLetters.isEmpty { try deadLetters.flush() }
            }
            lap(.deadLetters)
            try observer?.committed(plan.appends.map(\.event))
            lap(.observer)
            pump.acknowledge(messages)
            lap(.ack)
            summary.ordersAppended += plan.appends.count
            summary.lines += plan.appends.reduce(0) { $0 + ($1.linesStored ? 0 : $1.event.lines.count) }
            summary.duplicatesSkipped += plan.duplicates
            for (_, reason) in plan.deadLetters { summary.deadLetters[reason.kind.rawValue, default: 0] += 1 }
            if Elapsed.seconds(clock.now - lastProgress) >= progressInterval {
                lastProgress = clock.now
                summary.seconds = Elapsed.seconds(clock.now - start)
                summary.phaseSeconds = Dictionary(uniqueKeysWithValues: phases.map { ($0.key.rawValue, $0.value) })
                progress?(Self.progressLine(summary))
            }
        }
        releaseLock()
        pump.close()
        countAcknowledgementFailures()
        if summary.ending.isEmpty { summary.ending = "stop requested" }
        try observer?.finish()
        summary.seconds = Elapsed.seconds(clock.now - start)
        summary.phaseSeconds = Dictionary(uniqueKeysWithValues: phases.map { ($0.key.rawValue, $0.value) })
        return summary
    }

    /// Steps (3) and (4) of the type on one node or shard, with the fault points.
    static func commit(_ plan: BatchPlan, tables: OrderSinkTables, fault: StreamFaultHook?) throws {
        try fault?(.beforeInsert)
        try tables.insertLines(plan.linesToInsert(.prior), into: InstacartSchema.priorProducts)
        try tables.insertLines(plan.linesToInsert(.train), into: InstacartSchema.trainProducts)
        try fault?(.midInsert)
        try tables.insertOrders(plan.appends.map(\.event))
        try fault?(.afterInsert)
    }

    /// `body`, again after a pause while it throws a transient error (`StreamRetryPolicy`): any
    /// error of the log (`log`: the broker reconnects), `isTransient` ClickHouse errors otherwise.
    /// Gives up after `retry.giveUpAfter` s or when a stop is requested.
    func retrying<T>(_ what: String, log: Bool, _ summary: inout StreamSummary, _ body: () throws -> T) throws -> T {
        let clock = ContinuousClock()
        let first = clock.now
        var attempt = 1
        while true {
            do {
                return try body()
            } catch {
                let permanent = error is ClickHouseError || error is ReorderMatrixSourceError || error is PublishError
                guard StreamRetryPolicy.isTransient(error) || (log && !permanent),
                      Elapsed.seconds(clock.now - first) < retry.giveUpAfter, !shouldStop() else { throw error }
                let pause = retry.delay(afterAttempt: attempt)
                progress?("could not \(what) (\(error)); trying again in \(Elapsed.format(pause)) s")
                summary.retries += 1
                attempt += 1
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    /// A client for the hot path: no `DESCRIBE` before each statement (the schema is checked once
    /// by `ReorderMatrix.checkTablesExist` and the inserts name their columns).
    static func quietClient(_ client: ClickHouseClient) -> ClickHouseClient {
        var configuration = client.configuration
        configuration.verifyColumnTypes = false
        return ClickHouseClient(configuration: configuration)
    }

    static func progressLine(_ s: StreamSummary) -> String {
        "stream: \(s.events) events in \(s.batches) batches, \(s.ordersAppended) orders and \(s.lines) lines appended, "
            + "\(s.duplicatesSkipped) duplicates, \(s.deadLetterTotal) dead letters, \(Int(s.eventsPerSecond.rounded())) events/s; s per step: "
            + Phase.allCases.map { "\($0.rawValue) \(Elapsed.format(s.phaseSeconds[$0.rawValue] ?? 0))" }.joined(separator: ", ")
    }
}
