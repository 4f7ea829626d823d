import Dispatch
import Tabular
import TabularIO

/// Builds TASK.md's candidate matrix from an `OrderHistory`: one row per (user, product bought in a
/// prior order) for every user with a `train` or `test` order, rows ordered by user_id then
/// product_id, the columns of `ReorderFeature.all`, the label y = 1 when the product is in the
/// user's train order, 0 when not, NaN for a test order.
///
/// Pure: no I/O. Two passes over the prior rows, each parallel over blocks of users with
/// `concurrentPerform`: pass 1 counts each user's candidates and the product totals (per-block
/// arrays merged after the join), pass 2 writes every row straight into its final place in the
/// column-major output (each block owns a disjoint row range, so no locks). Cost O(prior rows +
/// candidates · log(distinct per user)); memory = the output (4 bytes × rows × features) plus
/// O(products) scratch per block.
public enum ReorderFeatureBuilder {
    /// - Parameters:
    ///   - blocks: how many user blocks to split the work into (more blocks balance better; the
    ///     result does not depend on it).
    ///   - progress: called with the fraction done, from any thread.
    public static func build(history h: OrderHistory, products: ProductAttributes, blocks: Int = 64,
                             progress: (@Sendable (Double) -> Void)? = nil) -> LabelledMatrix {
        let userCount = h.userCount
        let productLimit = h.productCount
        let blockCount = max(1, min(blocks, userCount))
        let bounds = (0...blockCount).map { $0 * userCount / blockCount }

        // Pass 1: candidates per user, product totals per block.
        let totals = ProductTotals.collect(history: h, productLimit: productLimit, bounds: bounds)
        progress?(0.3)
        var rowStart = [Int](repeating: 0, count: userCount + 1)
        for u in 0..<userCount { rowStart[u + 1] = rowStart[u] + Int(totals.candidates[u]) }
        let rowCount = rowStart[userCount]
        let firstRows = rowStart
        let featureCount = ReorderFeature.all.count

        // Product columns, computed once.
        let productColumns = ProductColumns(totals: totals, products: products, productIDs: h.productIDs)

        var values = [Float](repeating: .nan, count: rowCount * featureCount)
        var userKey = [Int32](repeating: 0, count: rowCount)
        var productKey = [Int32](repeating: 0, count: rowCount)
        var target = [Float](repeating: .nan, count: rowCount)
        let done = ProgressCounter(total: blockCount, report: progress, from: 0.3, to: 1.0)
        writeRows(history: h, productColumns: productColumns, bounds: bounds, firstRows: firstRows,
                  productLimit: productLimit, rowCount: rowCount, intoValues: &values, users: &userKey,
                  products: &productKey, target: &target, done: done)
        let schema = FeatureSchema(names: ReorderFeature.names)
        return LabelledMatrix(features: FeatureMatrix(rowCount: rowCount, schema: schema, values: values),
                              keys: RowKeys(names: ["user_id", "product_id"], columns: [userKey, productKey]),
                              target: target, targetName: "y")
    }

    /// Pass 2: writes every user's candidate rows into the column-major outputs (`values` holds
    /// `ReorderFeature.all.count` columns of `rowCount` rows), parallel over the blocks of users
    /// between `bounds`; user u's rows start at `firstRows[u]`, so each block writes only its own rows.
    private static func writeRows(
        history h: OrderHistory, productColumns: ProductColumns, bounds: [Int], firstRows: [Int], productLimit: Int,
        rowCount: Int, intoValues values: UnsafeMutablePointer<Float>, users: UnsafeMutablePointer<Int32>,
        products: UnsafeMutablePointer<Int32>, target: UnsafeMutablePointer<Float>, done: ProgressCounter
    ) {
        let output = RowSink(values: values, users: users, products: products, target: target, rowCount: rowCount)
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { b in
            var scratch = UserScratch(productLimit: productLimit)
            for u in bounds[b]..<bounds[b + 1] where h.targetSlot[u] >= 0 {
                writeUser(OrderHistory.User(h, u), productColumns: productColumns, firstRow: firstRows[u],
                          scratch: &scratch, output: output)
            }
            done.step()
        }
    }

