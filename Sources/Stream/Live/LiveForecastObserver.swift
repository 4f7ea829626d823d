import Foundation

/// The live forecast behind `restock stream --model`: the stream's observer (the three calls of
/// the sink's `StreamObserver`, on the stream's thread, or on its own through `LiveForecastWorker`,
/// as the command runs it) that keeps a `LiveForecast` and its `live_stock` table up to date.
///
/// `committed(events)`: applies the batch's orders (their users re-scored at once), then refreshes
/// the stale users if `refreshEvery` seconds have passed since the last refresh, then publishes if
/// `publishEvery` seconds have passed (`LiveStockTable.publishIfDue`). `idle()`: refreshes and
/// publishes when due (a quiet log brings `live_stock` to the exact batch forecast within one
/// publish interval). `finish()`: refreshes and publishes now if anything changed since the last
/// publish, so a run that ends leaves `live_stock` equal to `recommend` on the data it wrote.
/// An error (ClickHouse down during a publish) is thrown to the stream, which stops before
/// acknowledging; the forecast has already applied the batch, so such a run must be restarted
/// (its state is loaded again from ClickHouse).
public final class LiveForecastObserver {
    public let forecast: LiveForecast
    public let table: LiveStockTable?
    /// Seconds between refreshes while orders keep arriving (0: after every batch).
    public let refreshEvery: Double
    public private(set) var lastRefresh = Date()
    public private(set) var applied = LiveForecast.Step()
    public private(set) var refreshed = LiveForecast.Step()
    public private(set) var refreshes = 0
    private let now: () -> Date

    public init(forecast: LiveForecast, table: LiveStockTable?, refreshEvery: Double, now: @escaping () -> Date = Date.init) {
        self.forecast = forecast
        self.table = table
        self.refreshEvery = max(0, refreshEvery)
        self.now = now
        lastRefresh = now()
    }

    public func committed(_ events: [OrderEvent]) throws {
        let step = try forecast.apply(events)
        applied.events += step.events
        applied.duplicateNumbers += step.duplicateNumbers
        applied.usersRescored += step.usersRescored
        applied.rowsScored += step.rowsScored
        table?.ordersApplied = applied.events
        if now().timeIntervalSince(lastRefresh) >= refreshEvery { try refresh() }
        try table?.publishIfDue(now: now())
    }

    /// Publishes if due (`LiveStockTable.publishIfDue`), without applying or refreshing.
    public func publishIfDue() throws {
        try table?.publishIfDue(now: now())
    }

    /// When the next publish may happen if the forecast changed (nil: now, or no table).
    public var nextPublish: Date? {
        guard let table, let last = table.lastPublished else { return nil }
        return last.addingTimeInterval(table.publishEvery)
    }

    /// True when the forecast changed since the last publish.
    public var hasUnpublishedChanges: Bool {
        guard let table else { return false }
        return table.lastPublishedRevision != forecast.revision
    }

    public func idle() throws {
        try refresh()
        try table?.publishIfDue(now: now())
    }

    public func finish() throws {
        try refresh()
        if let table, table.publishes == 0 || table.lastPublishedRevision != forecast.revision { try table.publishNow(now: now()) }
    }

    private func refresh() throws {
        let step = try forecast.refresh()
        lastRefresh = now()
        guard step.changedProducts > 0 else { return }
        refreshes += 1
        refreshed.changedProducts += step.changedProducts
        refreshed.usersRescored += step.usersRescored
        refreshed.rowsScored += step.rowsScored
    }
}
