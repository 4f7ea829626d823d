import ClickHouse
import Features

/// Cuts an Instacart data set into the parts of the shards of a cluster (the cluster contract): an
/// order goes to shard `user_id % N` (`ClickHouseCluster.shard(ofUser:shardCount:)`), an
/// order_products row to the shard of its order's user, and aisles, departments and products to
/// every shard whole. Rows keep their file order within each part, so a part is exactly what
/// `InstacartReader` would read from a folder holding only that shard's users.
///
/// Cost: O(rows × N) byte comparisons and O(rows) copies (the shard of each row and the parts'
/// sizes, then per shard one pass copying its rows into columns allocated at their final size), one order-id lookup per order_products row (`IDIndex`, dense or
/// binary search); memory: one more copy of the orders and order_products columns (11 bytes per
/// order_products row, 17 per order) spread over the parts, plus 1 byte per row for the shard.
public enum ShardRouting {
    /// The N parts of `data`, index k = shard k (0-based). `data` must meet TASK.md's contract
    /// (every order_products row's order exists), as `InstacartReader` guarantees.
    public static func split(_ data: InstacartData, shardCount: Int) -> [InstacartData] {
        precondition(shardCount >= 1 && shardCount <= 255, "1...255 shards")
        if shardCount == 1 { return [data] }
        let orderShard = data.orders.userID.map { UInt8(ClickHouseCluster.shard(ofUser: Int($0), shardCount: shardCount)) }
        let orders = split(data.orders, shards: orderShard, count: shardCount)
        let index = data.orders.rowIndex()
        let prior = split(data.priorProducts, shards: lineShards(data.priorProducts, index, orderShard), count: shardCount)
        let train = split(data.trainProducts, shards: lineShards(data.trainProducts, index, orderShard), count: shardCount)
        return (0..<shardCount).map { k in
            InstacartData(aisles: data.aisles, departments: data.departments, products: data.products,
                          orders: orders[k], priorProducts: prior[k], trainProducts: train[k])
        }
    }

    /// The shard of each order_products row: its order's.
    static func lineShards(_ lines: OrderProductTable, _ index: IDIndex, _ orderShard: [UInt8]) -> [UInt8] {
        index.withLookup { lookup in
            lines.orderID.enumerated().map { row, order in
                let orderRow = lookup.row(of: order)
                precondition(orderRow >= 0, "order_products row \(row) names an unknown order \(order)")
                return orderShard[Int(orderRow)]
            }
        }
    }

    /// `column` cut by `shards` into `sizes.count` arrays, order kept: one pass per shard over
    /// the shard numbers, writing straight into an array allocated at its final size.
    static func cut<T: BitwiseCopyable>(_ column: [T], _ shards: [UInt8], _ sizes: [Int]) -> [[T]] {
        column.withUnsafeBufferPointer { source in
            shards.withUnsafeBufferPointer { shard in
                sizes.indices.map { k in
                    let wanted = UInt8(k)
                    return [T](unsafeUninitializedCapacity: sizes[k]) { buffer, initialized in
                        var j = 0
                        for i in 0..<source.count where shard[i] == wanted {
                            (buffer.baseAddress! + j).initialize(to: source[i])
                            j += 1
                        }
                        initialized = j
                    }
                }
            }
        }
    }

    static func sizes(_ shards: [UInt8], count: Int) -> [Int] {
        var sizes = [Int](repeating: 0, count: count)
        for k in shards { sizes[Int(k)] += 1 }
        return sizes
    }

    static func split(_ orders: OrderTable, shards: [UInt8], count: Int) -> [OrderTable] {
        let n = sizes(shards, count: count)
        let id = cut(orders.orderID, shards, n), user = cut(orders.userID, shards, n), evalSet = cut(orders.evalSet, shards, n)
        let number = cut(orders.orderNumber, shards, n), dow = cut(orders.dow, shards, n), hour = cut(orders.hour, shards, n)
        let days = cut(orders.daysSincePrior, shards, n)
        return (0..<count).map { k in
            OrderTable(orderID: id[k], userID: user[k], evalSet: evalSet[k], orderNumber: number[k], dow: dow[k], hour: hour[k],
                       daysSincePrior: days[k])
        }
    }

    static func split(_ lines: OrderProductTable, shards: [UInt8], count: Int) -> [OrderProductTable] {
        let n = sizes(shards, count: count)
        let order = cut(lines.orderID, shards, n), product = cut(lines.productID, shards, n)
        let cart = cut(lines.addToCartOrder, shards, n), reordered = cut(lines.reordered, shards, n)
        return (0..<count).map { k in
            OrderProductTable(orderID: order[k], productID: product[k], addToCartOrder: cart[k], reordered: reordered[k])
        }
    }
}
