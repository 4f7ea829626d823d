import Foundation

/// The sink's conversation with the order log on a thread of its own, in order: fetches and
/// acknowledgements (`StreamRun`). The stream asks for the next batch before it commits the current
/// one, so the fetch (the broker, the copy of the payloads) runs while ClickHouse inserts; and it
/// hands over a committed batch's acknowledgement and goes on at once.
///
/// Order is what the guarantees need and is kept: every operation runs on the one thread, in the
/// order it was asked for, so a batch is acknowledged only after its commit (it is handed over
/// after it), and before any fetch asked for later. A failed fetch or acknowledgement makes the
/// next fetch rewind a `RewindableOrderLog` first (its unacknowledged messages come again, first
/// and in order); a failed acknowledgement is reported by `takeAcknowledgementFailures` (its
/// messages come again and are duplicates then). `close` waits until every acknowledgement asked
/// for is done; a batch fetched ahead and never taken stays unacknowledged, as after a crash.
///
/// The log is only touched by this thread (so a log that is not thread-safe is fine), except for
/// dead letters, which the stream publishes itself through its own publisher.
final class OrderLogPump: @unchecked Sendable {
    private enum Job {
        case fetch(max: Int, maxWait: Double)
        case acknowledge([LogMessage])
    }

    private let log: any OrderLogConsumer
    private let progress: (@Sendable (String) -> Void)?
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [Job] = []
    private var fetchAsked = false
    private var fetched: Result<[LogMessage], any Error>?
    private var acknowledgementFailures: [any Error] = []
    private var closing = false
    private var closed = false
    // The pump's thread only.
    private var needsRewind = false

    init(log: any OrderLogConsumer, progress: (@Sendable (String) -> Void)?) {
        self.log = log
        self.progress = progress
        let thread = Thread { [self] in work() }
        thread.name = "restock-stream-log"
        thread.start()
    }

    /// True when a fetch was asked for and its result not taken yet.
    var hasFetchAsked: Bool {
        condition.lock()
        defer { condition.unlock() }
        return fetchAsked
    }

    /// Asks for the next batch (at most one outstanding).
    func askFetch(max: Int, maxWait: Double) {
        condition.lock()
        defer { condition.unlock() }
        precondition(!fetchAsked, "one fetch at a time")
        fetchAsked = true
        jobs.append(.fetch(max: max, maxWait: maxWait))
        condition.broadcast()
    }

    /// The batch asked for (waits for it); throws the fetch's error.
    func takeFetched() throws -> [LogMessage] {
        condition.lock()
        defer { condition.unlock() }
        precondition(fetchAsked, "takeFetched without askFetch")
        while fetched == nil { condition.wait() }
        let result = fetched!
        fetched = nil
        fetchAsked = false
        return try result.get()
    }

    /// Acknowledges `messages` after everything asked for before (returns at once).
    func acknowledge(_ messages: [LogMessage]) {
        condition.lock()
        defer { condition.unlock() }
        jobs.append(.acknowledge(messages))
        condition.broadcast()
    }

    /// The acknowledgements that failed since the last call.
    func takeAcknowledgementFailures() -> [any Error] {
        condition.lock()
        defer { condition.unlock() }
        let failures = acknowledgementFailures
        acknowledgementFailures = []
        return failures
    }

    /// Waits until every job asked for is done (a fetch's result is dropped), then ends the thread.
    func close() {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
        while !closed { condition.wait() }
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closing { condition.wait() }
            if jobs.isEmpty {
                closed = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            switch job {
            case .fetch(let max, let maxWait):
                let result = Result { () throws -> [LogMessage] in
                    if needsRewind, let rewindable = log as? any RewindableOrderLog {
                        try rewindable.rewindUnacknowledged()
                        progress?("rewound the consumer: its unacknowledged messages come first again")
                    }
                    needsRewind = false
                    do {
                        return try log.fetch(max: max, maxWait: maxWait)
                    } catch {
                        needsRewind = true
                        throw error
                    }
                }
                condition.lock()
                fetched = result
            case .acknowledge(let messages):
                var failure: (any Error)?
                do { try log.acknowledge(messages) } catch {
                    failure = error
                    needsRewind = true
                }
                condition.lock()
                if let failure { acknowledgementFailures.append(failure) }
            }
            condition.broadcast()
            condition.unlock()
        }
    }
}
