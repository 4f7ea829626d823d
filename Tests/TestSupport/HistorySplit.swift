import Features

/// The "live equals batch" split of a data set D (issue 13): H = D minus each user's last `k` prior
/// orders and their order_products rows, with nothing renumbered (the users' train and test orders
/// stay in H as their target orders). `removed` lists the row numbers of D's orders taken out, in
/// the order a feed would send them: by order_number, then by user_id (so each user's orders come
/// in order_number order, users interleaved).
public struct HistorySplit: Sendable {
    public let history: InstacartData
    public let full: InstacartData
    /// Rows of `full.orders`.
    public let removed: [Int]
    /// Per removed order row: its rows of `full.priorProducts`, in file order.
    public let removedLines: [Int: [Int]]

    public init(_ data: InstacartData, lastPriorOrders k: Int) {
        full = data
        let orders = data.orders
        // Each user's prior order rows, by order_number.
        var byUser: [Int32: [Int]] = [:]
        for r in 0..<orders.count where orders.evalSet(atRow: r) == .prior { byUser[orders.userID[r], default: []].append(r) }
        var drop = Set<Int>()
        for (_, rows) in byUser {
            let sorted = rows.sorted { orders.orderNumber[$0] < orders.orderNumber[$1] }
            for r in sorted.suffix(k) { drop.insert(r) }
        }
        removed = drop.sorted { (orders.orderNumber[$0], orders.userID[$0]) < (orders.orderNumber[$1], orders.userID[$1]) }
        let dropIDs = Set(drop.map { orders.orderID[$0] })
        var kept = OrderTable()
        for r in 0..<orders.count where !drop.contains(r) {
            kept.append(orderID: orders.orderID[r], userID: orders.userID[r], evalSet: orders.evalSet(atRow: r),
                        orderNumber: orders.orderNumber[r], dow: orders.dow[r], hour: orders.hour[r],
                        daysSincePrior: orders.daysSincePrior[r])
        }
        let rowOfOrder = Dictionary(uniqueKeysWithValues: drop.map { (orders.orderID[$0], $0) })
        var lines: [Int: [Int]] = [:]
        var prior = OrderProductTable()
        let p = data.priorProducts
        for i in 0..<p.count {
            if dropIDs.contains(p.orderID[i]) {
                lines[rowOfOrder[p.orderID[i]]!, default: []].append(i)
            } else {
                prior.append(orderID: p.orderID[i], productID: p.productID[i], addToCartOrder: p.addToCartOrder[i],
                             reordered: p.reordered[i])
            }
        }
        removedLines = lines
        history = InstacartData(aisles: data.aisles, departments: data.departments, products: data.products, orders: kept,
                                priorProducts: prior, trainProducts: data.trainProducts)
    }
}
