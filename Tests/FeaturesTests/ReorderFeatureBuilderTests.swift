import Features
import Tabular
import Testing
import TestSupport

/// Two users, computed by hand (see the comments): user 1 has three prior orders and a train
/// order; user 2 has one prior order and a test order. Product 100 is in every order of user 1,
/// product 300 is bought once by user 1, product 400 is new in the train order (not a candidate).
enum TinyHistory {
    static let orders = OrderTable(
        orderID: [13, 10, 21, 12, 20, 11],            // file order is not time order
        userID: [1, 1, 2, 1, 2, 1],
        evalSet: [1, 0, 2, 0, 0, 0],
        orderNumber: [4, 1, 2, 3, 1, 2],
        dow: [6, 1, 2, 5, 0, 3],
        hour: [11, 8, 13, 10, 12, 9],
        daysSincePrior: [1, .nan, 30, 9, .nan, 2])
    static let prior = OrderProductTable(
        orderID: [10, 10, 11, 11, 12, 12, 20, 20],
        productID: [100, 200, 100, 300, 200, 100, 200, 300],
        addToCartOrder: [1, 2, 1, 2, 1, 2, 1, 2],
        reordered: [0, 0, 1, 0, 1, 1, 0, 0])
    static let train = OrderProductTable(orderID: [13, 13], productID: [100, 400], addToCartOrder: [1, 2], reordered: [1, 0])
    static let products = ProductAttributes(productID: [100, 200, 300, 400], aisleID: [1, 2, 3, 3], departmentID: [1, 1, 2, 2])

    static func build(blocks: Int = 64) -> LabelledMatrix {
        ReorderFeatureBuilder.build(history: OrderHistory(orders: orders, prior: prior, train: train),
                                    products: products, blocks: blocks)
    }
}

private func value(_ m: LabelledMatrix, row: Int, _ name: String) -> Float {
    m.features[row, m.features.schema.index(of: name)!]
}

@Test func candidatesAreEachUsersPriorProductsInKeyOrder() {
    let m = TinyHistory.build()
    #expect(m.keys.column(named: "user_id") == [1, 1, 1, 2, 2])
    #expect(m.keys.column(named: "product_id") == [100, 200, 300, 200, 300])
    #expect(Array(m.features.schema.names.prefix(26)) == ReorderFeature.required.map(\.rawValue))
}

@Test func labelIsOneForTrainProductsAndUnknownForTestUsers() {
    let m = TinyHistory.build()
    #expect(Array(m.target.prefix(3)) == [1, 0, 0])
    #expect(m.target[3].isNaN && m.target[4].isNaN)
}

