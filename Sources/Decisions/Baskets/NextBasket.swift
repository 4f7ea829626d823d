/// The products predicted for one user's next order: the set with the largest expected F1 under
/// independent reorder probabilities (`ExpectedF1Basket`, with Kaggle's "None" item).
public struct NextBasket: Sendable, Equatable {
    public var userID: Int32
    /// The id of the order being forecast, when known.
    public var orderID: Int32?
    /// Chosen products, most probable first.
    public var products: [Int32]
    public var includesNone: Bool
    public var expectedF1: Double

    public init(userID: Int32, orderID: Int32?, products: [Int32], includesNone: Bool, expectedF1: Double) {
        self.userID = userID
        self.orderID = orderID
        self.products = products
        self.includesNone = includesNone
        self.expectedF1 = expectedF1
    }

    /// One basket per user, ascending by user_id, from candidate rows (any order). `nextOrder` gives
    /// each user's forecast order id. Cost O(rows log rows + Σ n²) for n candidates per user.
    public static func choose(users: [Int32], products: [Int32], probabilities: [Float],
                              nextOrder: [Int32: Int32] = [:]) -> [NextBasket] {
        precondition(users.count == products.count && users.count == probabilities.count, "NextBasket: columns differ")
        let order = users.indices.sorted { (users[$0], $0) < (users[$1], $1) }
        var baskets: [NextBasket] = []
        var i = 0
        while i < order.count {
            let user = users[order[i]]
            var j = i
            while j < order.count && users[order[j]] == user { j += 1 }
            let rows = Array(order[i..<j])
            let choice = ExpectedF1Basket.choose(probabilities: rows.map { Double(probabilities[$0]) })
            baskets.append(NextBasket(userID: user, orderID: nextOrder[user], products: choice.items.map { products[rows[$0]] },
                                      includesNone: choice.includesNone, expectedF1: choice.expectedF1))
            i = j
        }
        return baskets
    }

    /// The Kaggle spelling: product ids separated by spaces, then `None` when chosen.
    public var productsText: String {
        (products.map { String($0) } + (includesNone ? ["None"] : [])).joined(separator: " ")
    }
}
