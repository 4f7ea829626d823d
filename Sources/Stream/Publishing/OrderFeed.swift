import Features

/// The orders of a data folder as a live feed would deliver them: one `OrderEvent` per selected
/// order, each user's orders in order_number order, users interleaved by time.
///
/// Time: each user has a clock of their own that starts at 0 with their first order; order k of a
/// user happens at `Σ days_since_prior_order of orders 2...k + order_hour_of_day(k) / 24` days (the
/// data has no calendar dates). Where that would go backwards (a same-day order,
/// days_since_prior_order 0, at an earlier hour than the one before) the previous order's time is
/// used, so a user's clock never decreases. The feed is sorted by time, ties broken by user_id and
/// then order_number: each user's orders come in order_number order.
///
/// `lastPriorOrders: K` keeps only each user's last K prior orders, whatever `selection` says (the
/// orders a live-equals-batch test streams onto the history that lacks them); `limit: N` keeps the
/// first N events of the feed.
/// An event's lines are its order_products rows sorted by add_to_cart_order, with `reordered` as in
/// the file; test orders have none.
///
/// Cost: O(orders log orders) to sort, 4 bytes per selected order plus the two order_products
/// indexes (4 bytes per row plus 4 per order each); events are built on demand by `event(at:)`.
public struct OrderFeed: Sendable {
    public let data: InstacartData
    /// Rows of `data.orders` in feed order.
    public let orderRows: [Int32]
    /// The feed time (days) of each order row of `data.orders` (`userClock`).
    public let times: [Double]
    /// Product lines of the selected orders.
    public let lineCount: Int
    private let priorIndex: OrderProductIndex
    private let trainIndex: OrderProductIndex

    public init(data: InstacartData, selection: OrderSelection = .all, lastPriorOrders: Int? = nil, limit: Int? = nil) {
        self.data = data
        let orders = data.orders
        let users = UserOrders(orders)
        let times = Self.userClock(orders, users: users)
        var selected: [Int32] = []
        selected.reserveCapacity(orders.count)
        for u in 0..<users.userCount {
            let rows = users.orders(ofUser: u)
            if let k = lastPriorOrders {
                let prior = rows.filter { orders.evalSet(atRow: Int($0)) == .prior }
                selected.append(contentsOf: prior.suffix(max(0, k)))
            } else {
                selected.append(contentsOf: rows.filter { selection.includes(orders.evalSet(atRow: Int($0))) })
            }
        }
        let userID = orders.userID, number = orders.orderNumber
        selected.sort { a, b in
            let (x, y) = (Int(a), Int(b))
            return (times[x], userID[x], number[x]) < (times[y], userID[y], number[y])
        }
        if let limit, limit < selected.count { selected.removeLast(selected.count - max(0, limit)) }
        let orderIndex = orders.rowIndex()
        priorIndex = data.priorProducts.indexByOrder(orders, orderIndex: orderIndex)
        trainIndex = data.trainProducts.indexByOrder(orders, orderIndex: orderIndex)
        orderRows = selected
        self.times = times
        var lines = 0
        for row in selected {
            switch orders.evalSet(atRow: Int(row)) {
            case .prior: lines += priorIndex.rowCount(ofOrderRow: Int(row))
            case .train: lines += trainIndex.rowCount(ofOrderRow: Int(row))
            case .test: break
            }
        }
        lineCount = lines
    }

    /// Number of events.
    public var count: Int { orderRows.count }

    /// The feed time of event `i` (days on its user's clock).
    public func time(at i: Int) -> Double { times[Int(orderRows[i])] }

    /// Event `i` of the feed. O(lines of the order · log).
    public func event(at i: Int) -> OrderEvent {
        let row = Int(orderRows[i])
        let orders = data.orders
        let evalSet = orders.evalSet(atRow: row)
        var lines: [OrderLine] = []
        let (table, index): (OrderProductTable, OrderProductIndex?) = switch evalSet {
        case .prior: (data.priorProducts, priorIndex)
        case .train: (data.trainProducts, trainIndex)
        case .test: (OrderProductTable(), nil)
        }
        if let index {
            lines.reserveCapacity(index.rowCount(ofOrderRow: row))
            for r in index.rows(ofOrderRow: row) {
                let r = Int(r)
                lines.append(OrderLine(productID: table.productID[r], addToCartOrder: table.addToCartOrder[r],
                                       reordered: table.reordered[r] != 0))
            }
            lines.sort { $0.addToCartOrder < $1.addToCartOrder }
        }
        let days = orders.daysSincePrior[row]
        return OrderEvent(
            orderID: orders.orderID[row], userID: orders.userID[row], evalSet: evalSet, orderNumber: orders.orderNumber[row],
            dow: orders.dow[row], hour: orders.hour[row], daysSincePrior: days.isNaN ? nil : days, lines: lines)
    }

    /// The feed time of every order row: per user, in order_number order, the running sum of
    /// days_since_prior_order (an empty value counts 0) plus order_hour_of_day / 24, raised to the
    /// previous order's time where an order of the same day has an earlier hour (days_since_prior
    /// 0 with a smaller hour), so that each user's times never decrease with order_number. O(orders).
    public static func userClock(_ orders: OrderTable, users: UserOrders) -> [Double] {
        var times = [Double](repeating: 0, count: orders.count)
        for u in 0..<users.userCount {
            var days = 0.0
            var previous = -Double.infinity
            for row in users.orders(ofUser: u) {
                let r = Int(row)
                let gap = orders.daysSincePrior[r]
                if !gap.isNaN { days += Double(gap) }
                let time = max(previous, days + Double(orders.hour[r]) / 24)
                times[r] = time
                previous = time
            }
        }
        return times
    }
}
