import Features

/// One order as a live event: the orders.csv row and its order_products rows (docs/events.md).
///
/// JSON, one object per message, keys in this order:
/// `{"order_id":2539329,"user_id":1,"eval_set":"prior","order_number":1,"order_dow":2,
///   "order_hour_of_day":8,"days_since_prior_order":null,
///   "products":[[196,1,0],[14084,2,0]]}`
/// where each product is `[product_id, add_to_cart_order, reordered]`. `eval_set` may be left out
/// (a live order is `prior`: it becomes history); `reordered` may be left out of a product
/// (`[product_id, add_to_cart_order]`): the sink then sets it from the user's history (1 when an
/// earlier order of the user holds the product). The de-duplication id of the message is the
/// order_id in decimal.
public struct OrderEvent: Sendable, Equatable {
    public var orderID: Int32
    public var userID: Int32
    public var evalSet: EvalSet
    public var orderNumber: Int16
    public var dow: UInt8
    public var hour: UInt8
    /// nil for a user's first order.
    public var daysSincePrior: Float?
    public var lines: [OrderLine]

    public init(
        orderID: Int32, userID: Int32, evalSet: EvalSet = .prior, orderNumber: Int16, dow: UInt8, hour: UInt8,
        daysSincePrior: Float?, lines: [OrderLine]
    ) {
        self.orderID = orderID
        self.userID = userID
        self.evalSet = evalSet
        self.orderNumber = orderNumber
        self.dow = dow
        self.hour = hour
        self.daysSincePrior = daysSincePrior
        self.lines = lines
    }

    /// The message's de-duplication id (`Nats-Msg-Id`, the Kafka key).
    public var messageID: String { String(orderID) }
}

/// One product of an order: an order_products row without its order_id.
public struct OrderLine: Sendable, Equatable {
    public var productID: Int32
    public var addToCartOrder: Int16
    /// nil when the event left it out (the sink derives it from history).
    public var reordered: Bool?

    public init(productID: Int32, addToCartOrder: Int16, reordered: Bool? = nil) {
        self.productID = productID
        self.addToCartOrder = addToCartOrder
        self.reordered = reordered
    }
}
