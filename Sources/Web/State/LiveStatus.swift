import Foundation

/// What `restock serve --clickhouse` knows of the live stream at its last poll: orders appended
/// since the server started, orders per minute over the last minute polled, and how old the
/// `live_stock` table is. Computed by the poller (which reads ClickHouse); the Web target only
/// renders it (`GET /api/kpis`, `/metrics`, the dashboard). Plain values, O(1) memory.
public struct LiveStatus: Sendable, Equatable {
    /// Orders in the orders table at the last poll.
    public var orders: Int
    /// Orders appended since the server started.
    public var ordersSinceStart: Int
    /// Orders per minute over the window between the oldest kept sample and the last poll.
    public var ordersPerMinute: Double
    /// Products in `live_stock` (0: no table yet).
    public var liveProducts: Int
    /// Seconds between the last poll and `max(updated_at)` of `live_stock`; nil without the table.
    public var streamLagSeconds: Double?
    /// `max(updated_at)` of `live_stock` as Unix seconds (whole seconds, ClickHouse's DateTime);
    /// nil without the table. A client's own clock minus it is the age of the served numbers.
    public var streamUpdatedAt: Double? = nil
    /// The `model_version` of `live_stock`'s rows, if any.
    public var liveModelVersion: String?
    /// Orders per minute at each poll, oldest first (at most `LiveStatus.historyLimit`): the chart.
    public var ordersPerMinuteHistory: [Double]

    public static let historyLimit = 120

    public init(orders: Int, ordersSinceStart: Int, ordersPerMinute: Double, liveProducts: Int, streamLagSeconds: Double?,
                liveModelVersion: String?, ordersPerMinuteHistory: [Double]) {
        self.orders = orders
        self.ordersSinceStart = ordersSinceStart
        self.ordersPerMinute = ordersPerMinute
        self.liveProducts = liveProducts
        self.streamLagSeconds = streamLagSeconds
        self.liveModelVersion = liveModelVersion
        self.ordersPerMinuteHistory = ordersPerMinuteHistory
    }
}

/// One product's numbers in `live_stock`.
public struct LiveStockRow: Sendable, Equatable {
    public var productID: Int32
    public var mu: Double
    public var sigma: Double
    public var stock: Int
    public var serviceLevel: Double

    public init(productID: Int32, mu: Double, sigma: Double, stock: Int, serviceLevel: Double) {
        self.productID = productID
        self.mu = mu
        self.sigma = sigma
        self.stock = stock
        self.serviceLevel = serviceLevel
    }
}
