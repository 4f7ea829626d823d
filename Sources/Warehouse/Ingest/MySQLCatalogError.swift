/// Why the product catalog could not be taken from MySQL (`restock ingest --catalog`). Raised
/// before anything is written to ClickHouse, so the live tables are unchanged. The text names the
/// catalog by its redacted URL and the table and column at fault, and never holds the password
/// (server messages are scrubbed of it; the SQL that carried it is never quoted).
public struct MySQLCatalogError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// ClickHouse could not connect to the MySQL server (refused, unknown host, timed out).
        case unreachable(String)
        /// MySQL refused the user, the password or access to the database.
        case accessDenied(String)
        /// The table does not exist (or the user cannot see it).
        case missingTable
        /// Columns missing or of a type that cannot hold the values (each problem described).
        case badColumns([String])
        /// The table has no rows.
        case empty
        /// An id outside 1...2147483647 (a NULL id arrives as 0 through ClickHouse 18.16).
        case idOutOfRange(column: String, value: Int64)
        /// The same id on two rows.
        case duplicateID(column: String, id: Int64)
        /// A product whose aisle or department is not in the catalog.
        case unknownReference(productID: Int64, column: String, id: Int64, table: String)
        /// Any other failure of the query ClickHouse ran against MySQL (scrubbed server message).
        case server(String)
    }

    /// The catalog's URL without its password.
    public let catalog: String
    /// The MySQL table at fault; empty when the failure is not about one table.
    public let table: String
    public let problem: Problem

    public init(catalog: String, table: String, problem: Problem) {
        self.catalog = catalog
        self.table = table
        self.problem = problem
    }

    /// True when MySQL could not be read at all (exit 74); false when it was read and holds
    /// something the catalog must not (exit 65).
    public var isInputOutput: Bool {
        switch problem {
        case .unreachable, .accessDenied, .server: true
        default: false
        }
    }

    public var description: String {
        let name = table.isEmpty ? catalog : "\(catalog) table \(table)"
        let what: String
        switch problem {
        case .unreachable(let message): what = "ClickHouse cannot reach the MySQL server of \(catalog): \(message)"
        case .accessDenied(let message): what = "MySQL refused access to \(catalog): \(message)"
        case .missingTable: what = "\(name) does not exist (or the user cannot see it)"
        case .badColumns(let problems): what = "\(name) cannot be the catalog: \(problems.joined(separator: "; "))"
        case .empty: what = "\(name) is empty"
        case .idOutOfRange(let column, let value):
            what = "\(name): \(column) \(value) is not in 1...2147483647 (a NULL id reads as 0)"
        case .duplicateID(let column, let id): what = "\(name): \(column) \(id) appears more than once"
        case .unknownReference(let product, let column, let id, let other):
            what = "\(name): product_id \(product) has \(column) \(id), which is not in table \(other)"
        case .server(let message): what = "reading \(name) through ClickHouse failed: \(message)"
        }
        return what + "; nothing was changed"
    }
}
