/// Per-product state for one user at a time, in arrays indexed by product id and reset through
/// the list of touched products (so resetting costs O(products of the user), not O(catalogue)).
struct UserScratch {
    /// Prior orders holding the product (k).
    var count: [Int32]
    /// Prior rows of the product (= k unless an order lists it twice).
    var rows: [Int32]
    var firstNumber: [Int32]
    var lastNumber: [Int32]
    var lastPosition: [Int32]
    var streak: [Int32]
    var inLast5: [Int32]
    var cartSum: [Double]
    var firstDay: [Double]
    var lastDay: [Double]
    var isTarget: [Bool]
    var targets: [Int32] = []
    var touched: [Int32] = []

    init(productLimit: Int) {
        count = .init(repeating: 0, count: productLimit)
        rows = count
        firstNumber = count
        lastNumber = count
        lastPosition = count
        streak = count
        inLast5 = count
        cartSum = .init(repeating: 0, count: productLimit)
        firstDay = cartSum
        lastDay = cartSum
        isTarget = .init(repeating: false, count: productLimit)
    }

    mutating func resetTouched() {
        touched.removeAll(keepingCapacity: true)
    }

    /// Records one prior row of product p in the user's order at position t (1-based).
    @inline(__always)
    mutating func record(product p: Int, position t: Int, orderNumber: Int32, day: Double, cart: Int32, inLast5 last5: Bool) {
        if count[p] == 0 {
            touched.append(Int32(p))
            firstNumber[p] = orderNumber
            firstDay[p] = day
            streak[p] = 1
        } else if lastPosition[p] == Int32(t) {
            // The same product twice in one order counts once as an order, twice as a row.
            cartSum[p] += Double(cart)
            rows[p] += 1
            return
        } else {
            streak[p] = lastPosition[p] == Int32(t - 1) ? streak[p] + 1 : 1
        }
        count[p] += 1
        rows[p] += 1
        lastNumber[p] = orderNumber
        lastPosition[p] = Int32(t)
        lastDay[p] = day
        cartSum[p] += Double(cart)
        if last5 { inLast5[p] += 1 }
    }

    mutating func markTarget(_ p: Int) {
        if p < isTarget.count && !isTarget[p] {
            isTarget[p] = true
            targets.append(Int32(p))
        }
    }

    /// Returns every touched entry to zero.
    mutating func clear() {
        for p32 in touched {
            let p = Int(p32)
            count[p] = 0; rows[p] = 0; firstNumber[p] = 0; lastNumber[p] = 0; lastPosition[p] = 0
            streak[p] = 0; inLast5[p] = 0; cartSum[p] = 0; firstDay[p] = 0; lastDay[p] = 0
        }
        for p in targets { isTarget[Int(p)] = false }
        targets.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
    }
}
