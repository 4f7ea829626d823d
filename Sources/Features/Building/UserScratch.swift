/// Per-product state for one user at a time, one 48-byte record per product number in a single buffer
/// (one cache line touched per prior row, not ten arrays), reset through the list of touched
/// products, so resetting costs O(products of the user), not O(catalogue). Owned by one worker.
struct UserScratch: ~Copyable {
    struct ProductState {
        /// Prior orders holding the product (k).
        var count: Int32 = 0
        /// Prior rows of the product (= k unless an order lists it twice).
        var rows: Int32 = 0
        var firstNumber: Int32 = 0
        var lastNumber: Int32 = 0
        /// Position (1-based) of the last prior order holding it, among the user's prior orders.
        var lastPosition: Int32 = 0
        var streak: Int32 = 0
        var inLast5: Int32 = 0
        var isTarget: Bool = false
        var cartSum: Double = 0
        /// day() of the first and last prior orders holding it.
        var firstDay: Double = 0
        var lastDay: Double = 0
    }

    let states: UnsafeMutablePointer<ProductState>
    let limit: Int
    var targets: [Int32] = []
    var touched: [Int32] = []

    init(productLimit: Int) {
        limit = productLimit
        states = .allocate(capacity: max(productLimit, 1))
        states.initialize(repeating: ProductState(), count: max(productLimit, 1))
    }

    deinit {
        states.deallocate()
    }

    subscript(product: Int) -> ProductState {
        @inline(__always) get { states[product] }
    }

    mutating func resetTouched() {
        touched.removeAll(keepingCapacity: true)
    }

    /// Records one prior row of product p in the user's prior order at position t (1-based).
    @inline(__always)
    mutating func record(product p: Int, position t: Int, orderNumber: Int32, day: Double, cart: Int32, inLast5 last5: Bool) {
        let s = states + p
        if s.pointee.count == 0 {
            touched.append(Int32(p))
            s.pointee.firstNumber = orderNumber
            s.pointee.firstDay = day
            s.pointee.streak = 1
        } else if s.pointee.lastPosition == Int32(t) {
            // The same product twice in one order counts once as an order, twice as a row.
            s.pointee.cartSum += Double(cart)
            s.pointee.rows += 1
            return
        } else {
            s.pointee.streak = s.pointee.lastPosition == Int32(t - 1) ? s.pointee.streak + 1 : 1
        }
        s.pointee.count += 1
        s.pointee.rows += 1
        s.pointee.lastNumber = orderNumber
        s.pointee.lastPosition = Int32(t)
        s.pointee.lastDay = day
        s.pointee.cartSum += Double(cart)
        if last5 { s.pointee.inLast5 += 1 }
    }

    mutating func markTarget(_ p: Int) {
        if p >= 0 && p < limit && !states[p].isTarget {
            states[p].isTarget = true
            targets.append(Int32(p))
        }
    }

    /// Returns every touched record to its initial state.
    mutating func clear() {
        for p in touched { states[Int(p)] = ProductState() }
        for p in targets { states[Int(p)].isTarget = false }
        targets.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
    }
}
