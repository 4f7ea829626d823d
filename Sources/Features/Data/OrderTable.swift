/// orders.csv as columns, one row per order, in file order.
///
/// Memory per row: 17 bytes (order and user ids 4 + 4, eval set 1, order number 2, dow 1, hour 1,
/// days since prior 4): 58 MB for the 3,421,083 orders of the full data.
public struct OrderTable: Equatable, Sendable {
    public private(set) var orderID: [Int32]
    public private(set) var userID: [Int32]
    /// `EvalSet.rawValue`: 0 = prior, 1 = train, 2 = test.
    public private(set) var evalSet: [UInt8]
    /// 1...N within a user (checked by the reader). At most 32,767.
    public private(set) var orderNumber: [Int16]
    /// order_dow, 0...6.
    public private(set) var dow: [UInt8]
    /// order_hour_of_day, 0...23.
    public private(set) var hour: [UInt8]
    /// days_since_prior_order, 0...365; NaN where the file is empty (a user's first order).
    public private(set) var daysSincePrior: [Float]

    public init() {
        orderID = []
        userID = []
        evalSet = []
        orderNumber = []
        dow = []
        hour = []
        daysSincePrior = []
    }

    public init(
        orderID: [Int32], userID: [Int32], evalSet: [UInt8], orderNumber: [Int16], dow: [UInt8], hour: [UInt8],
        daysSincePrior: [Float]
    ) {
        let n = orderID.count
        precondition(
            userID.count == n && evalSet.count == n && orderNumber.count == n && dow.count == n && hour.count == n
                && daysSincePrior.count == n, "column lengths differ")
        self.orderID = orderID
        self.userID = userID
        self.evalSet = evalSet
        self.orderNumber = orderNumber
        self.dow = dow
        self.hour = hour
        self.daysSincePrior = daysSincePrior
    }

    public var count: Int { orderID.count }

    public mutating func append(
        orderID: Int32, userID: Int32, evalSet: EvalSet, orderNumber: Int16, dow: UInt8, hour: UInt8,
        daysSincePrior: Float
    ) {
        self.orderID.append(orderID)
        self.userID.append(userID)
        self.evalSet.append(evalSet.rawValue)
        self.orderNumber.append(orderNumber)
        self.dow.append(dow)
        self.hour.append(hour)
        self.daysSincePrior.append(daysSincePrior)
    }

    /// The eval set of row `row`.
    public func evalSet(atRow row: Int) -> EvalSet { EvalSet(rawValue: evalSet[row]) ?? .prior }

    /// Number of orders of each eval set, indexed by `EvalSet.rawValue`.
    public func evalSetCounts() -> [Int] {
        var counts = [0, 0, 0]
        for e in evalSet { counts[Int(e)] += 1 }
        return counts
    }

    /// Dense index from order_id to row.
    public func rowIndex() -> IDIndex { IDIndex(ids: orderID) }

    /// Column-wise equality where NaN days equal NaN days (an empty days_since_prior_order equals
    /// another empty one).
    public static func == (a: OrderTable, b: OrderTable) -> Bool {
        a.orderID == b.orderID && a.userID == b.userID && a.evalSet == b.evalSet && a.orderNumber == b.orderNumber
            && a.dow == b.dow && a.hour == b.hour && a.daysSincePrior.count == b.daysSincePrior.count
            && zip(a.daysSincePrior, b.daysSincePrior).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
