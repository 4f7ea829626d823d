import ClickHouse
@testable import Features
import Tabular
import TestSupport
import Testing
import Warehouse

/// The reorder matrix computed by ClickHouse (`features --clickhouse`) equals the one built from the
/// CSV files bit for bit: same rows in the same order, same columns, same Float32 values (NaN where
/// missing), same labels.
@Suite(ClickHouseFixture.enabled)
struct ClickHouseFeatureParityTests {
    /// Asserts bitwise equality and names the first differing column and row otherwise.
    static func expectIdentical(_ fromSQL: LabelledMatrix, _ fromCSV: LabelledMatrix, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(fromSQL.rowCount == fromCSV.rowCount, sourceLocation: sourceLocation)
        #expect(fromSQL.features.schema.names == fromCSV.features.schema.names, sourceLocation: sourceLocation)
        #expect(fromSQL.keys == fromCSV.keys, "user_id, product_id", sourceLocation: sourceLocation)
        #expect(bitwiseEqual(fromSQL.target, fromCSV.target), "y", sourceLocation: sourceLocation)
        guard fromSQL.rowCount == fromCSV.rowCount else { return }
        let n = fromCSV.rowCount
        for (j, name) in fromCSV.features.schema.names.enumerated() {
            let a = fromSQL.features.values, b = fromCSV.features.values
            if let r = (0..<n).first(where: { a[j * n + $0].bitPattern != b[j * n + $0].bitPattern }) {
                Issue.record("\(name) differs first at row \(r): ClickHouse \(a[j * n + r]), CSV \(b[j * n + r])",
                             sourceLocation: sourceLocation)
            }
        }
    }

    @Test func generatedDataGivesTheSameMatrixFromClickHouseAsFromTheFiles() throws {
        let (dir, _) = try GeneratedData.make(users: 300, seed: 41)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_parity")
        defer { db.drop() }
        _ = try InstacartIngest(client: db.client, database: db.name).run(directory: dir.path)
        let (fromSQL, timings) = try ReorderMatrix.build(clickhouse: db.client, database: db.name)
        let (fromCSV, _) = try ReorderMatrix.build(directory: dir.path)
        #expect(fromCSV.rowCount > 10_000)
        Self.expectIdentical(fromSQL, fromCSV)
        #expect(timings.steps.map(\.step) == ReorderFeatureSQL.steps)
        #expect(try db.tableNames() == InstacartSchema.tables.map(\.name).sorted(), "the intermediate tables are dropped")
    }

