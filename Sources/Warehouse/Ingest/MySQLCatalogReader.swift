import ClickHouse
import Features
import Foundation
import Tabular

/// Reads a shop's product catalog (tables `aisles`, `departments`, `products` with the Instacart
/// columns; other columns are ignored) from a MySQL-compatible database through ClickHouse's own
/// `mysql()` table function: ClickHouse connects to MySQL, Restock only talks to ClickHouse.
///
/// Per table: `DESCRIBE TABLE mysql(...)` (the table must exist; id columns must be integers and
/// name columns strings), then one `SELECT` of the wanted columns, ids widened to Int64. Then the
/// catalog is checked as `InstacartReader` checks the three CSV files: no table empty, ids in
/// 1...2147483647, unique per table, every product's aisle and department present. The first
/// violation is thrown as a `MySQLCatalogError` naming the table and column.
///
/// ClickHouse 18.16 reads MySQL columns without their nullability (a NULL arrives as 0 or ''),
/// and its MySQL client asks for the `utf8` (3-byte) character set, so characters outside the
/// Basic Multilingual Plane (emoji) arrive as `?`; every other byte of a name arrives intact.
///
/// The password travels inside the SQL (`mysql()` takes it as an argument): it is sent in the
/// request body only, every error is rebuilt from the server's message scrubbed of it, and no
/// query text is kept. The server itself logs the SQL (`system.query_log`, its text log).
///
/// Cost: 6 small queries; the rows cross MySQL → ClickHouse → Restock once (about 2 MB for 49,688
/// products); memory: the catalog's columns.
public struct MySQLCatalogReader: Sendable {
    public let client: ClickHouseClient
    public let source: MySQLCatalogURL

    public init(client: ClickHouseClient, source: MySQLCatalogURL) {
        self.client = client
        self.source = source
    }

