/// order_products__prior.csv or order_products__train.csv as columns, in file order.
///
/// Memory per row: 11 bytes (order and product ids 4 + 4, add_to_cart_order 2, reordered 1):
/// 357 MB for the 32,434,489 prior rows of the full data.
public struct OrderProductTable: Equatable, Sendable {
    public private(set) var orderID: [Int32]
    public private(set) var productID: [Int32]
    /// 1-based position in the cart, at most 32,767.
    public private(set) var addToCartOrder: [Int16]
    /// 1 when the user had bought the product in an earlier order, else 0.
    public private(set) var reordered: [UInt8]

    public init() {
        orderID = []
        productID = []
        addToCartOrder = []
        reordered = []
    }

    public init(orderID: [Int32], productID: [Int32], addToCartOrder: [Int16], reordered: [UInt8]) {
        let n = orderID.count
        precondition(
            productID.count == n && addToCartOrder.count == n && reordered.count == n, "column lengths differ")
        self.orderID = orderID
        self.productID = productID
        self.addToCartOrder = addToCartOrder
        self.reordered = reordered
    }

    public var count: Int { orderID.count }

    public mutating func append(orderID: Int32, productID: Int32, addToCartOrder: Int16, reordered: UInt8) {
        self.orderID.append(orderID)
        self.productID.append(productID)
        self.addToCartOrder.append(addToCartOrder)
        self.reordered.append(reordered)
    }
}
