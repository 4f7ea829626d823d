import ClickHouse
import Features

/// Cuts an Instacart data set into the parts of the shards of a cluster (the cluster contract): an
/// order goes to shard `user_id % N` (`ClickHouseCluster.shard(ofUser:shardCount:)`), an
/// order_products row to the shard of its order's user, and aisles, departments and products to
/// every shard whole. Rows keep their file order within each part, so a part is exactly what
/// `InstacartReader` would read from a folder holding only that shard's users.
///
/// Cost: O(rows) with one order-id lookup per order_products row (`IDIndex`, dense or binary
/// search); memory: one more copy of the orders and order_products columns (11 bytes per
/// order_products row, 17 per order), spread over the parts.
public enum ShardRouting {
    /// The N parts of `data`, index k = shard k (0-based). `data` must meet TASK.md's contract
    /// (every order_products row's order exists), as `InstacartReader` guarantees.
    public static func split(_ data: InstacartData, shardCount: Int) -> [InstacartData] {
        precondition(shardCount >= 1, "at least one shard")
        if shardCount == 1 { return [data] }
        let orders = data.orders
        var orderShard = [UInt16](repeating: 0, count: orders.count)
        var parts = (0..<shardCount).map { _ in
            InstacartData(aisles: data.aisles, departments: data.departments, products: data.products)
        }
        for row in 0..<orders.count {
            let k = ClickHouseCluster.shard(ofUser: Int(orders.userID[row]), shardCount: shardCount)
            orderShard[row] = UInt16(k)
            parts[k].orders.append(orderID: orders.orderID[row], userID: orders.userID[row], evalSet: orders.evalSet(atRow: row),
                                   orderNumber: orders.orderNumber[row], dow: orders.dow[row], hour: orders.hour[row],
                                   daysSincePrior: orders.daysSincePrior[row])
        }
        let index = orders.rowIndex()
        index.withLookup { lookup in
            for (table, keyPath) in [(data.priorProducts, \InstacartData.priorProducts), (data.trainProducts, \InstacartData.trainProducts)] {
                for row in 0..<table.count {
                    let orderRow = lookup.row(of: table.orderID[row])
                    precondition(orderRow >= 0, "order_products row \(row) names an unknown order \(table.orderID[row])")
                    parts[Int(orderShard[Int(orderRow)])][keyPath: keyPath].append(
                        orderID: table.orderID[row], productID: table.productID[row],
                        addToCartOrder: table.addToCartOrder[row], reordered: table.reordered[row])
                }
            }
        }
        return parts
    }
}