    /// Hand-made corner cases on top of random data: a product twice in one order, an order without
    /// items (the last prior one of its user), a user without a train or test order (counts for the
    /// product features only), a user whose only order is the test order, fractional days, and a
    /// streak of orders longer than 64.
    @Test func cornerCasesGiveTheSameMatrix() throws {
        var data = RandomInstacart.make(users: 40, seed: 7)
        let productIDs = data.products.productID
        var nextOrder = (data.orders.orderID.max() ?? 0) + 1
        // A product twice in one prior order, the second time at the largest cart position the reader allows.
        let firstPrior = data.priorProducts.orderID[0]
        data.priorProducts.append(orderID: firstPrior, productID: data.priorProducts.productID[0], addToCartOrder: 32767, reordered: 1)
        // User 1001: prior orders 1...70, order 3 empty, all others holding product p0 (a streak of 67
        // ending at the last prior order, which holds nothing else); then a train order.
        for k in 1...71 {
            let evalSet: EvalSet = k == 71 ? .train : .prior
            data.orders.append(orderID: nextOrder, userID: 1001, evalSet: evalSet, orderNumber: Int16(k), dow: UInt8(k % 7),
                               hour: UInt8(k % 24), daysSincePrior: k == 1 ? .nan : Float(k % 9) + (k % 4 == 0 ? 0.5 : 0))
            if evalSet == .prior && k != 3 {
                data.priorProducts.append(orderID: nextOrder, productID: productIDs[0], addToCartOrder: 1, reordered: k > 1 ? 1 : 0)
                if k < 60 {
                    data.priorProducts.append(orderID: nextOrder, productID: productIDs[1 + k % 3], addToCartOrder: 2, reordered: 0)
                }
            } else if evalSet == .train {
                data.trainProducts.append(orderID: nextOrder, productID: productIDs[0], addToCartOrder: 1, reordered: 1)
            }
            nextOrder += 1
        }
        // User 1003: only prior orders (no candidates, but counts for p_users and p_repeat_users_ratio).
        for k in 1...3 {
            data.orders.append(orderID: nextOrder, userID: 1003, evalSet: .prior, orderNumber: Int16(k), dow: 1, hour: 1,
                               daysSincePrior: k == 1 ? .nan : 7)
            data.priorProducts.append(orderID: nextOrder, productID: productIDs[2], addToCartOrder: 1, reordered: k > 1 ? 1 : 0)
            nextOrder += 1
        }
        // User 1005: a test order and nothing before it.
        data.orders.append(orderID: nextOrder, userID: 1005, evalSet: .test, orderNumber: 1, dow: 2, hour: 3, daysSincePrior: .nan)

        let db = try ClickHouseTestDatabase("restock_parity_corners")
        defer { db.drop() }
        _ = try InstacartIngest(client: db.client, database: db.name).run(data)
        let (fromSQL, _) = try ReorderMatrix.build(clickhouse: db.client, database: db.name)
        let (fromCSV, _) = ReorderMatrix.build(data)
        Self.expectIdentical(fromSQL, fromCSV)
        let streak = fromCSV.features.schema.index(of: "up_streak")!
        let users = fromCSV.keys.column(named: "user_id")!, products = fromCSV.keys.column(named: "product_id")!
        let row = users.indices.first { users[$0] == 1001 && products[$0] == productIDs[0] }!
        #expect(fromCSV.features[row, streak] == 67, "orders 4...70 hold it, order 3 is empty")
        #expect(fromCSV.features[row, fromCSV.features.schema.index(of: "u_basket_last")!] == 1)
    }

    /// The chunked stream (`score`/`recommend --clickhouse`) hands out the whole matrix's rows, in
    /// order, in chunks of at most chunkRows rows, and drops its intermediate tables.
    @Test func chunkedStreamGivesTheWholeMatrixInOrder() throws {
        let (dir, _) = try GeneratedData.make(users: 120, seed: 43)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_parity_chunks")
        defer { db.drop() }
        _ = try InstacartIngest(client: db.client, database: db.name).run(directory: dir.path)
        let (whole, _) = try ReorderMatrix.build(directory: dir.path)
        var chunks: [LabelledMatrix] = []
        let timings = try ReorderMatrix.stream(clickhouse: db.client, database: db.name, chunkRows: 1000) { chunks.append($0) }
        #expect(timings.rows == whole.rowCount && chunks.count == (whole.rowCount + 999) / 1000)
        #expect(chunks.dropLast().allSatisfy { $0.rowCount == 1000 })
        var start = 0
        for chunk in chunks {
            Self.expectIdentical(chunk, whole.selectingRows(Array(start..<(start + chunk.rowCount))))
            start += chunk.rowCount
        }
        #expect(try db.tableNames() == InstacartSchema.tables.map(\.name).sorted())
    }

    @Test func databaseWithoutTheTablesIsNamedBeforeAnyQuery() throws {
        let db = try ClickHouseTestDatabase("restock_parity_empty")
        defer { db.drop() }
        try db.client.execute(InstacartSchema.orders.createStatement(database: db.name))
        #expect(throws: ReorderMatrixSourceError.missingTables(
            database: db.name, ["aisles", "departments", "products", "order_products__prior", "order_products__train"])) {
            try ReorderMatrix.build(clickhouse: db.client, database: db.name)
        }
        #expect(try db.tableNames() == ["orders"])
    }
}
