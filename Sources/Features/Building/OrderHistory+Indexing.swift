/// An order table and its two order_products tables as plain columns: the input of
/// `OrderHistory.init(orders:prior:train:)`, filled from CSV files or from ClickHouse.
public struct OrderColumns: Sendable {
    public var orderID: [Int32]
    public var userID: [Int32]
    public var evalSet: [UInt8]
    public var orderNumber: [Int32]
    public var dow: [UInt8]
    public var hour: [UInt8]
    public var daysSincePrior: [Float]

    public init(orderID: [Int32], userID: [Int32], evalSet: [UInt8], orderNumber: [Int32],
                dow: [UInt8], hour: [UInt8], daysSincePrior: [Float]) {
        self.orderID = orderID
        self.userID = userID
        self.evalSet = evalSet
        self.orderNumber = orderNumber
        self.dow = dow
        self.hour = hour
        self.daysSincePrior = daysSincePrior
    }
}

/// Rows of an order_products table as plain columns.
public struct OrderProductColumns: Sendable {
    public var orderID: [Int32]
    public var productID: [Int32]
    public var addToCartOrder: [Int32]
    public var reordered: [UInt8]

    public init(orderID: [Int32], productID: [Int32], addToCartOrder: [Int32], reordered: [UInt8]) {
        self.orderID = orderID
        self.productID = productID
        self.addToCartOrder = addToCartOrder
        self.reordered = reordered
    }
}

extension OrderHistory {
    /// Groups orders by user (ascending user id, then order_number) and prior rows by order, by
    /// counting sorts. Rows of an order keep their file order (add_to_cart_order in Instacart files).
    /// Rows whose order_id is unknown are a caller error (the CSV reader rejects them first) and trap.
    /// Cost O(orders · log(orders per user) + rows), two passes over the rows.
    public init(orders: OrderColumns, prior: OrderProductColumns, train: OrderProductColumns) {
        let n = orders.orderID.count
        // Dense user numbers.
        let sortedUsers = Array(Set(orders.userID)).sorted()
        let maxUser = Int(sortedUsers.last ?? 0)
        var userIndex = [Int32](repeating: -1, count: maxUser + 1)
        for (i, u) in sortedUsers.enumerated() { userIndex[Int(u)] = Int32(i) }
        let userCount = sortedUsers.count
        // Order slots grouped by user, each user's orders by order_number.
        var start = [Int32](repeating: 0, count: userCount + 1)
        for u in orders.userID { start[Int(userIndex[Int(u)]) + 1] += 1 }
        for i in 0..<userCount { start[i + 1] += start[i] }
        var fill = start
        var slotOfRow = [Int32](repeating: 0, count: n)
        var rowOfSlot = [Int32](repeating: 0, count: n)
        for r in 0..<n {
            let u = Int(userIndex[Int(orders.userID[r])])
            rowOfSlot[Int(fill[u])] = Int32(r)
            fill[u] += 1
        }
        for u in 0..<userCount {
            let range = Int(start[u])..<Int(start[u + 1])
            rowOfSlot[range].sort { orders.orderNumber[Int($0)] < orders.orderNumber[Int($1)] }
        }
        for s in 0..<n { slotOfRow[Int(rowOfSlot[s])] = Int32(s) }
        // Order id → slot.
        let maxOrder = Int(orders.orderID.max() ?? 0)
        var slotOfOrder = [Int32](repeating: -1, count: maxOrder + 1)
        for r in 0..<n { slotOfOrder[Int(orders.orderID[r])] = slotOfRow[r] }

        var targetSlot = [Int32](repeating: -1, count: userCount)
        for u in 0..<userCount {
            for s in Int(start[u])..<Int(start[u + 1]) where orders.evalSet[Int(rowOfSlot[s])] != OrderHistory.prior {
                targetSlot[u] = Int32(s)
            }
        }
        // Prior rows grouped by slot.
        var itemStart = [Int32](repeating: 0, count: n + 1)
        for o in prior.orderID { itemStart[Int(slotOfOrder[Int(o)]) + 1] += 1 }
        for s in 0..<n { itemStart[s + 1] += itemStart[s] }
        var itemFill = itemStart
        let rows = prior.orderID.count
        var itemProduct = [Int32](repeating: 0, count: rows)
        var itemCart = [Int32](repeating: 0, count: rows)
        var itemReordered = [UInt8](repeating: 0, count: rows)
        var maxProduct: Int32 = 0
        for r in 0..<rows {
            let s = Int(slotOfOrder[Int(prior.orderID[r])])
            let at = Int(itemFill[s])
            itemFill[s] += 1
            itemProduct[at] = prior.productID[r]
            itemCart[at] = prior.addToCartOrder[r]
            itemReordered[at] = prior.reordered[r]
            maxProduct = max(maxProduct, prior.productID[r])
        }
        // Train rows grouped by user.
        var targetItemStart = [Int32](repeating: 0, count: userCount + 1)
        var userOfSlot = [Int32](repeating: 0, count: n)
        for u in 0..<userCount { for s in Int(start[u])..<Int(start[u + 1]) { userOfSlot[s] = Int32(u) } }
        for o in train.orderID { targetItemStart[Int(userOfSlot[Int(slotOfOrder[Int(o)])]) + 1] += 1 }
        for u in 0..<userCount { targetItemStart[u + 1] += targetItemStart[u] }
        var targetFill = targetItemStart
        var targetProducts = [Int32](repeating: 0, count: train.orderID.count)
        for r in 0..<train.orderID.count {
            let u = Int(userOfSlot[Int(slotOfOrder[Int(train.orderID[r])])])
            targetProducts[Int(targetFill[u])] = train.productID[r]
            targetFill[u] += 1
            maxProduct = max(maxProduct, train.productID[r])
        }

        self.userIDs = sortedUsers
        self.orderStart = start
        self.orderNumber = rowOfSlot.map { orders.orderNumber[Int($0)] }
        self.evalSet = rowOfSlot.map { orders.evalSet[Int($0)] }
        self.dow = rowOfSlot.map { orders.dow[Int($0)] }
        self.hour = rowOfSlot.map { orders.hour[Int($0)] }
        self.daysSincePrior = rowOfSlot.map { orders.daysSincePrior[Int($0)] }
        self.itemStart = itemStart
        self.itemProduct = itemProduct
        self.itemCart = itemCart
        self.itemReordered = itemReordered
        self.targetSlot = targetSlot
        self.targetItemStart = targetItemStart
        self.targetProducts = targetProducts
        self.productIDLimit = Int(maxProduct) + 1
    }
}
