/// Orders grouped by user: for user `u` (0-based, in ascending user_id), the order rows
/// `orderRows[offsets[u] ..< offsets[u + 1]]`, sorted by order_number.
///
/// Build cost O(n) when orders.csv is sorted by (user_id, order_number), as Instacart's is, else
/// O(n log n). Memory: 4 bytes per order plus 8 bytes per user.
public struct UserOrders: Equatable, Sendable {
    /// Distinct user ids, ascending.
    public let userIDs: [Int32]
    /// `userIDs.count + 1` entries.
    public let offsets: [Int32]
    /// Rows of `OrderTable`, grouped by user and sorted by order_number within a user.
    public let orderRows: [Int32]

    public init(_ orders: OrderTable) {
        let n = orders.count
        var rows = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i) }
            c = n
        }
        let user = orders.userID
        let number = orders.orderNumber
        var sorted = true
        for i in 1..<max(n, 1) where (user[i - 1], number[i - 1]) > (user[i], number[i]) {
            sorted = false
            break
        }
        if !sorted {
            user.withUnsafeBufferPointer { u in
                number.withUnsafeBufferPointer { k in
                    rows.sort { a, b in (u[Int(a)], k[Int(a)], a) < (u[Int(b)], k[Int(b)], b) }
                }
            }
        }
        var ids: [Int32] = []
        var offsets: [Int32] = [0]
        for (i, r) in rows.enumerated() {
            let u = user[Int(r)]
            if i == 0 || u != ids[ids.count - 1] {
                if i > 0 { offsets.append(Int32(i)) }
                ids.append(u)
            }
        }
        if n > 0 { offsets.append(Int32(n)) }
        userIDs = ids
        self.offsets = offsets
        orderRows = rows
    }

    public var userCount: Int { userIDs.count }

    /// The order rows of user number `u` (0-based), by order_number.
    public func orders(ofUser u: Int) -> ArraySlice<Int32> {
        orderRows[Int(offsets[u])..<Int(offsets[u + 1])]
    }
}
