/// order_products__prior.csv and __train.csv, the big files (576 MB, 32.4M rows at full scale).
///
/// The parts are parsed straight into the final arrays: a first pass counts each part's line feeds
/// (an upper bound on its records), the arrays are allocated once with that capacity, part k writes
/// from the sum of the bounds before it, and the parts are moved together afterwards only if a
/// bound was not reached (blank lines, quoted line feeds). No copy, no growth; peak memory is the
/// mapped file plus 11 bytes per row.
extension TableReader {
    /// Every row's order must be an order of `evalSet` and its product a known product.
    func orderProducts(
        _ file: String, evalSet: EvalSet, orders: OrderTable, orderIndex: IDIndex, productIndex: IDIndex
    ) throws -> (OrderProductTable, Int) {
        let columns = Layout.orderProductColumns
        let (mapped, headerEnd) = try open(file, columns: columns)
        defer { mapped.unmap() }
        let cuts = cuts(mapped, headerEnd: headerEnd)
        let parts = cuts.count - 1
        var bounds = Self.lineFeedCounts(mapped.bytes, cuts: cuts)
        bounds[parts - 1] += 1
        var starts = [0]
        for b in bounds { starts.append(starts[starts.count - 1] + b) }
        let capacity = starts[parts]
        let rowEvalSets = orders.evalSet
        let productBits = Self.idBits(productIndex)

        let (orderID, productID, cart, reordered): ([Int32], [Int32], [Int16], [UInt8]) = try Self.makeColumns(
            capacity: capacity
        ) { o, p, c, r in
            let sinks = try Self.evalSetTags(orders, orderIndex).withUnsafeBufferPointer { tags in
                try orderIndex.withLookup { orderLookup in
                    try productIndex.withLookup { productLookup in
                        try parseParts(
                            mapped, file: file, columns: columns, cuts: cuts,
                            make: { k in
                                OrderProductSink(
                                    orderID: o + starts[k], productID: p + starts[k], addToCartOrder: c + starts[k],
                                    reordered: r + starts[k], capacity: bounds[k])
                            },
                            discard: { _ in }
                        ) { s, sink in
                            try Self.parseOrderProducts(
                                &s, into: &sink, evalSet: evalSet,
                                orderEvalSets: OrderEvalSets(tags: tags, lookup: orderLookup, evalSets: rowEvalSets),
                                products: ProductIDSet(bits: productBits, lookup: productLookup))
                        }
                    }
                }
            }
            var count = sinks[0].count
            for k in 1..<parts {
                let n = sinks[k].count
                if starts[k] != count {
                    (o + count).update(from: o + starts[k], count: n)
                    (p + count).update(from: p + starts[k], count: n)
                    (c + count).update(from: c + starts[k], count: n)
                    (r + count).update(from: r + starts[k], count: n)
                }
                count += n
            }
            return count
        }
        return (
            OrderProductTable(orderID: orderID, productID: productID, addToCartOrder: cart, reordered: reordered),
            mapped.bytes.count
        )
    }

    /// The hot loop of the order_products files (~18 bytes per row).
    static func parseOrderProducts(
        _ s: inout CSVScanner, into sink: inout OrderProductSink, evalSet: EvalSet,
        orderEvalSets: OrderEvalSets, products: ProductIDSet
    ) throws {
        let expected = evalSet.rawValue
        var lastOrder: Int32 = -1
        while s.nextRecord() {
            let order = Int32(truncatingIfNeeded: try s.integer(column: 0, in: Layout.idRange))
            if order != lastOrder {
                let tag = orderEvalSets.evalSet(of: order)
                if tag != expected {
                    throw DataError(
                        file: s.file, line: s.line(at: s.recordStart), column: s.columns[0],
                        problem: tag == OrderEvalSets.unknown
                            ? .unknownReference(id: Int(order), table: Layout.orders)
                            : .wrongEvalSet(orderID: Int(order), found: EvalSet(rawValue: tag) ?? .prior, expected: evalSet))
                }
                lastOrder = order
            }
            let product = Int32(truncatingIfNeeded: try s.integer(column: 1, in: Layout.idRange))
            if !products.contains(product) {
                throw DataError(
                    file: s.file, line: s.line(at: s.recordStart), column: s.columns[1],
                    problem: .unknownReference(id: Int(product), table: Layout.products))
            }
            let cart = Int16(truncatingIfNeeded: try s.integer(column: 2, in: Layout.cartOrderRange))
            let reordered = UInt8(truncatingIfNeeded: try s.integer(column: 3, in: Layout.reorderedRange))
            sink.append(order, product, cart, reordered)
            s.releaseConsumedPages()
        }
    }

