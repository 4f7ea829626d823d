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

        // Basket sizes and reorder ratios: one pass over each order_products table.
        let orderIndex = o.rowIndex()
        var rowsPerOrder = [Int32](repeating: 0, count: o.count)
        var reorderedFirst = 0, rowsFirst = 0
        let priorReordered = Self.tally(data.priorProducts, orderIndex, &rowsPerOrder, o.orderNumber, &reorderedFirst, &rowsFirst)
        var ignored = (0, 0)
        let trainReordered = Self.tally(data.trainProducts, orderIndex, &rowsPerOrder, o.orderNumber, &ignored.0, &ignored.1)
        reorderRatioPrior = Self.ratio(priorReordered, priorRows)
        reorderRatioTrain = Self.ratio(trainReordered, trainRows)
        reorderRatioPriorExcludingFirst = Self.ratio(priorReordered - reorderedFirst, priorRows - rowsFirst)

        var basketHistogram: [Int] = []
        var priorSum = 0, trainSum = 0
        for r in 0..<o.count where o.evalSet[r] != EvalSet.test.rawValue {
            let k = Int(rowsPerOrder[r])
            if basketHistogram.count <= k { basketHistogram += [Int](repeating: 0, count: k + 1 - basketHistogram.count) }
            basketHistogram[k] += 1
            if o.evalSet[r] == EvalSet.prior.rawValue { priorSum += k } else { trainSum += k }
        }
        basketSize = Summary(histogram: basketHistogram)
        basketSizeShareOne = basketSize.count > 0 && basketHistogram.count > 1
            ? Double(basketHistogram[1]) / Double(basketSize.count) : .nan
        basketMeanPrior = Self.ratio(priorSum, priorOrders)
        basketMeanTrain = Self.ratio(trainSum, trainOrders)

        // Days since prior order.
        let days = o.daysSincePrior.lazy.filter { !$0.isNaN }.map(Double.init)
        let dayValues = Array(days)
        daysSincePrior = Summary(values: dayValues)
        daysShare0 = Self.ratio(dayValues.lazy.filter { $0 == 0 }.count, dayValues.count)
        daysShare7 = Self.ratio(dayValues.lazy.filter { $0 == 7 }.count, dayValues.count)
        daysShare30 = Self.ratio(dayValues.lazy.filter { $0 == 30 }.count, dayValues.count)

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

    /// Adds each row to `rowsPerOrder` of its order; returns the sum of `reordered`, and adds the rows
    /// and reorders of first orders (order_number 1) to `reorderedFirst` / `rowsFirst`.
    static func tally(
        _ table: OrderProductTable, _ orderIndex: IDIndex, _ rowsPerOrder: inout [Int32], _ orderNumber: [Int16],
        _ reorderedFirst: inout Int, _ rowsFirst: inout Int
    ) -> Int {
        var reordered = 0, firstReordered = 0, first = 0
        table.orderID.withUnsafeBufferPointer { ids in
            table.reordered.withUnsafeBufferPointer { re in
                orderNumber.withUnsafeBufferPointer { number in
                    rowsPerOrder.withUnsafeMutableBufferPointer { perOrder in
                        orderIndex.withLookup { lookup in
                            for i in 0..<ids.count {
                                let r = lookup.row(of: ids[i])
                                let x = Int(re[i])
                                reordered &+= x
                                guard r >= 0 else { continue }
                                perOrder[Int(r)] &+= 1
                                if number[Int(r)] == 1 {
                                    first &+= 1
                                    firstReordered &+= x
                                }
                            }
                        }
                    }
                }
            }
        }
        reorderedFirst += firstReordered
        rowsFirst += first
        return reordered
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : .nan }
}
