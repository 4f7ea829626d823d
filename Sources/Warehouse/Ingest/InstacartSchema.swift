import ClickHouse
import Features

/// The ClickHouse tables of an Instacart-layout dataset: all of the DDL, in one place. One table per
/// file, named after it (`aisles`, `departments`, `products`, `orders`, `order_products__prior`,
/// `order_products__train`), with the file's columns in the file's order.
///
/// Types: every id is UInt32 (the reader accepts ids up to 2^31 − 1); `eval_set` is
/// `Enum8('prior' = 0, 'train' = 1, 'test' = 2)` (the codes of `EvalSet`); order_number and
/// add_to_cart_order are UInt16 (the reader's limit is 32,767); days_since_prior_order is
/// Nullable(Float32), NULL for an empty field (never 0: 18.16 would read an empty CSV field as 0).
/// Engines are new-syntax MergeTree without partitions; no LowCardinality, CODEC or other type 18.16 lacks (CLICKHOUSE.md §3).
public enum InstacartSchema {
    /// One column: its name, its type as ClickHouse prints it in `DESCRIBE TABLE`, and the RowBinary
    /// type the client writes into it.
    public struct Column: Sendable, Equatable {
        public let name: String
        public let type: String
        public let wire: ClickHouseColumnType
    }

    /// One table of the schema.
    public struct Table: Sendable, Equatable {
        /// The table name, which is the file name without `.csv`.
        public let name: String
        /// The CSV file it holds (`InstacartLayout`).
        public let file: String
        public let columns: [Column]
        /// The MergeTree sorting key.
        public let orderBy: [String]

        /// `CREATE TABLE [IF NOT EXISTS] database.name (...) ENGINE = MergeTree() ORDER BY (...)`, with
        /// the `LoadMarker` column of run `loadID` when given.
        public func createStatement(database: String, name: String? = nil, ifNotExists: Bool = false, loadID: String? = nil) -> String {
            let columnList = (columns.map { "\(SQLLiteral.identifier($0.name)) \($0.type)" }
                + (loadID.map { [LoadMarker.definition(runID: $0)] } ?? [])).joined(separator: ", ")
            let key = orderBy.map(SQLLiteral.identifier).joined(separator: ", ")
            return "CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(SQLLiteral.qualifiedName(database, name ?? self.name)) "
                + "(\(columnList)) ENGINE = MergeTree() ORDER BY (\(key))"
        }

        /// The columns as an INSERT declares them.
        public var insertColumns: [ClickHouseColumn] { columns.map { ClickHouseColumn($0.name, $0.wire) } }
    }

    static let evalSetType = "Enum8('prior' = 0, 'train' = 1, 'test' = 2)"

    public static let aisles = Table(
        name: "aisles", file: InstacartLayout.aisles,
        columns: [Column(name: "aisle_id", type: "UInt32", wire: .uint32), Column(name: "aisle", type: "String", wire: .string)],
        orderBy: ["aisle_id"])
    public static let departments = Table(
        name: "departments", file: InstacartLayout.departments,
        columns: [Column(name: "department_id", type: "UInt32", wire: .uint32),
                  Column(name: "department", type: "String", wire: .string)],
        orderBy: ["department_id"])
    public static let products = Table(
        name: "products", file: InstacartLayout.products,
        columns: [Column(name: "product_id", type: "UInt32", wire: .uint32),
                  Column(name: "product_name", type: "String", wire: .string),
                  Column(name: "aisle_id", type: "UInt32", wire: .uint32),
                  Column(name: "department_id", type: "UInt32", wire: .uint32)],
        orderBy: ["product_id"])
    public static let orders = Table(
        name: "orders", file: InstacartLayout.orders,
        columns: [Column(name: "order_id", type: "UInt32", wire: .uint32),
                  Column(name: "user_id", type: "UInt32", wire: .uint32),
                  Column(name: "eval_set", type: evalSetType, wire: .int8),
                  Column(name: "order_number", type: "UInt16", wire: .uint16),
                  Column(name: "order_dow", type: "UInt8", wire: .uint8),
                  Column(name: "order_hour_of_day", type: "UInt8", wire: .uint8),
                  Column(name: "days_since_prior_order", type: "Nullable(Float32)", wire: .nullable(.float32))],
        orderBy: ["user_id", "order_number"])
    public static let priorProducts = orderProducts("order_products__prior", file: InstacartLayout.priorProducts)
    public static let trainProducts = orderProducts("order_products__train", file: InstacartLayout.trainProducts)

    static func orderProducts(_ name: String, file: String) -> Table {
        Table(name: name, file: file,
              columns: [Column(name: "order_id", type: "UInt32", wire: .uint32),
                        Column(name: "product_id", type: "UInt32", wire: .uint32),
                        Column(name: "add_to_cart_order", type: "UInt16", wire: .uint16),
                        Column(name: "reordered", type: "UInt8", wire: .uint8)],
              orderBy: ["order_id", "product_id"])
    }

    /// The six tables, in the order the files are read.
    public static let tables: [Table] = [aisles, departments, products, orders, priorProducts, trainProducts]

    /// The whole schema as a script, one statement per line (for `clickhouse-client --multiquery`
    /// and the benchmark's peer load).
    public static func script(database: String) -> String {
        (["CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database));"]
            + tables.map { $0.createStatement(database: database, ifNotExists: true) + ";" }).joined(separator: "\n") + "\n"
    }
}
