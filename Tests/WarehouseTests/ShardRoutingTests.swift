import Features
import Testing
import Warehouse

/// `ShardRouting.split` on a hand-made data set: orders by user_id % N, order_products with their
/// order (not by their own ids), the catalog whole on every shard, file order kept.
struct ShardRoutingTests {
    static func data() -> InstacartData {
        var data = InstacartData()
        data.aisles.append(id: 1, name: "a")
        data.departments.append(id: 1, name: "d")
        data.products.append(productID: 5, name: "p", aisleID: 1, departmentID: 1)
        // order 10 of user 3, order 11 of user 4, order 12 of user 3 (train), order 13 of user 5
        for (order, user, set, number) in [(10, 3, EvalSet.prior, 1), (11, 4, .prior, 1), (12, 3, .train, 2), (13, 5, .prior, 1)] {
            data.orders.append(orderID: Int32(order), userID: Int32(user), evalSet: set, orderNumber: Int16(number), dow: 1, hour: 2,
                               daysSincePrior: number == 1 ? .nan : 7)
        }
        for order in [13, 10, 11, 10] { data.priorProducts.append(orderID: Int32(order), productID: 5, addToCartOrder: 1, reordered: 0) }
        data.trainProducts.append(orderID: 12, productID: 5, addToCartOrder: 1, reordered: 1)
        return data
    }

    @Test func routesOrdersByUserAndLinesWithTheirOrder() {
        let parts = ShardRouting.split(Self.data(), shardCount: 2)
        #expect(parts.count == 2)
        #expect(parts[0].orders.orderID == [11])
        #expect(parts[1].orders.orderID == [10, 12, 13])
        #expect(parts[0].priorProducts.orderID == [11])
        #expect(parts[1].priorProducts.orderID == [13, 10, 10])
        #expect(parts[1].trainProducts.orderID == [12] && parts[0].trainProducts.count == 0)
        #expect(parts[1].orders.daysSincePrior[0].isNaN && parts[1].orders.daysSincePrior[1] == 7)
        for part in parts {
            #expect(part.products == Self.data().products && part.aisles == Self.data().aisles && part.departments == Self.data().departments)
        }
        #expect(ShardRouting.split(Self.data(), shardCount: 1) == [Self.data()])
        let three = ShardRouting.split(Self.data(), shardCount: 3)
        #expect(three.map(\.orders.count) == [2, 1, 1] && three.map(\.priorProducts.count) == [2, 1, 1])
    }
}
