import ClickHouse
import Features
import Serve

/// The product catalog read from the Instacart tables in ClickHouse.
extension ProductCatalog {
    /// Names, aisles and departments from the `products`, `aisles` and `departments` tables of
    /// `database` (as `restock ingest` loads them): three RowBinary SELECTs into the same columns
    /// `InstacartReader` fills from the files, so lookups give the same text. Cost O(products +
    /// aisles + departments); memory about 2 MB at Instacart's size.
    public static func load(clickhouse client: ClickHouseClient, database: String) throws -> ProductCatalog {
        func table(_ name: String) -> String { SQLLiteral.qualifiedName(database, name) }
        var products = ProductTable()
        try client.select("SELECT product_id, product_name, aisle_id, department_id FROM \(table(InstacartSchema.products.name)) "
                          + "ORDER BY product_id", columns: [.uint32, .string, .uint32, .uint32]) { row in
            let id = Int32(bitPattern: try row.readUInt32())
            let name = try row.readString()
            products.append(productID: id, name: name, aisleID: Int32(bitPattern: try row.readUInt32()),
                            departmentID: Int32(bitPattern: try row.readUInt32()))
        }
        func categories(_ name: String, _ id: String, _ text: String) throws -> CategoryTable {
            var result = CategoryTable()
            try client.select("SELECT \(id), \(text) FROM \(table(name)) ORDER BY \(id)", columns: [.uint32, .string]) { row in
                result.append(id: Int32(bitPattern: try row.readUInt32()), name: try row.readString())
            }
            return result
        }
        return ProductCatalog(products: products,
                              aisles: try categories(InstacartSchema.aisles.name, "aisle_id", "aisle"),
                              departments: try categories(InstacartSchema.departments.name, "department_id", "department"))
    }
}
