import Features

extension InstacartData {
    /// Shard `k` (0-based) of `n` under issue 15's routing: the orders of the users with
    /// user_id % n == k, the order_products rows of those orders (prior and train), and the whole
    /// catalog (aisles, departments, products), rows in their original order. The shards of one
    /// data set partition its orders and order_products rows.
    public func shard(_ k: Int, of n: Int) -> InstacartData {
        precondition(n > 0 && (0..<n).contains(k), "shard \(k) of \(n)")
        var kept = OrderTable()
        var keptOrders = Set<Int32>()
        for r in 0..<orders.count where Int(orders.userID[r]) % n == k {
            kept.append(orderID: orders.orderID[r], userID: orders.userID[r], evalSet: orders.evalSet(atRow: r),
                        orderNumber: orders.orderNumber[r], dow: orders.dow[r], hour: orders.hour[r],
                        daysSincePrior: orders.daysSincePrior[r])
            keptOrders.insert(orders.orderID[r])
        }
        func rows(_ table: OrderProductTable) -> OrderProductTable {
            var result = OrderProductTable()
            for i in 0..<table.count where keptOrders.contains(table.orderID[i]) {
                result.append(orderID: table.orderID[i], productID: table.productID[i], addToCartOrder: table.addToCartOrder[i],
                              reordered: table.reordered[i])
            }
            return result
        }
        return InstacartData(aisles: aisles, departments: departments, products: products, orders: kept,
                             priorProducts: rows(priorProducts), trainProducts: rows(trainProducts))
    }
}