    /// When `index` is dense: the eval set of every possible order_id (`OrderEvalSets.unknown` where
    /// there is no order), 1 byte per id. The order_products files are sorted by order_id, so this is
    /// read sequentially, where `evalSet[row(of: id)]` would jump around orders.csv's user order (a
    /// cache miss per order: 40 % of the parse time at full scale). Empty for a sparse index.
    static func evalSetTags(_ orders: OrderTable, _ index: IDIndex) -> [UInt8] {
        guard case .dense(let table) = index.storage else { return [] }
        var tags = [UInt8](repeating: OrderEvalSets.unknown, count: table.count)
        tags.withUnsafeMutableBufferPointer { t in
            for (id, e) in zip(orders.orderID, orders.evalSet) { t[Int(id)] = e }
        }
        return tags
    }

    /// When `index` is dense: one bit per possible id, set where the id exists (6 KB for Instacart's
    /// 49,688 products: stays in L1, where the 200 KB index does not; 18 % of the parse time).
    /// Empty for a sparse index.
    static func idBits(_ index: IDIndex) -> [UInt64] {
        guard case .dense(let table) = index.storage else { return [] }
        var bits = [UInt64](repeating: 0, count: table.count / 64 + 1)
        for (id, row) in table.enumerated() where row >= 0 { bits[id >> 6] |= 1 << UInt64(id & 63) }
        return bits
    }

    /// Four arrays of up to `capacity` elements, filled by `fill` through pointers; `fill` returns the
    /// number of elements it initialized in each. Cost: the four allocations, no copy.
    static func makeColumns<A: BitwiseCopyable, B: BitwiseCopyable, C: BitwiseCopyable, D: BitwiseCopyable>(
        capacity: Int,
        _ fill: (UnsafeMutablePointer<A>, UnsafeMutablePointer<B>, UnsafeMutablePointer<C>, UnsafeMutablePointer<D>) throws -> Int
    ) throws -> ([A], [B], [C], [D]) {
        let capacity = max(capacity, 1)
        var n = 0
        var b: [B] = [], c: [C] = [], d: [D] = []
        let a = try [A](unsafeUninitializedCapacity: capacity) { pa, ca in
            b = try [B](unsafeUninitializedCapacity: capacity) { pb, cb in
                c = try [C](unsafeUninitializedCapacity: capacity) { pc, cc in
                    d = try [D](unsafeUninitializedCapacity: capacity) { pd, cd in
                        n = try fill(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, pd.baseAddress!)
                        cd = n
                    }
                    cc = n
                }
                cb = n
            }
            ca = n
        }
        return (a, b, c, d)
    }
}

/// The eval set of an order_id: from a dense per-id table when there is one, else through the index.
struct OrderEvalSets: @unchecked Sendable {
    static let unknown: UInt8 = 0xFF
    let tags: UnsafeBufferPointer<UInt8>
    let lookup: IDLookup
    let evalSets: [UInt8]

    /// `EvalSet.rawValue`, or `unknown`.
    @inline(__always)
    func evalSet(of id: Int32) -> UInt8 {
        if tags.count > 0 {
            return UInt(bitPattern: Int(id)) < UInt(tags.count) ? tags[Int(id)] : Self.unknown
        }
        let row = lookup.row(of: id)
        return row < 0 ? Self.unknown : evalSets[Int(row)]
    }
}

/// Membership of product ids: a bitset when there is one, else the index.
struct ProductIDSet: @unchecked Sendable {
    let bits: [UInt64]
    let lookup: IDLookup

    @inline(__always)
    func contains(_ id: Int32) -> Bool {
        if !bits.isEmpty {
            let word = Int(id) >> 6
            return word >= 0 && word < bits.count && bits[word] & (1 << UInt64(Int(id) & 63)) != 0
        }
        return lookup.row(of: id) >= 0
    }
}

/// Where one part of an order_products file is written: its slice of the final columns.
struct OrderProductSink {
    let orderID: UnsafeMutablePointer<Int32>
    let productID: UnsafeMutablePointer<Int32>
    let addToCartOrder: UnsafeMutablePointer<Int16>
    let reordered: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0

    @inline(__always)
    mutating func append(_ order: Int32, _ product: Int32, _ cart: Int16, _ reorder: UInt8) {
        precondition(count < capacity, "more records than line feeds")
        orderID[count] = order
        productID[count] = product
        addToCartOrder[count] = cart
        reordered[count] = reorder
        count += 1
    }
}
