import Tabular

/// Every user's order history and the global product totals, kept up to date order by order, and
/// the candidate rows of any user computed from them by the batch builder's own per-user routine
/// (`ReorderFeatureBuilder.writeUser`): after the same orders, a user's rows are bit for bit the
/// rows `ReorderFeatureBuilder.build` gives on the data holding those orders, provided the product
/// totals they read are current (see `takeChangedProducts`).
///
/// Built once from loaded tables (`init(data:)`, through `OrderHistory`), then `append` adds one
/// order: a `prior` order becomes history (inserted by order_number; its rows move the product
/// totals: rows, reorders, add-to-cart sum, buyers, repeat buyers, and the product columns of the
/// products it holds), a `train` or `test` order becomes the user's target order (replacing an
/// earlier target: a user has one next order). Users and products never seen before are added.
/// Pure (no I/O); not thread-safe (one owner).
///
/// Memory: per user a `LiveUserLog` (16 bytes per order, 8 per prior row, 4 per target product,
/// about 180 bytes of headers) and 8 bytes in the id map; per product 8 + 8 + 8 + 4 + 4 bytes of
/// totals, 32 bytes of columns, 48 bytes of scratch. Cost of `append`: O(the user's rows) plus the
/// insertion; of `candidateRows`: O(the users' rows · log) plus the output.
public final class LiveOrderHistory {
    /// One product of an order being appended; `reordered` nil derives it from the user's history
    /// (1 when an earlier prior order of the user holds the product).
    public struct Line: Sendable, Equatable {
        public var productID: Int32
        public var addToCartOrder: Int16
        public var reordered: UInt8?

        public init(productID: Int32, addToCartOrder: Int16, reordered: UInt8? = nil) {
            self.productID = productID
            self.addToCartOrder = addToCartOrder
            self.reordered = reordered
        }
    }

    /// What `append` did with an order.
    public enum Outcome: Sendable, Equatable {
        /// A prior order became history.
        case history
        /// A train or test order became the target (`replaced`: the user had one before).
        case target(replaced: Bool)
        /// The user already has an order with this order_number: nothing changed.
        case duplicateNumber
    }

    /// Users in the order they were first seen (the initial data's ascending by id first).
    public private(set) var userIDs: [Int32]
    private var userIndex: [Int32: Int32]
    private var logs: [LiveUserLog]
    /// Product number → product_id (numbers of the initial data ascending by id, later ones as seen).
    public private(set) var productIDs: [Int32]
    private var productIndex: [Int32: Int32]
    private let attributes: ProductAttributes
    private var rows: [Int64]
    private var reorders: [Int64]
    private var cartSum: [Int64]
    private var buyers: [Int32]
    private var repeatBuyers: [Int32]
    private var columns: ProductColumns
    private var scratch: UserScratch
    private var changed: [Bool]
    private var changedList: [Int32] = []
    /// Per product: a stamp (`epoch`) for the distinct-product counts, and a slot for `append`.
    private var stamp: [UInt32]
    private var epoch: UInt32 = 0
    private var probe: [Int32]

    public init(data: InstacartData) {
        let h = OrderHistory(data: data)
        let productCount = h.productCount
        let totals = ProductTotals.collect(history: h, productLimit: productCount,
                                           bounds: (0...min(64, max(1, h.userCount))).map { $0 * h.userCount / min(64, max(1, h.userCount)) })
        attributes = ProductAttributes(data.products)
        columns = ProductColumns(totals: totals, products: attributes, productIDs: h.productIDs)
        rows = totals.rows
        reorders = totals.reorders
        cartSum = totals.cartSum
        buyers = totals.users
        repeatBuyers = totals.repeatUsers
        productIDs = h.productIDs
        var productIndex: [Int32: Int32] = [:]
        productIndex.reserveCapacity(productCount)
        for (p, id) in h.productIDs.enumerated() { productIndex[id] = Int32(p) }
        self.productIndex = productIndex
        userIDs = h.userIDs
        var userIndex: [Int32: Int32] = [:]
        userIndex.reserveCapacity(h.userCount)
        var logs: [LiveUserLog] = []
        logs.reserveCapacity(h.userCount)
        for u in 0..<h.userCount {
            userIndex[h.userIDs[u]] = Int32(u)
            logs.append(Self.log(of: u, in: h))
        }
        self.userIndex = userIndex
        self.logs = logs
        scratch = UserScratch(productLimit: productCount)
        changed = [Bool](repeating: false, count: productCount)
        stamp = [UInt32](repeating: 0, count: productCount)
        probe = [Int32](repeating: -1, count: productCount)
    }

