/// Content comparison of two versions of one order (a redelivered or republished event against
/// the stored order, or against an earlier event of the same batch).
extension OrderEvent {
    /// True when `other` holds the same order: the same user, eval_set, order_number, day, hour,
    /// days_since_prior_order and the same lines (product_id and add_to_cart_order, in any order).
    /// `reordered` is compared only where both sides give it (an event may leave it out; the stored
    /// order holds the value derived then).
    public func hasSameContent(as other: OrderEvent) -> Bool {
        guard userID == other.userID, evalSet == other.evalSet, orderNumber == other.orderNumber, dow == other.dow,
              hour == other.hour, daysSincePrior == other.daysSincePrior else { return false }
        return Self.sameLines(lines, other.lines)
    }

    /// Lines equal as sets (see `hasSameContent`).
    static func sameLines(_ a: [OrderLine], _ b: [OrderLine]) -> Bool {
        guard a.count == b.count else { return false }
        let order: (OrderLine, OrderLine) -> Bool = { ($0.productID, $0.addToCartOrder) < ($1.productID, $1.addToCartOrder) }
        for (x, y) in zip(a.sorted(by: order), b.sorted(by: order)) {
            guard x.productID == y.productID, x.addToCartOrder == y.addToCartOrder else { return false }
            if let r = x.reordered, let s = y.reordered, r != s { return false }
        }
        return true
    }
}
