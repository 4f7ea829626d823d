import ClickHouse

/// The integer sums behind the product features, per product: rows (p_orders), reordered rows,
/// the sum of add_to_cart_order, the users who bought it, those who bought it in two or more
/// orders, Σ k and Σ (up_last − up_first) over its buyers (`ReorderFeatureSQL.productSums`). They are sums and counts over users, so the sums of
/// shards holding disjoint users add up to the sums over all users, exactly (UInt64, no
/// rounding); the ratios are computed from the totals afterwards, on each shard, by the same SQL
/// as on one server.
///
/// Cost: O(products) memory (seven UInt64 per product: 2.8 MB at Instacart's 49,688 products);
/// `add` is O(products of the other) with a hash lookup each.
public struct ProductSums: Sendable, Equatable {
    /// The seven sums of one product, in the order of `ReorderFeatureSQL.productSumColumns`.
    public typealias Sums = (rows: UInt64, reorders: UInt64, cart: UInt64, users: UInt64, repeatUsers: UInt64, orderCount: UInt64,
                             repeatSpan: UInt64)
    /// Sums per product.
    static let width = 7

    private var slot: [UInt32: Int] = [:]
    public private(set) var productIDs: [UInt32] = []
    private var values: [UInt64] = []

    public init() {}

    public var count: Int { productIDs.count }

    public subscript(productID: UInt32) -> Sums? {
        guard let i = slot[productID] else { return nil }
        let w = Self.width
        return (values[w * i], values[w * i + 1], values[w * i + 2], values[w * i + 3], values[w * i + 4], values[w * i + 5],
                values[w * i + 6])
    }

    /// Adds one product's sums (to those it already has).
    public mutating func add(productID: UInt32, _ sums: Sums) {
        let i: Int
        if let existing = slot[productID] {
            i = existing
        } else {
            i = productIDs.count
            slot[productID] = i
            productIDs.append(productID)
            values.append(contentsOf: [UInt64](repeating: 0, count: Self.width))
        }
        let w = Self.width
        values[w * i] += sums.rows
        values[w * i + 1] += sums.reorders
        values[w * i + 2] += sums.cart
        values[w * i + 3] += sums.users
        values[w * i + 4] += sums.repeatUsers
        values[w * i + 5] += sums.orderCount
        values[w * i + 6] += sums.repeatSpan
    }

    /// Adds every product of `other`.
    public mutating func add(_ other: ProductSums) {
        for id in other.productIDs { add(productID: id, other[id]!) }
    }

    public static func == (a: ProductSums, b: ProductSums) -> Bool {
        guard a.count == b.count else { return false }
        for (i, id) in a.productIDs.enumerated() {
            let w = width
            guard let j = b.slot[id], a.values[w * i..<w * i + w].elementsEqual(b.values[w * j..<w * j + w]) else { return false }
        }
        return true
    }

    /// The RowBinary columns of `ReorderFeatureSQL.productSumColumns`.
    static let columnTypes: [ClickHouseColumnType] = [.uint32] + Array(repeating: .uint64, count: width)

    /// Reads `select` (product_id UInt32 and the seven UInt64 sums, as `ReorderFeatureSQL.productSumsSelect`).
    public static func read(_ client: ClickHouseClient, _ select: String) throws -> ProductSums {
        var sums = ProductSums()
        try client.select(select, columns: columnTypes) { row in
            let id = try row.readUInt32()
            sums.add(productID: id, (try row.readUInt64(), try row.readUInt64(), try row.readUInt64(), try row.readUInt64(),
                                     try row.readUInt64(), try row.readUInt64(), try row.readUInt64()))
        }
        return sums
    }

    /// Inserts every product (by product_id) into `table` of `database` (columns of
    /// `ReorderFeatureSQL.productSumColumns`); returns the rows sent.
    @discardableResult
    public func insert(_ client: ClickHouseClient, database: String, table: String) throws -> Int {
        let columns = zip(ReorderFeatureSQL.productSumColumns, Self.columnTypes).map { ClickHouseColumn($0, $1) }
        let order = productIDs.indices.sorted { productIDs[$0] < productIDs[$1] }
        var next = 0
        let summary = try client.insert(into: table, database: database, columns: columns) { w in
            let end = min(next + 4096, order.count)
            while next < end {
                let i = order[next]
                w.writeUInt32(productIDs[i])
                for v in values[Self.width * i..<Self.width * (i + 1)] { w.writeUInt64(v) }
                next += 1
            }
            return next < order.count
        }
        return summary.rows
    }
}