    /// User u of a batch history as a live log (exact capacities: no slack until it grows).
    private static func log(of u: Int, in h: OrderHistory) -> LiveUserLog {
        let slots = Int(h.orderStart[u])..<Int(h.orderStart[u + 1])
        let firstItem = Int(h.itemStart[slots.lowerBound])
        var log = LiveUserLog()
        log.orders.reserveCapacity(slots.count)
        log.items.reserveCapacity(Int(h.itemStart[slots.upperBound]) - firstItem)
        for s in slots {
            for i in Int(h.itemStart[s])..<Int(h.itemStart[s + 1]) {
                log.items.append(.init(product: h.itemProduct[i], cart: Int16(truncatingIfNeeded: h.itemCart[i]),
                                       reordered: h.itemReordered[i]))
            }
            log.orders.append(.init(number: h.orderNumber[s], daysSincePrior: h.daysSincePrior[s],
                                    itemEnd: Int32(Int(h.itemStart[s + 1]) - firstItem), evalSet: h.evalSet[s],
                                    dow: h.dow[s], hour: h.hour[s]))
        }
        log.target = h.targetSlot[u] < 0 ? -1 : h.targetSlot[u] - Int32(slots.lowerBound)
        log.targetProducts = Array(h.targetProducts[Int(h.targetItemStart[u])..<Int(h.targetItemStart[u + 1])])
        return log
    }

    /// The columns of `candidateRows`, built once.
    static let schema = FeatureSchema(names: ReorderFeature.names)

    public var userCount: Int { userIDs.count }
    public var productCount: Int { productIDs.count }

    /// The user number of `userID`, or nil.
    public func user(_ userID: Int32) -> Int? { userIndex[userID].map(Int.init) }

    /// Whether user u has a train or test order (only such users have candidates).
    public func hasTarget(_ u: Int) -> Bool { logs[u].target >= 0 }

    /// Prior rows of user u (all prior orders).
    public func priorRowCount(_ u: Int) -> Int { logs[u].items.count }

    /// Appends one order of `userID` (see the type); returns the user's number and what happened.
    /// Cost O(the user's orders and rows) plus O(1) per line.
    @discardableResult
    public func append(userID: Int32, evalSet: EvalSet, orderNumber: Int16, dow: UInt8, hour: UInt8, daysSincePrior: Float?,
                       lines: [Line]) -> (user: Int, outcome: Outcome) {
        let u: Int
        if let known = userIndex[userID] {
            u = Int(known)
        } else {
            u = userIDs.count
            userIDs.append(userID)
            userIndex[userID] = Int32(u)
            logs.append(LiveUserLog())
        }
        let number = Int32(orderNumber)
        let header = LiveUserLog.Order(number: number, daysSincePrior: daysSincePrior ?? .nan, itemEnd: 0,
                                       evalSet: evalSet.rawValue, dow: dow, hour: hour)
        if evalSet != .prior {
            guard logs[u].insertionIndex(number: number) != nil else { return (u, .duplicateNumber) }
            let replaced = logs[u].target >= 0
            if replaced { logs[u].removeOrder(at: Int(logs[u].target)) }
            let at = logs[u].insertionIndex(number: number)!
            logs[u].insert(header, rows: [], at: at)
            logs[u].target = Int32(at)
            logs[u].targetProducts = evalSet == .train ? lines.map { productIndex[$0.productID] ?? -1 } : []
            return (u, .target(replaced: replaced))
        }
        guard let at = logs[u].insertionIndex(number: number) else { return (u, .duplicateNumber) }
        let products = lines.map { productNumber(adding: $0.productID) }
        // The distinct products of the order, and per distinct product: prior orders of the user
        // holding it (before this one), and whether one of them is earlier than this order.
        var distinct: [Int32] = []
        for p in products where probe[Int(p)] < 0 {
            probe[Int(p)] = Int32(distinct.count)
            distinct.append(p)
        }
        var before = [Int32](repeating: 0, count: distinct.count)
        var earlier = [Bool](repeating: false, count: distinct.count)
        var lastSlot = [Int](repeating: -1, count: distinct.count)
        let log = logs[u]
        for slot in log.orders.indices where log.orders[slot].evalSet == OrderHistory.prior {
            for i in log.itemRange(slot) {
                let k = Int(probe[Int(log.items[i].product)])
                guard k >= 0, lastSlot[k] != slot else { continue }
                lastSlot[k] = slot
                before[k] += 1
                if log.orders[slot].number < number { earlier[k] = true }
            }
        }
        var items: [LiveUserLog.Item] = []
        items.reserveCapacity(lines.count)
        for (line, p) in zip(lines, products) {
            let reordered = line.reordered ?? (earlier[Int(probe[Int(p)])] ? 1 : 0)
            items.append(.init(product: p, cart: line.addToCartOrder, reordered: reordered))
            rows[Int(p)] += 1
            reorders[Int(p)] += Int64(reordered)
            cartSum[Int(p)] += Int64(line.addToCartOrder)
        }
        for (k, p) in distinct.enumerated() {
            if before[k] == 0 { buyers[Int(p)] += 1 }
            if before[k] == 1 { repeatBuyers[Int(p)] += 1 }
            probe[Int(p)] = -1
            refreshColumns(Int(p))
        }
        logs[u].insert(header, rows: items, at: at)
        return (u, .history)
    }

