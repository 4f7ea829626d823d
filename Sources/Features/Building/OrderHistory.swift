/// Every user's orders in time order, and every prior order's items, in compressed sparse rows:
/// the shape the feature builders walk. Built once from the loaded tables (`OrderHistory.init(...)`),
/// it holds no `String` and no per-row object.
///
/// Layout: users ascending by id (numbered 0..<userCount), products numbered 0..<productCount
/// ascending by id (`productIDs`); user u owns order slots `orderStart[u] ..< orderStart[u+1]`,
/// ascending by order_number; a slot's items are `itemStart[s] ..< itemStart[s+1]` (empty for the
/// `train`/`test` order, whose products are in `targetItemStart`). Memory ≈ 14 bytes per order and
/// 9 bytes per prior row (≈ 340 MB at full Instacart scale).
public struct OrderHistory: Sendable {
    /// Ascending user ids; index = dense user number.
    public let userIDs: [Int32]
    /// `userIDs.count + 1` offsets into the order-slot arrays.
    public let orderStart: [Int32]
    public let orderNumber: [Int32]
    /// 0 = prior, 1 = train, 2 = test.
    public let evalSet: [UInt8]
    public let dow: [UInt8]
    public let hour: [UInt8]
    /// days_since_prior_order, NaN when empty.
    public let daysSincePrior: [Float]
    /// `slots + 1` offsets into the item arrays (prior rows only).
    public let itemStart: [Int32]
    /// Product numbers (indices into `productIDs`), not ids: tables indexed by product are sized
    /// by the products present.
    public let itemProduct: [Int32]
    public let itemCart: [Int32]
    public let itemReordered: [UInt8]
    /// Per user: the slot of its train or test order, or -1 when it has none.
    public let targetSlot: [Int32]
    /// Per user: offsets into `targetProducts` (the products of its train order; empty for test).
    public let targetItemStart: [Int32]
    /// Product numbers as in `itemProduct`; -1 for a product without prior rows (never a candidate).
    public let targetProducts: [Int32]
    /// The products of the prior rows, ascending by id: product number k is `productIDs[k]`.
    public let productIDs: [Int32]

    public static let prior: UInt8 = 0
    public static let train: UInt8 = 1
    public static let test: UInt8 = 2

    public var userCount: Int { userIDs.count }
    public var slotCount: Int { orderNumber.count }
    /// Distinct products of the prior rows (the size of every per-product table).
    public var productCount: Int { productIDs.count }
}
