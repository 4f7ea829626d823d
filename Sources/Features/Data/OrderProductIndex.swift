/// The rows of an order_products table grouped by order (compressed sparse rows): the rows of order
/// row `o` (a row of `OrderTable`) are `rows[offsets[o] ..< offsets[o + 1]]`, in file order.
///
/// Built by a counting sort, O(rows + orders); memory 4 bytes per row plus 4 bytes per order.
/// Rows whose order_id is not in the order table are left out.
public struct OrderProductIndex: Equatable, Sendable {
    /// `orderCount + 1` entries.
    public let offsets: [Int32]
    public let rows: [Int32]

    public init(orderRows: [Int32], orderCount: Int) {
        var counts = [Int32](repeating: 0, count: orderCount + 1)
        for o in orderRows where o >= 0 { counts[Int(o) + 1] += 1 }
        for i in 0..<orderCount { counts[i + 1] += counts[i] }
        let offsets = counts
        var next = counts
        var rows = [Int32](repeating: 0, count: Int(counts[orderCount]))
        for (r, o) in orderRows.enumerated() where o >= 0 {
            rows[Int(next[Int(o)])] = Int32(r)
            next[Int(o)] += 1
        }
        self.offsets = offsets
        self.rows = rows
    }

    /// The number of rows of order row `o`.
    public func rowCount(ofOrderRow o: Int) -> Int { Int(offsets[o + 1] - offsets[o]) }

    /// The table rows of order row `o`.
    public func rows(ofOrderRow o: Int) -> ArraySlice<Int32> { rows[Int(offsets[o])..<Int(offsets[o + 1])] }
}

extension OrderProductTable {
    /// For each row, the row of its order in `orders` (via `orderIndex = orders.rowIndex()`), or -1 when
    /// the order is unknown. O(rows); 4 bytes per row.
    public func orderRows(_ orderIndex: IDIndex) -> [Int32] {
        let n = count
        return orderID.withUnsafeBufferPointer { ids in
            orderIndex.withLookup { lookup in
                [Int32](unsafeUninitializedCapacity: n) { b, c in
                    for i in 0..<n { b[i] = lookup.row(of: ids[i]) }
                    c = n
                }
            }
        }
    }

    /// Rows grouped by order row of `orders`.
    public func indexByOrder(_ orders: OrderTable, orderIndex: IDIndex) -> OrderProductIndex {
        OrderProductIndex(orderRows: orderRows(orderIndex), orderCount: orders.count)
    }

    /// For each product row of `products` (via `productIndex = products.rowIndex()`), the number of rows
    /// of this table. O(rows).
    public func rowCountsByProduct(_ productIndex: IDIndex, productCount: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: productCount)
        productID.withUnsafeBufferPointer { ids in
            productIndex.withLookup { lookup in
                counts.withUnsafeMutableBufferPointer { c in
                    for id in ids {
                        let r = lookup.row(of: id)
                        if r >= 0 { c[Int(r)] += 1 }
                    }
                }
            }
        }
        return counts
    }
}