    /// The product number of `id`, adding the product when new.
    private func productNumber(adding id: Int32) -> Int32 {
        if let p = productIndex[id] { return p }
        let p = Int32(productIDs.count)
        productIDs.append(id)
        productIndex[id] = p
        rows.append(0)
        reorders.append(0)
        cartSum.append(0)
        buyers.append(0)
        repeatBuyers.append(0)
        columns.values += [Float](repeating: .nan, count: ProductColumns.width)
        changed.append(false)
        stamp.append(0)
        probe.append(-1)
        if productIDs.count > scratch.limit {
            scratch = UserScratch(productLimit: max(productIDs.count, scratch.limit * 5 / 4 + 64))
        }
        return p
    }

    /// Recomputes the eight product columns of p from its totals and marks it changed.
    private func refreshColumns(_ p: Int) {
        ProductColumns.compute(rows: rows[p], reorders: reorders[p], cartSum: cartSum[p], users: buyers[p],
                               repeatUsers: repeatBuyers[p], attributes: attributes.attributes(of: productIDs[p]),
                               into: &columns.values, at: p * ProductColumns.width)
        if !changed[p] {
            changed[p] = true
            changedList.append(Int32(p))
        }
    }

    /// The products whose totals changed since the last call (product numbers), and forgets them.
    /// The rows of every user holding one of them as a candidate are stale until recomputed.
    public func takeChangedProducts() -> [Int32] {
        let list = changedList
        for p in list { changed[Int(p)] = false }
        changedList = []
        return list
    }

    /// User u's candidate count: the distinct products of its prior orders before the target (0
    /// without a target). O(the user's rows).
    public func candidateCount(_ u: Int) -> Int {
        let log = logs[u]
        guard log.target > 0 else { return 0 }
        epoch &+= 1
        if epoch == 0 {
            for i in stamp.indices { stamp[i] = 0 }
            epoch = 1
        }
        var count = 0
        for i in 0..<Int(log.orders[Int(log.target) - 1].itemEnd) {
            let p = Int(log.items[i].product)
            if stamp[p] != epoch {
                stamp[p] = epoch
                count += 1
            }
        }
        return count
    }

    /// The candidate rows of `users` (each with a target), users in the given order, each user's rows
    /// ascending by product number: the features of `ReorderFeature.all` (same maths and values as
    /// the batch builder), the label, and the key columns user_id and product number (an index into
    /// `productIDs`, not the id). `rowStart[k]` is the first row of `users[k]` (`users.count + 1`
    /// entries). Cost O(the users' prior rows · log) plus 4 bytes · 30 per row.
    public func candidateRows(users: [Int]) -> (matrix: LabelledMatrix, rowStart: [Int]) {
        var rowStart = [Int](repeating: 0, count: users.count + 1)
        for (k, u) in users.enumerated() { rowStart[k + 1] = rowStart[k] + candidateCount(u) }
        let rowCount = rowStart[users.count]
        let featureCount = ReorderFeature.all.count
        var values = [Float](repeating: .nan, count: rowCount * featureCount)
        var userKey = [Int32](repeating: 0, count: rowCount)
        var productKey = [Int32](repeating: 0, count: rowCount)
        var target = [Float](repeating: .nan, count: rowCount)
        writeRows(users: users, rowStart: rowStart, rowCount: rowCount, values: &values, userKey: &userKey,
                  productKey: &productKey, target: &target)
        let matrix = LabelledMatrix(
            features: FeatureMatrix(rowCount: rowCount, schema: Self.schema, values: values),
            keys: RowKeys(names: ["user_id", "product_number"], columns: [userKey, productKey]), target: target, targetName: "y")
        return (matrix, rowStart)
    }

    private func writeRows(users: [Int], rowStart: [Int], rowCount: Int, values: UnsafeMutablePointer<Float>,
                           userKey: UnsafeMutablePointer<Int32>, productKey: UnsafeMutablePointer<Int32>,
                           target: UnsafeMutablePointer<Float>) {
        let output = RowSink(values: values, users: userKey, products: productKey, target: target, rowCount: rowCount)
        for (k, u) in users.enumerated() where logs[u].target >= 0 {
            let written = ReorderFeatureBuilder.writeUser(LiveUserView(log: logs[u], userID: userIDs[u]), productColumns: columns,
                                                          firstRow: rowStart[k], scratch: &scratch, output: output)
            precondition(written == rowStart[k + 1] - rowStart[k], "LiveOrderHistory: candidate count mismatch")
        }
    }
}
