/// One user's orders in the live state (`LiveOrderHistory`): the order headers ascending by
/// order_number (prior orders and at most one train or test order, the target), the prior orders'
/// rows grouped by order, and the target's products. Three arrays per user; memory 16 bytes per
/// order, 8 per prior row, 4 per target product, plus about 150 bytes of array headers.
struct LiveUserLog: Sendable {
    /// One order header; `itemEnd` is the end of its rows in `items` (rows of order i are
    /// `items[orders[i-1].itemEnd ..< orders[i].itemEnd]`).
    struct Order: Sendable {
        var number: Int32
        var daysSincePrior: Float
        var itemEnd: Int32
        var evalSet: UInt8
        var dow: UInt8
        var hour: UInt8
    }

    /// One prior row: product number, add_to_cart_order, reordered.
    struct Item: Sendable {
        var product: Int32
        var cart: Int16
        var reordered: UInt8
    }

    var orders: [Order] = []
    var items: [Item] = []
    var targetProducts: [Int32] = []
    /// Index of the train or test order in `orders`, or -1.
    var target: Int32 = -1

    func itemRange(_ slot: Int) -> Range<Int> {
        (slot == 0 ? 0 : Int(orders[slot - 1].itemEnd))..<Int(orders[slot].itemEnd)
    }

    /// Where an order numbered `number` goes (the first order with a larger number), or nil when an
    /// order with that number is already there.
    func insertionIndex(number: Int32) -> Int? {
        var lo = 0, hi = orders.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if orders[mid].number < number { lo = mid + 1 } else { hi = mid }
        }
        if lo < orders.count && orders[lo].number == number { return nil }
        return lo
    }

    /// Inserts `order` (its `itemEnd` ignored) with `rows` at `index`, shifting the later orders.
    mutating func insert(_ order: Order, rows: [Item], at index: Int) {
        let start = index == 0 ? 0 : Int(orders[index - 1].itemEnd)
        var header = order
        header.itemEnd = Int32(start + rows.count)
        items.insert(contentsOf: rows, at: start)
        orders.insert(header, at: index)
        if !rows.isEmpty {
            for i in (index + 1)..<orders.count { orders[i].itemEnd += Int32(rows.count) }
        }
        if target >= 0 && Int(target) >= index { target += 1 }
    }

    /// Removes the order at `index` (the target: it has no rows).
    mutating func removeOrder(at index: Int) {
        let range = itemRange(index)
        items.removeSubrange(range)
        orders.remove(at: index)
        if !range.isEmpty {
            for i in index..<orders.count { orders[i].itemEnd -= Int32(range.count) }
        }
        if Int(target) == index { target = -1 } else if Int(target) > index { target -= 1 }
    }
}

/// A `LiveUserLog` as the per-user feature routine reads it; product keys are the live product
/// numbers themselves.
struct LiveUserView: UserOrderSource {
    let log: LiveUserLog
    let userID: Int32

    var orderCount: Int { log.orders.count }
    var targetSlot: Int { Int(log.target) }
    @inline(__always) func orderNumber(_ slot: Int) -> Int32 { log.orders[slot].number }
    @inline(__always) func daysSincePrior(_ slot: Int) -> Float { log.orders[slot].daysSincePrior }
    @inline(__always) func dow(_ slot: Int) -> UInt8 { log.orders[slot].dow }
    @inline(__always) func hour(_ slot: Int) -> UInt8 { log.orders[slot].hour }
    @inline(__always) func isTest(_ slot: Int) -> Bool { log.orders[slot].evalSet == OrderHistory.test }
    @inline(__always) func items(_ slot: Int) -> Range<Int> { log.itemRange(slot) }
    @inline(__always) func product(_ item: Int) -> Int { Int(log.items[item].product) }
    @inline(__always) func cart(_ item: Int) -> Int32 { Int32(log.items[item].cart) }
    @inline(__always) func reordered(_ item: Int) -> UInt8 { log.items[item].reordered }
    var targetProductCount: Int { log.targetProducts.count }
    func targetProduct(_ index: Int) -> Int { Int(log.targetProducts[index]) }
    @inline(__always) func productKey(_ p: Int) -> Int32 { Int32(p) }
}