    /// Writes one user's candidate rows, ascending by product number, starting at `firstRow`, and
    /// returns how many it wrote (the distinct products of the prior orders before the target).
    /// The one per-user routine of the feature maths: the batch build (`OrderHistory.User`) and the
    /// live state (`LiveOrderHistory`) both call it. `scratch` must cover every product number.
    @discardableResult
    static func writeUser<U: UserOrderSource>(_ user: U, productColumns: ProductColumns, firstRow: Int,
                                              scratch s: inout UserScratch, output: RowSink) -> Int {
        let targetSlot = user.targetSlot
        // Prior orders are the slots before the target, in order_number order.
        let orderCount = targetSlot
        var items = 0, reorderRows = 0, reorderSum = 0, daysSum = 0.0, daysCount = 0
        var day = 0.0
        s.resetTouched()
        for slot in 0..<targetSlot {
            let t = slot + 1
            let gap = user.daysSincePrior(slot)
            if !gap.isNaN { daysSum += Double(gap); daysCount += 1; if t > 1 { day += Double(gap) } }
            let number = user.orderNumber(slot)
            let inLast5 = t > orderCount - 5
            for i in user.items(slot) {
                let p = user.product(i)
                items += 1
                if number > 1 { reorderRows += 1; reorderSum += Int(user.reordered(i)) }
                s.record(product: p, position: t, orderNumber: number, day: day, cart: user.cart(i), inLast5: inLast5)
            }
        }
        let lastBasket = orderCount > 0 ? user.items(targetSlot - 1).count : 0
        for i in 0..<user.targetProductCount { s.markTarget(user.targetProduct(i)) }
        let isTest = user.isTest(targetSlot)
        let tDays = user.daysSincePrior(targetSlot)
        let n = Float(orderCount)
        let userValues: [Float] = [
            n, Float(items), Float(s.touched.count),
            reorderRows > 0 ? Float(Double(reorderSum) / Double(reorderRows)) : .nan,
            orderCount > 0 ? Float(Double(items) / Double(orderCount)) : .nan,
            daysCount > 0 ? Float(daysSum / Double(daysCount)) : .nan,
            tDays, Float(user.dow(targetSlot)), Float(user.hour(targetSlot)),
        ]
        s.touched.sort()
        let userID = user.userID
        let base = Columns.upOrders
        let basketLast = Columns.uBasketLast, streak = Columns.upStreak
        let intervalColumn = Columns.upIntervalMean, due = Columns.upDueRatio
        for (offset, p32) in s.touched.enumerated() {
            let p = Int(p32)
            let state = s[p]
            let row = firstRow + offset
            output.users[row] = userID
            output.products[row] = user.productKey(p)
            output.target[row] = isTest ? .nan : (state.isTarget ? 1 : 0)
            for (j, v) in userValues.enumerated() { output.set(row, j, v) }
            productColumns.write(product: p, row: row, output: output)
            let k = Double(state.count)
            let first = Double(state.firstNumber), last = Double(state.lastNumber)
            let daysSinceLast = tDays.isNaN ? Double.nan : day - state.lastDay + Double(tDays)
            let interval = k > 1 ? (state.lastDay - state.firstDay) / (k - 1) : .nan
            output.set(row, base, Float(k))
            output.set(row, base + 1, Float(first))
            output.set(row, base + 2, Float(last))
            output.set(row, base + 3, Float(state.cartSum / Double(state.rows)))
            output.set(row, base + 4, Float(k / Double(orderCount)))
            output.set(row, base + 5, Float(Double(orderCount) - last))
            output.set(row, base + 6, Float(k / (Double(orderCount) - first + 1)))
            output.set(row, base + 7, Float(daysSinceLast))
            output.set(row, base + 8, Float(state.inLast5))
            output.set(row, basketLast, Float(lastBasket))
            output.set(row, streak, state.lastPosition == Int32(orderCount) ? Float(state.streak) : 0)
            output.set(row, intervalColumn, Float(interval))
            output.set(row, due,
                       interval > 0 && !daysSinceLast.isNaN ? Float(daysSinceLast / interval) : .nan)
        }
        let written = s.touched.count
        s.clear()
        return written
    }
}

extension ReorderFeature {
    /// The column index of this feature in the builder's output.
    var column: Int { ReorderFeature.allCases.firstIndex(of: self)! }
}

/// Column indices used in the hot loop, computed once.
enum Columns {
    static let upOrders = ReorderFeature.upOrders.column
    static let pOrders = ReorderFeature.pOrders.column
    static let uBasketLast = ReorderFeature.uBasketLast.column
    static let upStreak = ReorderFeature.upStreak.column
    static let upIntervalMean = ReorderFeature.upIntervalMean.column
    static let upDueRatio = ReorderFeature.upDueRatio.column
}

/// The output columns of one build (see `UnsafeColumn`); each block writes only its own rows.
struct RowSink: Sendable {
    let values: UnsafeColumn<Float>
    let rowCount: Int
    let users: UnsafeColumn<Int32>
    let products: UnsafeColumn<Int32>
    let target: UnsafeColumn<Float>

    init(values: UnsafeMutablePointer<Float>, users: UnsafeMutablePointer<Int32>, products: UnsafeMutablePointer<Int32>,
         target: UnsafeMutablePointer<Float>, rowCount: Int) {
        self.values = UnsafeColumn(writing: values, count: rowCount * ReorderFeature.all.count)
        self.rowCount = rowCount
        self.users = UnsafeColumn(writing: users, count: rowCount)
        self.products = UnsafeColumn(writing: products, count: rowCount)
        self.target = UnsafeColumn(writing: target, count: rowCount)
    }

    @inline(__always)
    func set(_ row: Int, _ column: Int, _ value: Float) {
        values[column * rowCount + row] = value
    }
}
