import ClickHouse
import Features

/// The six Instacart tables of a database (as `restock ingest` or the stream wrote them) read back
/// into an `InstacartData`, the value `InstacartReader` gives for a folder: the live forecast's
/// initial state without the files.
///
/// First `ReorderMatrix.checkTablesExist` (all six tables, one load id: a database caught inside an
/// ingest's RENAME is refused), then one RowBinary SELECT per table, its rows streamed into the
/// columns as they arrive (the client reads the response in chunks; no text, no per-row object).
/// `days_since_prior_order` NULL becomes NaN, `eval_set` its code. Rows come in the tables' sorting
/// key order, not file order: everything built from the data (the feature rows, their values) is
/// independent of row order. Memory: the columns (11 bytes per order_products row, 17 per order);
/// cost one pass over the tables.
///
/// On a cluster (`read(shards:)`, shard k's client at index k) the catalog comes from the first
/// shard (it is whole on every shard) and the orders and lines of every shard are appended in shard
/// order: the same data as one node holding everything (the caller checks the cluster's ingest first,
/// `ClusterLoadCheck`). Cost: one pass over each shard's tables, one shard after the other.
public enum InstacartTableReader {
    /// `tableSuffix` reads `<table><suffix>` instead of each table: `ClusterTables.suffix` reads a
    /// sharded cluster's whole data through the node's `_all` tables (Distributed over the shards).
    public static func read(_ client: ClickHouseClient, database: String, tableSuffix: String = "",
                            progress: (@Sendable (String) -> Void)? = nil) throws -> InstacartData {
        try read(shards: [client], database: database, tableSuffix: tableSuffix, progress: progress)
    }

    public static func read(shards: [ClickHouseClient], database: String, tableSuffix: String = "",
                            progress: (@Sendable (String) -> Void)? = nil) throws -> InstacartData {
        for client in shards { _ = try ReorderMatrix.checkTablesExist(client, database: database) }
        let client = shards[0]
        func table(_ t: InstacartSchema.Table) -> String { SQLLiteral.qualifiedName(database, t.name + tableSuffix) }
        var data = InstacartData()
        func categories(_ t: InstacartSchema.Table) throws -> CategoryTable {
            var result = CategoryTable()
            try client.select("SELECT \(t.columns[0].name), \(t.columns[1].name) FROM \(table(t))", columns: [.uint32, .string]) { row in
                result.append(id: Int32(bitPattern: try row.readUInt32()), name: try row.readString())
            }
            return result
        }
        data.aisles = try categories(InstacartSchema.aisles)
        data.departments = try categories(InstacartSchema.departments)
        try client.select("SELECT product_id, product_name, aisle_id, department_id FROM \(table(InstacartSchema.products))",
                          columns: [.uint32, .string, .uint32, .uint32]) { row in
            let id = Int32(bitPattern: try row.readUInt32())
            let name = try row.readString()
            data.products.append(productID: id, name: name, aisleID: Int32(bitPattern: try row.readUInt32()),
                                 departmentID: Int32(bitPattern: try row.readUInt32()))
        }
        progress?("read \(data.products.count) products from \(database)")
        for client in shards {  // the sharded tables, shard after shard
            try client.select("SELECT order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day, days_since_prior_order "
                              + "FROM \(table(InstacartSchema.orders))",
                              columns: [.uint32, .uint32, .int8, .uint16, .uint8, .uint8, .nullable(.float32)]) { row in
                let id = Int32(bitPattern: try row.readUInt32()), user = Int32(bitPattern: try row.readUInt32())
                let evalSet = EvalSet(rawValue: UInt8(bitPattern: try row.readInt8())) ?? .prior
                let number = Int16(truncatingIfNeeded: try row.readUInt16())
                let dow = try row.readUInt8(), hour = try row.readUInt8()
                let days = try row.readOptional { try $0.readFloat32() } ?? .nan
                data.orders.append(orderID: id, userID: user, evalSet: evalSet, orderNumber: number, dow: dow, hour: hour,
                                   daysSincePrior: days)
        }
        progress?("read \(data.orders.count) orders from \(database)")
        func orderProducts(_ t: InstacartSchema.Table, into result: inout OrderProductTable) throws {
            try client.select("SELECT order_id, product_id, add_to_cart_order, reordered FROM \(table(t))",
                              columns: [.uint32, .uint32, .uint16, .uint8]) { row in
                result.append(orderID: Int32(bitPattern: try row.readUInt32()), productID: Int32(bitPattern: try row.readUInt32()),
                              addToCartOrder: Int16(truncatingIfNeeded: try row.readUInt16()), reordered: try row.readUInt8())
            }
        }
        try orderProducts(InstacartSchema.priorProducts, into: &data.priorProducts)
        try orderProducts(InstacartSchema.trainProducts, into: &data.trainProducts)
        }
        progress?("read \(data.priorProducts.count) prior and \(data.trainProducts.count) train rows from \(database)")
        return data
    }
}
