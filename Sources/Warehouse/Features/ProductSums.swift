import ClickHouse

/// The integer sums behind the product features, per product: rows (p_orders), reordered rows,
/// the sum of add_to_cart_order, the users who bought it, and those who bought it in two or more
/// orders (`ReorderFeatureSQL.productSums`). They are sums and counts over users, so the sums of
/// shards holding disjoint users add up to the sums over all users, exactly (UInt64, no
/// rounding); the ratios are computed from the totals afterwards, on each shard, by the same SQL
/// as on one server.
///
/// Cost: O(products) memory (five UInt64 per product: 2 MB at Instacart's 49,688 products);
/// `add` is O(products of the other) with a hash lookup each.
public struct ProductSums: Sendable, Equatable {
    /// The five sums of one product, in the order of `ReorderFeatureSQL.productSumColumns`.
    public typealias Sums = (rows: UInt64, reorders: UInt64, cart: UInt64, users: UInt64, repeatUsers: UInt64)

    private var slot: [UInt32: Int] = [:]
    public private(set) var productIDs: [UInt32] = []
    private var values: [UInt64] = []

    public init() {}

    public var count: Int { productIDs.count }

    public subscript(productID: UInt32) -> Sums? {
        guard let i = slot[productID] else { return nil }
        return (values[5 * i], values[5 * i + 1], values[5 * i + 2], values[5 * i + 3], values[5 * i + 4])
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
            values.append(contentsOf: [0, 0, 0, 0, 0])
        }
        values[5 * i] += sums.rows
        values[5 * i + 1] += sums.reorders
        values[5 * i + 2] += sums.cart
        values[5 * i + 3] += sums.users
        values[5 * i + 4] += sums.repeatUsers
    }

    /// Adds every product of `other`.
    public mutating func add(_ other: ProductSums) {
        for (i, id) in other.productIDs.enumerated() {
            add(productID: id, (other.values[5 * i], other.values[5 * i + 1], other.values[5 * i + 2], other.values[5 * i + 3],
                                other.values[5 * i + 4]))
        }
    }

    public static func == (a: ProductSums, b: ProductSums) -> Bool {
        guard a.count == b.count else { return false }
        for (i, id) in a.productIDs.enumerated() {
            guard let j = b.slot[id], a.values[5 * i..<5 * i + 5].elementsEqual(b.values[5 * j..<5 * j + 5]) else { return false }
        }
        return true
    }

    /// The RowBinary columns of `ReorderFeatureSQL.productSumColumns`.
    static let columnTypes: [ClickHouseColumnType] = [.uint32] + Array(repeating: .uint64, count: 5)

    /// Reads `select` (product_id UInt32 and the five UInt64 sums, as `ReorderFeatureSQL.productSumsSelect`).
    public static func read(_ client: ClickHouseClient, _ select: String) throws -> ProductSums {
        var sums = ProductSums()
        try client.select(select, columns: columnTypes) { row in
            let id = try row.readUInt32()
            sums.add(productID: id, (try row.readUInt64(), try row.readUInt64(), try row.readUInt64(), try row.readUInt64(),
                                     try row.readUInt64()))
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
                for v in values[5 * i..<5 * i + 5] { w.writeUInt64(v) }
                next += 1
            }
            return next < order.count
        }
        return summary.rows
    }
}
