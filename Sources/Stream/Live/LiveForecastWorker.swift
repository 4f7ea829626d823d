import Foundation

/// The live forecast on a thread of its own (`restock stream --model`): the stream's observer that
/// only queues each committed batch and returns, while its thread applies the queued orders to a
/// `LiveForecastObserver` and publishes `live_stock` as soon as a publish is due.
///
/// So the sink's batches never wait for the forest (they used to: apply, refresh and publish ran
/// between a batch's commit and its acknowledgement), and an applied order waits for no next batch
/// to be published: the thread sleeps until the next publish is due (`--publish-every` after the
/// last one) and publishes then. Batches that queue up while the thread is busy are applied
/// together, up to `applyChunk` events per `apply` (which the forecast treats like separate ones),
/// and a publish that falls due goes before the next chunk.
///
/// Guarantees are unchanged: the forecast sees each committed order once, in log order, and after
/// `finish()` (which waits for the queue to drain, then refreshes and publishes) `live_stock`
/// equals `recommend` on the data written. Messages may now be acknowledged before their orders are
/// applied: that loses nothing, since a restarted stream loads its forecast from the tables, which
/// hold every committed order. An error of the thread (ClickHouse down during a publish) is thrown
/// by the stream's next call (`committed`, `idle` or `finish`), which stops the run.
///
/// Memory: at most `maxPending` queued events (then `committed` waits for the thread: backpressure).
public final class LiveForecastWorker: StreamObserver, @unchecked Sendable {
    public let observer: LiveForecastObserver
    /// Most events queued before `committed` waits.
    public let maxPending: Int
    /// Most events applied at once: between two such applies a publish that fell due goes first,
    /// so the orders at the head of a long queue are published without waiting for all of it.
    public let applyChunk: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [OrderEvent] = []
    private var idleRequested = false
    private var finishing = false
    private var finished = false
    private var busy = false
    private var failure: (any Error)?
    private var thread: Thread?

    public init(observer: LiveForecastObserver, maxPending: Int = 200_000, applyChunk: Int = 2_000) {
        self.observer = observer
        self.maxPending = max(1, maxPending)
        self.applyChunk = max(1, applyChunk)
        let thread = Thread { [self] in work() }
        thread.name = "restock-live-forecast"
        self.thread = thread
        thread.start()
    }

    public func committed(_ events: [OrderEvent]) throws {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && !finished && pending.count >= maxPending { condition.wait() }
        if let failure { throw failure }
        pending.append(contentsOf: events)
        condition.broadcast()
    }

    public func idle() throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        idleRequested = true
        condition.broadcast()
    }

    /// Waits until every queued order is applied, then refreshes and publishes (`LiveForecastObserver.finish`).
    public func finish() throws {
        condition.lock()
        finishing = true
        condition.broadcast()
        while !finished { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// True while no event waits and the thread is not applying any (for tests).
    public var isDrained: Bool {
        condition.lock()
        defer { condition.unlock() }
        return pending.isEmpty && !busy
    }

    /// The thread: apply what is queued, or the idle work, or a publish that fell due; sleep otherwise.
    private func work() {
        while true {
            condition.lock()
            var events: [OrderEvent] = []
            var runIdle = false
            var publish = false
            var end = false
            while true {
                // A due publish first, so that a long queue does not hold back what is applied already.
                let due = observer.hasUnpublishedChanges ? (observer.nextPublish ?? Date()) : nil
                if let due, due <= Date() { publish = true; break }
                if !pending.isEmpty {
                    if pending.count <= applyChunk {
                        swap(&events, &pending)
                    } else {
                        events = Array(pending.prefix(applyChunk))
                        pending.removeFirst(applyChunk)
                    }
                    break
                }
                if finishing { end = true; break }
                if idleRequested { runIdle = true; idleRequested = false; break }
                if let due { _ = condition.wait(until: due) } else { condition.wait() }
            }
            busy = true
            condition.broadcast()
            condition.unlock()
            var error: (any Error)?
            do {
                if !events.isEmpty {
                    try observer.committed(events)
                } else if runIdle {
                    try observer.idle()
                } else if publish {
                    try observer.publishIfDue()
                } else if end {
                    try observer.finish()
                }
            } catch let caught {
                error = caught
            }
            condition.lock()
            busy = false
            if let error, failure == nil { failure = error }
            if end || failure != nil {
                finished = true
                pending = []
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.broadcast()
            condition.unlock()
        }
    }
}
