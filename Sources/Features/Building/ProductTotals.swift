import Dispatch
import Tabular

/// Pass 1 of the feature build: each user's candidate count (distinct prior products) and, per
/// product, its prior rows, reorders, add-to-cart sum, buyers, repeat buyers, Σ k (the prior orders
/// holding it, summed over buyers) and Σ (up_last − up_first) over buyers. Each block of
/// users accumulates into its own arrays; the blocks are merged after the join in block order,
/// so the result is independent of scheduling. Integer sums only: exact.
struct ProductTotals {
    var candidates: [Int32]
    var rows: [Int64]
    var reorders: [Int64]
    var cartSum: [Int64]
    var users: [Int32]
    var repeatUsers: [Int32]
    /// Σ over buyers of k, the buyer's prior orders holding the product.
    var orderCount: [Int64]
    /// Σ over buyers of up_last − up_first (order numbers).
    var repeatSpan: [Int64]

    /// How many Int64 tallies per product a group keeps.
    static let tallies = 7

    static func collect(history h: OrderHistory, productLimit: Int, bounds: [Int]) -> ProductTotals {
        let userCount = h.userCount
        let blockCount = bounds.count - 1
        // Merge groups: at most 8 private product tables, each covering consecutive blocks.
        let groups = min(blockCount, 8)
        var candidates = [Int32](repeating: 0, count: userCount)
        let width = productLimit
        var table = [Int64](repeating: 0, count: groups * width * tallies)
        tallyGroups(history: h, bounds: bounds, groups: groups, productLimit: width, intoCandidates: &candidates,
                    tables: &table)
        var totals = ProductTotals(candidates: candidates, rows: .init(repeating: 0, count: width),
                                   reorders: .init(repeating: 0, count: width), cartSum: .init(repeating: 0, count: width),
                                   users: .init(repeating: 0, count: width), repeatUsers: .init(repeating: 0, count: width),
                                   orderCount: .init(repeating: 0, count: width), repeatSpan: .init(repeating: 0, count: width))
        for g in 0..<groups {
            let base = g * width * tallies
            for p in 0..<width {
                totals.rows[p] += table[base + p]
                totals.reorders[p] += table[base + width + p]
                totals.cartSum[p] += table[base + 2 * width + p]
                totals.users[p] += Int32(table[base + 3 * width + p])
                totals.repeatUsers[p] += Int32(table[base + 4 * width + p])
                totals.orderCount[p] += table[base + 5 * width + p]
                totals.repeatSpan[p] += table[base + 6 * width + p]
            }
        }
        return totals
    }

    /// The parallel part of `collect`: group g tallies the users of its blocks into its own seven
    /// product tables (rows, reorders, cart sum, users, repeat users, Σ k, Σ span: `productLimit`
    /// entries each, at `tables + g · 7 · productLimit`) and writes each target user's candidate count. Groups
    /// write disjoint memory.
    private static func tallyGroups(
        history h: OrderHistory, bounds: [Int], groups: Int, productLimit width: Int,
        intoCandidates candidates: UnsafeMutablePointer<Int32>, tables: UnsafeMutablePointer<Int64>
    ) {
        let blockCount = bounds.count - 1
        let candidates = UnsafeColumn(writing: candidates, count: h.userCount)
        let tables = UnsafeColumn(writing: tables, count: groups * width * tallies)
        DispatchQueue.concurrentPerform(iterations: groups) { g in
            let base = tables.buffer.baseAddress! + g * width * tallies
            let rows = base, reorders = base + width, cart = base + 2 * width
            let users = base + 3 * width, repeats = base + 4 * width
            let orderCounts = base + 5 * width, spans = base + 6 * width
            // seen[p]: the user's prior orders holding p so far; lastSlot[p]: the last of them
            // (so a product twice in one order counts that order once); first and last order_number
            // holding it (slots are in order_number order).
            var seen = [Int32](repeating: 0, count: width)
            var firstNumber = [Int32](repeating: 0, count: width)
            var lastNumber = [Int32](repeating: 0, count: width)
            var lastSlot = [Int32](repeating: -1, count: width)
            var touched: [Int32] = []
            let firstBlock = g * blockCount / groups, endBlock = (g + 1) * blockCount / groups
            for u in bounds[firstBlock]..<bounds[endBlock] {
                let start = Int(h.orderStart[u]), end = Int(h.orderStart[u + 1])
                touched.removeAll(keepingCapacity: true)
                for slot in start..<end where h.evalSet[slot] == OrderHistory.prior {
                    for i in Int(h.itemStart[slot])..<Int(h.itemStart[slot + 1]) {
                        let p = Int(h.itemProduct[i])
                        rows[p] += 1
                        reorders[p] += Int64(h.itemReordered[i])
                        cart[p] += Int64(h.itemCart[i])
                        if seen[p] == 0 {
                            touched.append(Int32(p))
                            firstNumber[p] = h.orderNumber[slot]
                        }
                        if lastSlot[p] != Int32(slot) {
                            seen[p] += 1
                            lastSlot[p] = Int32(slot)
                            lastNumber[p] = h.orderNumber[slot]
                        }
                    }
                }
                if h.targetSlot[u] >= 0 { candidates[u] = Int32(touched.count) }
                for p32 in touched {
                    let p = Int(p32)
                    users[p] += 1
                    if seen[p] >= 2 { repeats[p] += 1 }
                    orderCounts[p] += Int64(seen[p])
                    spans[p] += Int64(lastNumber[p] - firstNumber[p])
                    seen[p] = 0
                    lastSlot[p] = -1
                }
            }
        }
    }
}

