import Dispatch
import Tabular

/// Pass 1 of the feature build: each user's candidate count (distinct prior products) and, per
/// product, its prior rows, reorders, add-to-cart sum, buyers and repeat buyers. Each block of
/// users accumulates into its own arrays; the blocks are merged after the join in block order,
/// so the result is independent of scheduling. Integer sums only: exact.
struct ProductTotals {
    var candidates: [Int32]
    var rows: [Int64]
    var reorders: [Int64]
    var cartSum: [Int64]
    var users: [Int32]
    var repeatUsers: [Int32]

    static func collect(history h: OrderHistory, productLimit: Int, bounds: [Int]) -> ProductTotals {
        let userCount = h.userCount
        let blockCount = bounds.count - 1
        // Merge groups: at most 8 private product tables, each covering consecutive blocks.
        let groups = min(blockCount, 8)
        var candidates = [Int32](repeating: 0, count: userCount)
        let width = productLimit
        var table = [Int64](repeating: 0, count: groups * width * 5)
        tallyGroups(history: h, bounds: bounds, groups: groups, productLimit: width, intoCandidates: &candidates,
                    tables: &table)
        var totals = ProductTotals(candidates: candidates, rows: .init(repeating: 0, count: width),
                                   reorders: .init(repeating: 0, count: width), cartSum: .init(repeating: 0, count: width),
                                   users: .init(repeating: 0, count: width), repeatUsers: .init(repeating: 0, count: width))
        for g in 0..<groups {
            let base = g * width * 5
            for p in 0..<width {
                totals.rows[p] += table[base + p]
                totals.reorders[p] += table[base + width + p]
                totals.cartSum[p] += table[base + 2 * width + p]
                totals.users[p] += Int32(table[base + 3 * width + p])
                totals.repeatUsers[p] += Int32(table[base + 4 * width + p])
            }
        }
        return totals
    }

    /// The parallel part of `collect`: group g tallies the users of its blocks into its own five
    /// product tables (rows, reorders, cart sum, users, repeat users: `productLimit` entries each,
    /// at `tables + g · 5 · productLimit`) and writes each target user's candidate count. Groups
    /// write disjoint memory.
    private static func tallyGroups(
        history h: OrderHistory, bounds: [Int], groups: Int, productLimit width: Int,
        intoCandidates candidates: UnsafeMutablePointer<Int32>, tables: UnsafeMutablePointer<Int64>
    ) {
        let blockCount = bounds.count - 1
        let candidates = UnsafeColumn(writing: candidates, count: h.userCount)
        let tables = UnsafeColumn(writing: tables, count: groups * width * 5)
        DispatchQueue.concurrentPerform(iterations: groups) { g in
            let base = tables.buffer.baseAddress! + g * width * 5
            let rows = base, reorders = base + width, cart = base + 2 * width
            let users = base + 3 * width, repeats = base + 4 * width
            // seen[p]: the user's prior orders holding p so far; lastSlot[p]: the last of them
            // (so a product twice in one order counts that order once).
            var seen = [Int32](repeating: 0, count: width)
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
                        if seen[p] == 0 { touched.append(Int32(p)) }
                        if lastSlot[p] != Int32(slot) {
                            seen[p] += 1
                            lastSlot[p] = Int32(slot)
                        }
                    }
                }
                if h.targetSlot[u] >= 0 { candidates[u] = Int32(touched.count) }
                for p32 in touched {
                    let p = Int(p32)
                    users[p] += 1
                    if seen[p] >= 2 { repeats[p] += 1 }
                    seen[p] = 0
                    lastSlot[p] = -1
                }
            }
        }
    }
}

/// The eight product columns of the matrix, per product number (`OrderHistory.productIDs`),
/// computed once from the totals (batch) or product by product as totals change (live).
struct ProductColumns: Sendable {
    static let width = 8
    /// Row-major: 8 values per product, in `ReorderFeature` order from p_orders to department_id.
    var values: [Float]

    init(totals: ProductTotals, products: ProductAttributes, productIDs: [Int32]) {
        let productLimit = productIDs.count
        var values = [Float](repeating: .nan, count: productLimit * Self.width)
        for p in 0..<productLimit {
            Self.compute(rows: totals.rows[p], reorders: totals.reorders[p], cartSum: totals.cartSum[p], users: totals.users[p],
                         repeatUsers: totals.repeatUsers[p], attributes: products.attributes(of: productIDs[p]),
                         into: &values, at: p * Self.width)
        }
        self.values = values
    }

    init(values: [Float]) {
        self.values = values
    }

    /// The eight values of one product from its totals, written at `values[offset ..< offset + 8]`.
    static func compute(rows rowCount: Int64, reorders: Int64, cartSum: Int64, users userCount: Int32, repeatUsers: Int32,
                        attributes: (aisleID: Int32, departmentID: Int32)?, into values: inout [Float], at offset: Int) {
        let rows = Double(rowCount)
        let users = Double(userCount)
        values[offset] = Float(rows)
        values[offset + 1] = Float(reorders)
        values[offset + 2] = rows > 0 ? Float(Double(reorders) / rows) : .nan
        values[offset + 3] = Float(users)
        values[offset + 4] = users > 0 ? Float(Double(repeatUsers) / users) : .nan
        values[offset + 5] = rows > 0 ? Float(Double(cartSum) / rows) : .nan
        values[offset + 6] = attributes.map { Float($0.aisleID) } ?? .nan
        values[offset + 7] = attributes.map { Float($0.departmentID) } ?? .nan
    }

    @inline(__always)
    func write(product p: Int, row: Int, output: RowSink) {
        let base = Columns.pOrders
        for j in 0..<Self.width { output.set(row, base + j, values[p * Self.width + j]) }
    }
}