    static let integerTypes: Set<String> = ["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]

    /// Reads and checks the three tables. `progress` gets one line per table.
    public func read(progress: ((String) -> Void)? = nil) throws -> InstacartCatalog {
        let clock = ContinuousClock()
        func timed<T>(_ table: String, _ body: () throws -> T, rows: (T) -> Int) throws -> T {
            let start = clock.now
            let value = try body()
            progress?("read \(table) from \(source.redacted): \(rows(value)) rows in \(Elapsed.format(Elapsed.seconds(clock.now - start))) s")
            return value
        }
        var catalog = InstacartCatalog(productsName: "table \(source.database).products of \(source.redacted)")
        let a = InstacartLayout.aisleColumns, d = InstacartLayout.departmentColumns
        catalog.aisles = try timed("aisles", { try categories("aisles", id: a[0], name: a[1]) }, rows: \.count)
        catalog.departments = try timed("departments", { try categories("departments", id: d[0], name: d[1]) }, rows: \.count)
        catalog.products = try timed("products", { try products(aisles: catalog.aisles, departments: catalog.departments) }, rows: \.count)
        return catalog
    }

    func categories(_ table: String, id: String, name: String) throws -> CategoryTable {
        try checkColumns(table, integers: [id], strings: [name])
        var ids: [Int32] = []
        var names = TextColumn()
        try rows(table, [id, name]) { fields in
            ids.append(try checkedID(fields[0], table: table, column: id))
            names.append(fields[1] ?? "")
        }
        let result = CategoryTable(id: ids, name: names)
        try checkUnique(result.rowIndex(), ids: ids, table: table, column: id)
        return result
    }

    func products(aisles: CategoryTable, departments: CategoryTable) throws -> ProductTable {
        let table = InstacartSchema.products.name
        let c = InstacartLayout.productColumns
        try checkColumns(table, integers: [c[0], c[2], c[3]], strings: [c[1]])
        let aisleIndex = aisles.rowIndex(), departmentIndex = departments.rowIndex()
        var result = ProductTable()
        try rows(table, c) { fields in
            let product = try checkedID(fields[0], table: table, column: c[0])
            let aisle = try checkedID(fields[2], table: table, column: c[2])
            let department = try checkedID(fields[3], table: table, column: c[3])
            if aisleIndex.row(of: aisle) == nil {
                throw error(table, .unknownReference(productID: Int64(product), column: c[2], id: Int64(aisle), table: "aisles"))
            }
            if departmentIndex.row(of: department) == nil {
                throw error(table, .unknownReference(productID: Int64(product), column: c[3], id: Int64(department), table: "departments"))
            }
            result.append(productID: product, name: fields[1] ?? "", aisleID: aisle, departmentID: department)
        }
        try checkUnique(result.rowIndex(), ids: result.productID, table: table, column: c[0])
        return result
    }

    /// Throws `.missingTable` or `.badColumns` unless `table` has the integer and string columns named.
    func checkColumns(_ table: String, integers: [String], strings: [String]) throws {
        var found: [String: String] = [:]
        try query(table) {
            try client.selectTabSeparated("DESCRIBE TABLE \(source.tableFunction(table))") { fields in
                if fields.count >= 2, let name = fields[0], let type = fields[1] { found[name] = Self.withoutNullable(type) }
            }
        }
        if found.isEmpty { throw error(table, .missingTable) }
        var problems: [String] = []
        for column in integers + strings {
            guard let type = found[column] else {
                problems.append("no column \(column)")
                continue
            }
            if integers.contains(column), !Self.integerTypes.contains(type) {
                problems.append("column \(column) is \(type), not an integer type")
            } else if strings.contains(column), type != "String" {
                problems.append("column \(column) is \(type), not a string type (CHAR, VARCHAR, TEXT)")
            }
        }
        if !problems.isEmpty { throw error(table, .badColumns(problems)) }
    }

    /// Streams `columns` of `table` (integers as Int64) to `row`; throws `.empty` for no rows.
    func rows(_ table: String, _ columns: [String], row: ([String?]) throws -> Void) throws {
        let list = columns.map { $0.hasSuffix("_id") ? "toInt64(\(SQLLiteral.identifier($0)))" : SQLLiteral.identifier($0) }
        var count = 0
        try query(table) {
            try client.selectTabSeparated("SELECT \(list.joined(separator: ", ")) FROM \(source.tableFunction(table))") { fields in
                guard fields.count == columns.count else {
                    throw error(table, .server("expected \(columns.count) fields per row, got \(fields.count)"))
                }
                count += 1
                try row(fields)
            }
        }
        if count == 0 { throw error(table, .empty) }
    }

    func checkedID(_ field: String?, table: String, column: String) throws -> Int32 {
        let value = field.flatMap { Int64($0) } ?? 0
        guard InstacartLayout.idRange.contains(value) else { throw error(table, .idOutOfRange(column: column, value: value)) }
        return Int32(value)
    }

    func checkUnique(_ index: IDIndex, ids: [Int32], table: String, column: String) throws {
        if let duplicate = index.firstDuplicate {
            throw error(table, .duplicateID(column: column, id: Int64(ids[duplicate.row])))
        }
    }

    func error(_ table: String, _ problem: MySQLCatalogError.Problem) -> MySQLCatalogError {
        MySQLCatalogError(catalog: source.redacted, table: "\(source.database).\(table)", problem: problem)
    }

    /// Runs `body`, turning every ClickHouse failure into a `MySQLCatalogError` without the query
    /// (which holds the password) and with the password scrubbed from the server's message. Other
    /// errors pass unchanged: a `TransportError` (ClickHouse itself unreachable) carries no SQL.
    func query(_ table: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as MySQLCatalogError {
            throw failure
        } catch let failure as ClickHouseError {
            throw error(table, Self.classify(code: failure.code, message: source.scrubbed(failure.message)))
        }
    }

    /// The problem a ClickHouse exception stands for. `mysql()` reports MySQL client errors as
    /// `Poco::Exception. Code: 1000, e.code() = N, ...` (the client finds no code in that form) (1045, 1044, 1049: access; 2002, 2003, 2005, 2006, 2013: connection)
    /// and a table without columns (missing) as code 90 "Empty list of columns passed".
    static func classify(code: Int?, message: String) -> MySQLCatalogError.Problem {
        if code == 90, message.contains("Empty list of columns") { return .missingTable }
        let text = mysqlMessage(message)
        guard let marker = message.firstRange(of: "e.code() = ") else { return .server(text) }
        let mysqlCode = Int(message[marker.upperBound...].prefix { $0.isNumber }) ?? 0
        switch mysqlCode {
        case 1044, 1045, 1049, 1698: return .accessDenied(text)
        case 2002, 2003, 2005, 2006, 2013: return .unreachable(text)
        case 1146: return .missingTable
        default: return .server(text)
        }
    }

    /// The MySQL part of a ClickHouse message: the `displayText()` without the exception class
    /// and the `((nullptr):port)` suffix; the whole message when it has no such part.
    static func mysqlMessage(_ message: String) -> String {
        guard let start = message.firstRange(of: "displayText() = ") else { return message }
        var text = message[start.upperBound...]
        if let end = text.firstRange(of: ", e.what()") { text = text[..<end.lowerBound] }
        if let colon = text.firstRange(of: ": "), text[..<colon.lowerBound].contains("::") { text = text[colon.upperBound...] }
        if let suffix = text.range(of: " ((", options: .backwards) { text = text[..<suffix.lowerBound] }
        return String(text)
    }

    static func withoutNullable(_ type: String) -> String {
        type.hasPrefix("Nullable(") && type.hasSuffix(")") ? String(type.dropFirst(9).dropLast()) : type
    }
}
