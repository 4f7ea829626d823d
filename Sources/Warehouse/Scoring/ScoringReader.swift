import ClickHouse
import Features
import Foundation
import Serve
import Tabular

/// One scored chunk on its way to the INSERT.
struct ScoredRows: Sendable {
    let users: [Int32]
    let products: [Int32]
    let probabilities: [Float]
    var count: Int { probabilities.count }
}

/// The reading side of `ClickHouseScoringRun`'s table output, on its own thread: streams the
/// candidate chunks, scores each, and puts it into the handoff; finishes or fails the handoff at
/// the end. `start` runs it on a thread of its own (8 MiB stack); its results are read after `join`
/// (the semaphore orders the accesses).
final class ScoringReader: @unchecked Sendable {
    let client: ClickHouseClient
    let database: String
    let chunkRows: Int
    let scorer: StreamingScorer
    let handoff: ChunkHandoff<ScoredRows>
    private(set) var timings = ReorderMatrix.ClickHouseTimings()
    private(set) var rows = 0
    private(set) var chunks = 0
    private(set) var predict = 0.0
    private(set) var predictCPU = 0.0
    private(set) var waitForInsert = 0.0
    private(set) var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)
    private var joined = false

    init(client: ClickHouseClient, database: String, chunkRows: Int, scorer: StreamingScorer, handoff: ChunkHandoff<ScoredRows>) {
        self.client = client
        self.database = database
        self.chunkRows = chunkRows
        self.scorer = scorer
        self.handoff = handoff
    }

    func run(progress: (@Sendable (String) -> Void)?) {
        let clock = ContinuousClock()
        do {
            // The table sorts what it gets: no need to have the server sort it first.
            timings = try ReorderMatrix.stream(clickhouse: client, database: database, chunkRows: chunkRows, ordered: false,
                                               progress: progress) { chunk in
                let (wall, cpu) = (clock.now, ProcessCPUTime.seconds())
                let probabilities = try scorer.predictor.predict(chunk.features, threads: scorer.threads)
                predict += Elapsed.seconds(clock.now - wall)
                predictCPU += ProcessCPUTime.seconds() - cpu
                let waitStart = clock.now
                try handoff.put(ScoredRows(users: chunk.keys.columns[0], products: chunk.keys.columns[1],
                                           probabilities: probabilities))
                waitForInsert += Elapsed.seconds(clock.now - waitStart)
                rows += chunk.rowCount
                chunks += 1
            }
            handoff.finish()
        } catch {
            failure = error
            handoff.fail(error)
        }
    }

    /// Runs `run` on a new thread.
    func start(progress: (@Sendable (String) -> Void)?) {
        let thread = Thread {
            self.run(progress: progress)
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the thread started by `start` to end (at once after the first call; call it from
    /// one thread), then returns the counts and times, or throws the error that stopped the stream.
    func join() throws -> ScoringReader {
        if !joined {
            done.wait()
            joined = true
        }
        if let failure { throw failure }
        return self
    }
}