/// The ten product columns of the matrix, per product number (`OrderHistory.productIDs`),
/// computed once from the totals (batch) or product by product as totals change (live), and each
/// product's dense aisle and department numbers (`ProductAttributes.groupSlots`, -1 when
/// products.csv does not list it) for the user's aisle and department shares.
struct ProductColumns: Sendable {
    static let width = 10
    /// Row-major: 10 values per product: `ReorderFeature` p_orders … department_id, then
    /// p_buyer_orders and p_repeat_gap.
    var values: [Float]
    /// Row-major: aisle and department number per product.
    var groups: [Int32]
    let aisleCount: Int
    let departmentCount: Int

    init(totals: ProductTotals, products: ProductAttributes, productIDs: [Int32]) {
        let productLimit = productIDs.count
        var values = [Float](repeating: .nan, count: productLimit * Self.width)
        for p in 0..<productLimit {
            Self.compute(rows: totals.rows[p], reorders: totals.reorders[p], cartSum: totals.cartSum[p], users: totals.users[p],
                         repeatUsers: totals.repeatUsers[p], orderCount: totals.orderCount[p], repeatSpan: totals.repeatSpan[p],
                         attributes: products.attributes(of: productIDs[p]), into: &values, at: p * Self.width)
        }
        self.values = values
        groups = productIDs.flatMap { id in products.groupSlots(of: id).map { [$0.aisle, $0.department] } ?? [-1, -1] }
        aisleCount = products.aisleCount
        departmentCount = products.departmentCount
    }

    /// Appends a product with no totals yet (all NaN) and its aisle and department numbers.
    mutating func append(productID: Int32, products: ProductAttributes) {
        values += [Float](repeating: .nan, count: Self.width)
        if let slots = products.groupSlots(of: productID) { groups += [slots.aisle, slots.department] } else { groups += [-1, -1] }
    }

    /// The ten values of one product from its totals, written at `values[offset ..< offset + 10]`.
    static func compute(rows rowCount: Int64, reorders: Int64, cartSum: Int64, users userCount: Int32, repeatUsers: Int32,
                        orderCount: Int64, repeatSpan: Int64,
                        attributes: (aisleID: Int32, departmentID: Int32)?, into values: inout [Float], at offset: Int) {
        let rows = Double(rowCount)
        let users = Double(userCount)
        let repeats = orderCount - Int64(userCount)
        values[offset] = Float(rows)
        values[offset + 1] = Float(reorders)
        values[offset + 2] = rows > 0 ? Float(Double(reorders) / rows) : .nan
        values[offset + 3] = Float(users)
        values[offset + 4] = users > 0 ? Float(Double(repeatUsers) / users) : .nan
        values[offset + 5] = rows > 0 ? Float(Double(cartSum) / rows) : .nan
        values[offset + 6] = attributes.map { Float($0.aisleID) } ?? .nan
        values[offset + 7] = attributes.map { Float($0.departmentID) } ?? .nan
        values[offset + 8] = users > 0 ? Float(Double(orderCount) / users) : .nan
        values[offset + 9] = repeats > 0 ? Float(Double(repeatSpan) / Double(repeats)) : .nan
    }

    @inline(__always)
    func write(product p: Int, row: Int, output: RowSink) {
        let base = Columns.pOrders
        let from = p * Self.width
        for j in 0..<8 { output.set(row, base + j, values[from + j]) }
        output.set(row, Columns.pBuyerOrders, values[from + 8])
        output.set(row, Columns.pRepeatGap, values[from + 9])
    }
}
