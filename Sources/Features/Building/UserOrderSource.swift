/// One user's orders as the per-user feature routine (`ReorderFeatureBuilder.writeUser`) reads them:
/// the batch builder's view of an `OrderHistory` (`OrderHistory.User`) and the live state's view of
/// one user (`LiveOrderHistory`) both conform, so batch and live rows come from one code path.
///
/// Slots are local, `0..<orderCount`, ascending by order_number; `targetSlot` is the train or test
/// order (the caller only asks for users that have one). A slot's prior rows are `items(slot)`
/// (empty for the target). Products are numbers of the caller's product table. Conformers are
/// small structs whose accessors are O(1) and inlined: the builder is specialized for each.
protocol UserOrderSource {
    var userID: Int32 { get }
    var orderCount: Int { get }
    var targetSlot: Int { get }
    func orderNumber(_ slot: Int) -> Int32
    func daysSincePrior(_ slot: Int) -> Float
    func dow(_ slot: Int) -> UInt8
    func hour(_ slot: Int) -> UInt8
    func isTest(_ slot: Int) -> Bool
    /// The item indices of the slot's prior rows.
    func items(_ slot: Int) -> Range<Int>
    func product(_ item: Int) -> Int
    func cart(_ item: Int) -> Int32
    func reordered(_ item: Int) -> UInt8
    /// The products of the target order (train labels), as product numbers, -1 for one never bought
    /// in a prior order.
    var targetProductCount: Int { get }
    func targetProduct(_ index: Int) -> Int
    /// The key written into a row's product_id column for product number p.
    func productKey(_ p: Int) -> Int32
}

extension OrderHistory {
    /// User u of a batch history, as a `UserOrderSource` (slot s is the history's slot
    /// `orderStart[u] + s`).
    struct User: UserOrderSource {
        let h: OrderHistory
        let u: Int
        let base: Int

        init(_ h: OrderHistory, _ u: Int) {
            self.h = h
            self.u = u
            base = Int(h.orderStart[u])
        }

        var userID: Int32 { h.userIDs[u] }
        var orderCount: Int { Int(h.orderStart[u + 1]) - base }
        var targetSlot: Int { Int(h.targetSlot[u]) - base }
        @inline(__always) func orderNumber(_ slot: Int) -> Int32 { h.orderNumber[base + slot] }
        @inline(__always) func daysSincePrior(_ slot: Int) -> Float { h.daysSincePrior[base + slot] }
        @inline(__always) func dow(_ slot: Int) -> UInt8 { h.dow[base + slot] }
        @inline(__always) func hour(_ slot: Int) -> UInt8 { h.hour[base + slot] }
        @inline(__always) func isTest(_ slot: Int) -> Bool { h.evalSet[base + slot] == OrderHistory.test }
        @inline(__always) func items(_ slot: Int) -> Range<Int> { Int(h.itemStart[base + slot])..<Int(h.itemStart[base + slot + 1]) }
        @inline(__always) func product(_ item: Int) -> Int { Int(h.itemProduct[item]) }
        @inline(__always) func cart(_ item: Int) -> Int32 { h.itemCart[item] }
        @inline(__always) func reordered(_ item: Int) -> UInt8 { h.itemReordered[item] }
        var targetProductCount: Int { Int(h.targetItemStart[u + 1] - h.targetItemStart[u]) }
        func targetProduct(_ index: Int) -> Int { Int(h.targetProducts[Int(h.targetItemStart[u]) + index]) }
        @inline(__always) func productKey(_ p: Int) -> Int32 { h.productIDs[p] }
    }
}
