import Dispatch
import Tabular

extension OrderHistory {
    /// Builds the history from the loaded tables (`InstacartData`).
    public init(data: InstacartData) {
        self.init(orders: data.orders, prior: data.priorProducts, train: data.trainProducts)
    }

    /// Groups orders by user (ascending user id, then order_number) and prior rows by order, by
    /// counting sorts. Rows of an order keep their file order (add_to_cart_order in Instacart files).
    /// Users and products are numbered compactly (`CompactIDs`): every table is sized by the ids
    /// present, not by the largest id, so a user or product id of 2³¹ − 1 costs nothing more.
    /// Rows whose order_id is unknown are a caller error (the CSV reader rejects them first) and trap.
    /// Cost O(orders · log(orders per user) + rows), two passes over the rows.
    /// - Parameter parallelAbove: prior rows above which the scatter uses two workers.
    public init(orders: OrderTable, prior: OrderProductTable, train: OrderProductTable, parallelAbove: Int = 1 << 20) {
        let n = orders.orderID.count
        // Compact user numbers, ascending by id.
        let users = CompactIDs(orders.userID)
        let userOfRow = users.number.withLookup { lookup in orders.userID.map { lookup.row(of: $0) } }
        let userCount = users.count
        // Order slots grouped by user, each user's orders by order_number.
        var start = [Int32](repeating: 0, count: userCount + 1)
        for u in userOfRow { start[Int(u) + 1] += 1 }
        for i in 0..<userCount { start[i + 1] += start[i] }
        var fill = start
        var slotOfRow = [Int32](repeating: 0, count: n)
        var rowOfSlot = [Int32](repeating: 0, count: n)
        for r in 0..<n {
            let u = Int(userOfRow[r])
            rowOfSlot[Int(fill[u])] = Int32(r)
            fill[u] += 1
        }
        for u in 0..<userCount {
            let range = Int(start[u])..<Int(start[u + 1])
            rowOfSlot[range].sort { orders.orderNumber[Int($0)] < orders.orderNumber[Int($1)] }
        }
        for s in 0..<n { slotOfRow[Int(rowOfSlot[s])] = Int32(s) }
        // Order id → slot.
        let orderRow = orders.rowIndex()
        /// The slot of each row of an order_products table, looked up once.
        func slots(of ids: [Int32]) -> [Int32] {
            orderRow.withLookup { lookup in
                ids.map { id in
                    let row = lookup.row(of: id)
                    precondition(row >= 0, "OrderHistory: order_id \(id) is not in orders")
                    return slotOfRow[Int(row)]
                }
            }
        }
        let priorSlot = slots(of: prior.orderID)
        let trainSlot = slots(of: train.orderID)

        var targetSlot = [Int32](repeating: -1, count: userCount)
        for u in 0..<userCount {
            for s in Int(start[u])..<Int(start[u + 1]) where orders.evalSet[Int(rowOfSlot[s])] != OrderHistory.prior {
                targetSlot[u] = Int32(s)
            }
        }
        // Prior rows grouped by slot.
        var itemStart = [Int32](repeating: 0, count: n + 1)
        for slot in priorSlot { itemStart[Int(slot) + 1] += 1 }
        for s in 0..<n { itemStart[s + 1] += itemStart[s] }
        let rows = prior.orderID.count
        // Compact product numbers over the prior rows (the only products that can be candidates).
        let products = CompactIDs(prior.productID)
        var itemProduct = [Int32](repeating: 0, count: rows)
        var itemCart = [Int32](repeating: 0, count: rows)
        var itemReordered = [UInt8](repeating: 0, count: rows)
        products.number.withLookup { productNumber in
            Self.groupRowsBySlot(rowCount: rows, slotOfRow: priorSlot, slotCount: n, slotStart: itemStart,
                                 product: prior.productID, productNumber: productNumber, cart: prior.addToCartOrder,
                                 reordered: prior.reordered, intoProduct: &itemProduct, cart: &itemCart,
                                 reordered: &itemReordered, workers: rows > parallelAbove ? 2 : 1)
        }
        // Train rows grouped by user.
        var targetItemStart = [Int32](repeating: 0, count: userCount + 1)
        var userOfSlot = [Int32](repeating: 0, count: n)
        for u in 0..<userCount { for s in Int(start[u])..<Int(start[u + 1]) { userOfSlot[s] = Int32(u) } }
        for slot in trainSlot { targetItemStart[Int(userOfSlot[Int(slot)]) + 1] += 1 }
        for u in 0..<userCount { targetItemStart[u + 1] += targetItemStart[u] }
        var targetFill = targetItemStart
        var targetProducts = [Int32](repeating: 0, count: train.orderID.count)
        products.number.withLookup { productNumber in
            for r in 0..<train.orderID.count {
                let u = Int(userOfSlot[Int(trainSlot[r])])
                targetProducts[Int(targetFill[u])] = productNumber.row(of: train.productID[r])
                targetFill[u] += 1
            }
        }

        self.userIDs = users.ids
        self.orderStart = start
        self.orderNumber = rowOfSlot.map { Int32(orders.orderNumber[Int($0)]) }
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
        self.productIDs = products.ids
    }

    /// Copies row r of the input columns to the next free place of its slot `slotOfRow[r]` (the places
    /// of slot s start at `slotStart[s]`), so rows end up grouped by slot, file order kept within a
    /// slot; the product id becomes its compact number (`productNumber`). Split by slot range over `workers`: each scans every row (sequential reads) and writes
    /// only the rows of its own slots (disjoint writes). Cost O(rows · workers) reads, O(rows) writes.
    private static func groupRowsBySlot(
        rowCount rows: Int, slotOfRow: UnsafePointer<Int32>, slotCount: Int, slotStart: UnsafePointer<Int32>,
        product: UnsafePointer<Int32>, productNumber: IDLookup, cart: UnsafePointer<Int16>, reordered: UnsafePointer<UInt8>,
        intoProduct outProduct: UnsafeMutablePointer<Int32>, cart outCart: UnsafeMutablePointer<Int32>,
        reordered outReordered: UnsafeMutablePointer<UInt8>, workers: Int
    ) {
        let slotOfRow = UnsafeColumn(reading: slotOfRow, count: rows)
        let slotStart = UnsafeColumn(reading: slotStart, count: slotCount + 1)
        let product = UnsafeColumn(reading: product, count: rows)
        let cart = UnsafeColumn(reading: cart, count: rows)
        let reordered = UnsafeColumn(reading: reordered, count: rows)
        let outProduct = UnsafeColumn(writing: outProduct, count: rows)
        let outCart = UnsafeColumn(writing: outCart, count: rows)
        let outReordered = UnsafeColumn(writing: outReordered, count: rows)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = Int32(w * slotCount / workers), hi = Int32((w + 1) * slotCount / workers)
            var fill = Array(slotStart.buffer[Int(lo)..<Int(hi)])
            for r in 0..<rows {
                let s = slotOfRow[r]
                guard s >= lo && s < hi else { continue }
                let k = Int(s - lo)
                let at = Int(fill[k])
                fill[k] += 1
                outProduct[at] = productNumber.row(of: product[r])
                outCart[at] = Int32(cart[r])
                outReordered[at] = reordered[r]
            }
        }
    }
}
