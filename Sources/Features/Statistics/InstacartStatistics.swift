/// The main statistics of CALIBRATION.md for one data folder, computed from `InstacartData`.
///
/// Definitions (all counts over the whole folder):
/// * orders per user: each user's number of orders N (prior + the train/test one).
/// * basket size: rows per order, over prior and train orders (test orders have no rows); the
///   prior-only and train-only means are given too.
/// * reorder ratio: mean of `reordered` over prior rows, over train rows, and over prior rows of
///   orders with order_number > 1 ("excluding first orders", whose rows are never reorders).
/// * days_since_prior_order: over orders where it is not empty; share 0 / 7 / 30 = share of those
///   orders with exactly that value.
/// * dow and hour pmf: over all orders.
/// * popularity: prior rows per product; a product's share of prior orders = its rows / prior
///   orders (a product occurs at most once per Instacart order); top-k row share = rows of the k
///   most frequent products / prior rows (ties broken by the smaller product_id).
/// * test-user share: users whose last order is `test` / users.
///
/// Cost: O(rows + orders + products log products); about 8 bytes per order and per product of
/// scratch memory plus a sort of the days values.
public struct InstacartStatistics: Equatable, Sendable {
    public struct TopProduct: Equatable, Sendable {
        public let productID: Int32
        public let name: String
        public let priorRows: Int
        /// priorRows / number of prior orders.
        public let shareOfPriorOrders: Double
    }

    public var users = 0
    public var orders = 0
    public var priorOrders = 0
    public var trainOrders = 0
    public var testOrders = 0
    public var products = 0
    public var aisles = 0
    public var departments = 0
    public var priorRows = 0
    public var trainRows = 0

    public var ordersPerUser: Summary
    /// Rows per prior or train order.
    public var basketSize: Summary
    public var basketSizeShareOne = Double.nan
    public var basketMeanPrior = Double.nan
    public var basketMeanTrain = Double.nan

    public var reorderRatioPrior = Double.nan
    public var reorderRatioTrain = Double.nan
    public var reorderRatioPriorExcludingFirst = Double.nan

    public var daysSincePrior: Summary
    public var daysShare0 = Double.nan
    public var daysShare7 = Double.nan
    public var daysShare30 = Double.nan

    public var dowPMF: [Double] = []
    public var hourPMF: [Double] = []

    public var topProducts: [TopProduct] = []
    public var top10RowShare = Double.nan
    public var top100RowShare = Double.nan

    public var testUserShare = Double.nan

    /// Computes every statistic; `topCount` products are listed.
    public init(_ data: InstacartData, topCount: Int = 10) {
        let o = data.orders
        orders = o.count
        let evalCounts = o.evalSetCounts()
        (priorOrders, trainOrders, testOrders) = (evalCounts[0], evalCounts[1], evalCounts[2])
        products = data.products.count
        aisles = data.aisles.count
        departments = data.departments.count
        priorRows = data.priorProducts.count
        trainRows = data.trainProducts.count

        let userOrders = UserOrders(o)
        users = userOrders.userCount
        var perUser: [Int] = []
        var testUsers = 0
        for u in 0..<users {
            let rows = userOrders.orders(ofUser: u)
            if perUser.count <= rows.count { perUser += [Int](repeating: 0, count: rows.count + 1 - perUser.count) }
            perUser[rows.count] += 1
            if let last = rows.last, o.evalSet[Int(last)] == EvalSet.test.rawValue { testUsers += 1 }
        }
        ordersPerUser = Summary(histogram: perUser)
        testUserShare = users > 0 ? Double(testUsers) / Double(users) : .nan

        // Basket sizes and reorder ratios: one pass over each order_products table, counting into
        // "slots" that are order_ids when the id index is dense (the files are sorted by order_id,
        // so this is sequential) and order rows otherwise.
        let slots = OrderSlots(o)
        var rowsPerSlot = [Int32](repeating: 0, count: slots.count)
        var firstRows = 0, firstReordered = 0
        let priorReordered = slots.tally(data.priorProducts, into: &rowsPerSlot, firstRows: &firstRows, firstReordered: &firstReordered)
        var ignored = (0, 0)
        let trainReordered = slots.tally(data.trainProducts, into: &rowsPerSlot, firstRows: &ignored.0, firstReordered: &ignored.1)
        reorderRatioPrior = Self.ratio(priorReordered, priorRows)
        reorderRatioTrain = Self.ratio(trainReordered, trainRows)
        reorderRatioPriorExcludingFirst = Self.ratio(priorReordered - firstReordered, priorRows - firstRows)

        var basketHistogram: [Int] = []
        var priorSum = 0, trainSum = 0
        for slot in 0..<slots.count {
            let e = slots.evalSet[slot]
            guard e == EvalSet.prior.rawValue || e == EvalSet.train.rawValue else { continue }
            let k = Int(rowsPerSlot[slot])
            if basketHistogram.count <= k { basketHistogram += [Int](repeating: 0, count: k + 1 - basketHistogram.count) }
            basketHistogram[k] += 1
            if e == EvalSet.prior.rawValue { priorSum += k } else { trainSum += k }
        }
        basketSize = Summary(histogram: basketHistogram)
        basketSizeShareOne = basketSize.count > 0 && basketHistogram.count > 1
            ? Double(basketHistogram[1]) / Double(basketSize.count) : .nan
        basketMeanPrior = Self.ratio(priorSum, priorOrders)
        basketMeanTrain = Self.ratio(trainSum, trainOrders)

        // Days since prior order.
        // Days since prior order: a histogram when every value is a whole number of days (as in
        // Instacart), else a sort.
        var dayHistogram = [Int](repeating: 0, count: 366)
        var dayCount = 0
        var wholeDays = true
        for d in o.daysSincePrior where !d.isNaN {
            dayCount += 1
            if d >= 0 && d <= 365 && d == d.rounded() { dayHistogram[Int(d)] += 1 } else { wholeDays = false }
        }
        if wholeDays {
            daysSincePrior = Summary(histogram: dayHistogram)
        } else {
            daysSincePrior = Summary(values: o.daysSincePrior.filter { !$0.isNaN }.map(Double.init))
        }
        daysShare0 = Self.ratio(o.daysSincePrior.lazy.filter { $0 == 0 }.count, dayCount)
        daysShare7 = Self.ratio(o.daysSincePrior.lazy.filter { $0 == 7 }.count, dayCount)
        daysShare30 = Self.ratio(o.daysSincePrior.lazy.filter { $0 == 30 }.count, dayCount)

        var dow = [Int](repeating: 0, count: 7)
        for d in o.dow where d < 7 { dow[Int(d)] += 1 }
        var hour = [Int](repeating: 0, count: 24)
        for h in o.hour where h < 24 { hour[Int(h)] += 1 }
        dowPMF = dow.map { Self.ratio($0, o.count) }
        hourPMF = hour.map { Self.ratio($0, o.count) }

        // Popularity.
        let counts = data.priorProducts.rowCountsByProduct(data.products.rowIndex(), productCount: products)
        let ranked = counts.indices.sorted {
            (counts[$0], data.products.productID[$1]) > (counts[$1], data.products.productID[$0])
        }
        let priorOrderCount = priorOrders
        topProducts = ranked.prefix(topCount).map { r in
            TopProduct(
                productID: data.products.productID[r], name: data.products.productName(atRow: r),
                priorRows: counts[r], shareOfPriorOrders: Self.ratio(counts[r], priorOrderCount))
        }
        top10RowShare = Self.ratio(ranked.prefix(10).reduce(0) { $0 + counts[$1] }, priorRows)
        top100RowShare = Self.ratio(ranked.prefix(100).reduce(0) { $0 + counts[$1] }, priorRows)
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : .nan }
}