@Test func userFeaturesMatchHandComputedValues() {
    let m = TinyHistory.build()
    let user1: [String: Float] = ["u_orders": 3, "u_items": 6, "u_distinct": 3, "u_reorder_ratio": 0.75,
                                  "u_basket_mean": 2, "u_days_mean": 5.5, "t_days": 1, "t_dow": 6, "t_hour": 11,
                                  "u_basket_last": 2]
    for row in 0..<3 { for (name, expected) in user1 { #expect(value(m, row: row, name) == expected, "\(name)") } }
    // User 2 has one prior order: no reordered rows after order 1 and no gap to average.
    #expect(value(m, row: 3, "u_orders") == 1)
    #expect(value(m, row: 3, "u_reorder_ratio").isNaN)
    #expect(value(m, row: 3, "u_days_mean").isNaN)
    #expect(value(m, row: 3, "t_days") == 30)
}

@Test func productFeaturesCountEveryUsersPriorRows() {
    let m = TinyHistory.build()
    // product 200: u1 order 1 (cart 2), u1 order 3 (cart 1, reordered), u2 order 1 (cart 1)
    let expected: [String: Float] = ["p_orders": 3, "p_reorders": 1, "p_reorder_ratio": 1.0 / 3, "p_users": 2,
                                     "p_repeat_users_ratio": 0.5, "p_cart_mean": 4.0 / 3, "aisle_id": 2, "department_id": 1]
    for row in [1, 3] { for (name, v) in expected { #expect(isClose(value(m, row: row, name), v), "\(name)") } }
    #expect(value(m, row: 0, "p_repeat_users_ratio") == 1)
    #expect(value(m, row: 2, "p_reorder_ratio") == 0)
    #expect(value(m, row: 2, "p_cart_mean") == 2)
}

@Test func userProductFeaturesMatchHandComputedValues() {
    let m = TinyHistory.build()
    // day(1) = 0, day(2) = 2, day(3) = 11; t_days = 1.
    let product100: [String: Float] = ["up_orders": 3, "up_first": 1, "up_last": 3, "up_cart_mean": 4.0 / 3, "up_rate": 1,
                                       "up_orders_since_last": 0, "up_rate_since_first": 1, "up_days_since_last": 1,
                                       "up_in_last5": 3, "up_streak": 3, "up_interval_mean": 5.5, "up_due_ratio": 1 / 5.5]
    let product200: [String: Float] = ["up_orders": 2, "up_first": 1, "up_last": 3, "up_cart_mean": 1.5, "up_rate": 2.0 / 3,
                                       "up_orders_since_last": 0, "up_rate_since_first": 2.0 / 3, "up_days_since_last": 1,
                                       "up_in_last5": 2, "up_streak": 1, "up_interval_mean": 11, "up_due_ratio": 1.0 / 11]
    let product300: [String: Float] = ["up_orders": 1, "up_first": 2, "up_last": 2, "up_cart_mean": 2, "up_rate": 1.0 / 3,
                                       "up_orders_since_last": 1, "up_rate_since_first": 0.5, "up_days_since_last": 10,
                                       "up_in_last5": 1, "up_streak": 0]
    for (row, expected) in [(0, product100), (1, product200), (2, product300)] {
        for (name, v) in expected { #expect(isClose(value(m, row: row, name), v), "row \(row) \(name)") }
    }
    #expect(value(m, row: 2, "up_interval_mean").isNaN)
    #expect(value(m, row: 2, "up_due_ratio").isNaN)
    // User 2 (one prior order, test): days since last = 0 + t_days.
    #expect(value(m, row: 3, "up_days_since_last") == 30)
    #expect(value(m, row: 3, "up_rate_since_first") == 1)
}

@Test func resultDoesNotDependOnTheBlockCount() {
    let one = TinyHistory.build(blocks: 1), seven = TinyHistory.build(blocks: 7)
    #expect(bitwiseEqual(one.features.values, seven.features.values))
    #expect(bitwiseEqual(one.target, seven.target))
    #expect(one.keys == seven.keys)
}

/// A repeat buyer counts whatever the product's place in the cart (a bug once counted a purchase
/// only when it was first in its order), and a product listed twice in one order is one order but
/// two rows.
@Test func repeatBuyersAndDuplicateRowsAreCountedPerOrder() {
    let orders = OrderTable(orderID: [1, 2, 3, 4, 5], userID: [7, 7, 7, 8, 8], evalSet: [0, 0, 1, 0, 1],
                            orderNumber: [1, 2, 3, 1, 2], dow: [0, 1, 2, 0, 1], hour: [9, 9, 9, 9, 9],
                            daysSincePrior: [.nan, 3, 4, .nan, 5])
    let prior = OrderProductTable(orderID: [1, 1, 2, 2, 2, 4], productID: [50, 60, 70, 60, 60, 60],
                                  addToCartOrder: [1, 2, 1, 2, 3, 1], reordered: [0, 0, 0, 1, 1, 0])
    let m = ReorderFeatureBuilder.build(history: OrderHistory(orders: orders, prior: prior, train: OrderProductTable()),
                                        products: ProductAttributes(productID: [50, 60, 70], aisleID: [1, 1, 1], departmentID: [1, 1, 1]))
    // rows: (7,50) (7,60) (7,70) (8,60); product 60: users 7 (orders 1 and 2) and 8 (order 4) → ½ repeat
    #expect(m.keys.column(named: "product_id") == [50, 60, 70, 60])
    #expect(value(m, row: 1, "p_repeat_users_ratio") == 0.5)
    #expect(value(m, row: 1, "p_orders") == 4)
    #expect(value(m, row: 1, "up_orders") == 2)
    #expect(value(m, row: 1, "up_cart_mean") == Float(2 + 2 + 3) / 3)
}

@Test func historyIndexIsTheSameWithOneOrTwoWorkers() {
    let one = OrderHistory(orders: TinyHistory.orders, prior: TinyHistory.prior, train: TinyHistory.train, parallelAbove: .max)
    let two = OrderHistory(orders: TinyHistory.orders, prior: TinyHistory.prior, train: TinyHistory.train, parallelAbove: 0)
    #expect(one.itemStart == two.itemStart && one.itemProduct == two.itemProduct)
    #expect(one.itemCart == two.itemCart && one.itemReordered == two.itemReordered)
    #expect(one.productIDs == [100, 200, 300])
    #expect(one.itemProduct.map { one.productIDs[Int($0)] } == [100, 200, 100, 300, 200, 100, 200, 300])
}

@Test func repeatBuyerCountsOrdersWhereverTheProductSitsInTheCart() {
    // User 1 buys product 500 in prior orders 1 and 2, never as the first item of the cart: a repeat
    // buyer. User 2 buys it once. So p_repeat_users_ratio = 1/2.
    let orders = OrderTable(orderID: [1, 2, 3, 4, 5], userID: [1, 1, 1, 2, 2], evalSet: [0, 0, 1, 0, 2],
                            orderNumber: [1, 2, 3, 1, 2], dow: [0, 0, 0, 0, 0], hour: [0, 0, 0, 0, 0],
                            daysSincePrior: [.nan, 3, 4, .nan, 5])
    let prior = OrderProductTable(orderID: [1, 1, 2, 2, 4, 4], productID: [600, 500, 600, 500, 600, 500],
                                  addToCartOrder: [1, 2, 1, 2, 1, 2], reordered: [0, 0, 1, 1, 0, 0])
    let train = OrderProductTable(orderID: [3], productID: [500], addToCartOrder: [1], reordered: [1])
    let products = ProductAttributes(productID: [500, 600], aisleID: [1, 1], departmentID: [1, 1])
    let m = ReorderFeatureBuilder.build(history: OrderHistory(orders: orders, prior: prior, train: train), products: products)
    #expect(m.keys.column(named: "product_id") == [500, 600, 500, 600])
    for row in 0..<4 { #expect(value(m, row: row, "p_repeat_users_ratio") == 0.5, "row \(row)") }
}
