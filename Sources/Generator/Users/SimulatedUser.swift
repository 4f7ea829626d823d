/// One simulated user's complete history, before order ids and file formatting: the output of
/// `UserSimulator.simulate`, reused from user to user (its arrays keep their capacity).
public struct SimulatedUser: Sendable {
    public var userID = 0
    public var plan = UserPlan(orderCount: 0, isTest: false)
    /// order_dow of order t at index t - 1.
    public var dows: [Int] = []
    /// order_hour_of_day of order t at index t - 1.
    public var hours: [Int] = []
    /// True gap in days before order t at index t - 1 (-1 for the first order). The file holds
    /// min(gap, 30) as days_since_prior_order.
    public var gaps: [Int] = []
    /// basketEnds[t - 1] = number of items in orders 1...t; order t's items are
    /// products[basketEnds[t - 2] ..< basketEnds[t - 1]] in add-to-cart order. The last order of a
    /// test user has no items.
    public var basketEnds: [Int] = []
    /// Product ids in add-to-cart order, order after order.
    public var products: [Int32] = []
    /// 1 when the user bought the product in an earlier order, else 0 (parallel to `products`).
    public var reordered: [UInt8] = []

    public init() {}

    /// Number of orders.
    public var orderCount: Int { plan.orderCount }

    /// The index range of order t's items (t is 1-based).
    public func items(ofOrder t: Int) -> Range<Int> {
        (t == 1 ? 0 : basketEnds[t - 2])..<basketEnds[t - 1]
    }

    /// days_since_prior_order of order t (nil for the first order): the true gap capped at 30.
    public func daysSincePrior(ofOrder t: Int) -> Int? {
        let g = gaps[t - 1]
        return g < 0 ? nil : min(g, 30)
    }

    mutating func reset(userID: Int, plan: UserPlan) {
        self.userID = userID
        self.plan = plan
        dows.removeAll(keepingCapacity: true)
        hours.removeAll(keepingCapacity: true)
        gaps.removeAll(keepingCapacity: true)
        basketEnds.removeAll(keepingCapacity: true)
        products.removeAll(keepingCapacity: true)
        reordered.removeAll(keepingCapacity: true)
    }
}