/// Per-order counters addressed by order_id (dense index) or by order row (sparse index), with the
/// eval set and first-order flag of each slot; unused slots have eval set 0xFF.
struct OrderSlots {
    let index: IDIndex
    let dense: Bool
    let count: Int
    var evalSet: [UInt8]
    var isFirst: [Bool]

    init(_ orders: OrderTable) {
        index = orders.rowIndex()
        if case .dense(let table) = index.storage {
            dense = true
            count = table.count
        } else {
            dense = false
            count = orders.count
        }
        evalSet = [UInt8](repeating: 0xFF, count: count)
        isFirst = [Bool](repeating: false, count: count)
        for r in 0..<orders.count {
            let slot = dense ? Int(orders.orderID[r]) : r
            evalSet[slot] = orders.evalSet[r]
            isFirst[slot] = orders.orderNumber[r] == 1
        }
    }

    /// Adds each row of `table` to its order's slot; returns the sum of `reordered` and adds the rows
    /// and reorders of first orders to `firstRows` / `firstReordered`. Rows of unknown orders count in
    /// the sum only. O(rows).
    func tally(_ table: OrderProductTable, into perSlot: inout [Int32], firstRows: inout Int, firstReordered: inout Int) -> Int {
        let (reordered, rows1, reordered1) = index.withLookup { lookup in
            tallyRows(rowCount: table.count, orderID: table.orderID, reordered: table.reordered, lookup: lookup,
                  isFirst: isFirst, into: &perSlot)
        }
        firstRows += rows1
        firstReordered += reordered1
        return reordered
    }

    /// The loop of `tally` over `rowCount` rows: returns (sum of reordered, rows of first orders,
    /// their reorders) and adds each row of a known order to `perSlot`.
    private func tallyRows(
        rowCount: Int, orderID ids: UnsafePointer<Int32>, reordered re: UnsafePointer<UInt8>, lookup: IDLookup,
        isFirst first: UnsafePointer<Bool>, into perSlot: UnsafeMutablePointer<Int32>
    ) -> (reordered: Int, firstRows: Int, firstReordered: Int) {
        var reordered = 0, rows1 = 0, reordered1 = 0
        for i in 0..<rowCount {
            let x = Int(re[i])
            reordered &+= x
            let slot = dense ? Int(lookup.row(of: ids[i]) < 0 ? -1 : ids[i]) : Int(lookup.row(of: ids[i]))
            guard slot >= 0 else { continue }
            perSlot[slot] &+= 1
            if first[slot] {
                rows1 &+= 1
                reordered1 &+= x
            }
        }
        return (reordered, rows1, reordered1)
    }
}
