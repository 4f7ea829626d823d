import Features
import Foundation

/// Replays an `OrderFeed` into an order log (`restock publish`): each event encoded as JSON
/// (`OrderEventJSON`, docs/events.md) and published with its order_id as the de-duplication id.
///
/// The publisher bounds the messages in flight (JetStream's `MaxPending`), so memory stays flat
/// whatever the feed's size; `flushEvery` events the run waits for every acknowledgement, so a
/// failure surfaces within that many events, and it flushes once more at the end. With `rate` the
/// run paces itself to that many events per second (sleeping until event i's due time
/// `i / rate` seconds after the start; after a stall it publishes without pause until it is back on
/// schedule). Cost: one JSON encoding per event (~1 µs) plus the publisher's.
public struct PublishRun {
    public var feed: OrderFeed
    /// Events per second; nil publishes as fast as the log acknowledges.
    public var rate: Double?
    /// Events between two flushes (at least 1).
    public var flushEvery = 50_000
    /// Called with the fraction of events published, at most every 1 % and at the end.
    public var progress: ((Double) -> Void)?

    public init(feed: OrderFeed, rate: Double? = nil) {
        self.feed = feed
        self.rate = rate
    }

    /// Publishes every event of the feed, then flushes. Throws what the publisher throws (the first
    /// message not stored); events before it may be in the log (publishing again is harmless: the
    /// ids de-duplicate them).
    public func run(into publisher: OrderLogPublisher) throws -> PublishSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let total = feed.count
        let step = max(1, total / 100)
        var bytes = 0
        var lines = 0
        for i in 0..<total {
            if let rate, rate > 0 {
                let due = start + .nanoseconds(Int64(Double(i) / rate * 1e9))
                let now = clock.now
                if due > now { Thread.sleep(forTimeInterval: Self.seconds(due - now)) }
            }
            let event = feed.event(at: i)
            let payload = OrderEventJSON.encode(event)
            try publisher.publish(payload, id: event.messageID)
            bytes += payload.count
            lines += event.lines.count
            if (i + 1) % max(1, flushEvery) == 0 { try publisher.flush() }
            if (i + 1) % step == 0 { progress?(Double(i + 1) / Double(total)) }
        }
        try publisher.flush()
        progress?(1)
        return PublishSummary(events: total, lines: lines, bytes: bytes, seconds: Self.seconds(clock.now - start))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// What a `PublishRun` published.
public struct PublishSummary: Sendable, Equatable {
    public var events: Int
    public var lines: Int
    /// JSON bytes published (payloads only).
    public var bytes: Int
    /// From the first publish to the last acknowledgement.
    public var seconds: Double

    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
}
