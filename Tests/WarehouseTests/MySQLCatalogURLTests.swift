import ClickHouse
import Testing
@testable import Warehouse

/// The --catalog URL: parsing, redaction, the SQL literal of the table function, and the
/// classification and scrubbing of the errors ClickHouse reports from MySQL (no server needed).
struct MySQLCatalogURLTests {
    @Test func parsesUserPasswordHostPortAndDatabase() throws {
        let url = try MySQLCatalogURL(parsing: "mysql://bob:p@ss%2Fw:rd@db.example:3307/shop")
        #expect(url.user == "bob")
        #expect(url.password == "p@ss/w:rd")
        #expect(url.address == "db.example:3307")
        #expect(url.database == "shop")
        #expect(url.redacted == "mysql://bob:***@db.example:3307/shop")
        #expect(try MySQLCatalogURL(parsing: "mysql://root@127.0.0.1/shop").address == "127.0.0.1:3306")
        #expect(try MySQLCatalogURL(parsing: "mysql://root@127.0.0.1/shop").redacted == "mysql://root@127.0.0.1:3306/shop")
    }

    @Test func problemsNeverQuoteTheURL() {
        for text in ["http://bob:SECRET@host/shop", "mysql://bob:SECRET@host", "mysql://bob:SECRET@host:99999/shop",
                     "mysql://:SECRET@host/shop", "mysql://bob:SECRET@/shop", "mysql://bob:SECRET@host/a/b"] {
            #expect(throws: MySQLCatalogURL.Problem.self) { try MySQLCatalogURL(parsing: text) }
            do {
                _ = try MySQLCatalogURL(parsing: text)
            } catch {
                #expect(!error.description.contains("SECRET"), "\(error)")
            }
        }
    }

    @Test func tableFunctionQuotesEveryArgument() throws {
        let url = try MySQLCatalogURL(parsing: "mysql://bob:it's\\x@127.0.0.1:3306/shop")
        #expect(url.tableFunction("products") == #"mysql('127.0.0.1:3306', 'shop', 'products', 'bob', 'it\'s\\x')"#)
    }

    @Test func scrubbingRemovesThePasswordInBothForms() throws {
        let url = try MySQLCatalogURL(parsing: "mysql://bob:it's\\x@127.0.0.1:3306/shop")
        #expect(url.scrubbed("failed at 'it\\'s\\\\x' and it's\\x") == "failed at '***' and ***")
    }

    @Test func classifiesMySQLClientErrors() {
        let denied = "Poco::Exception. Code: 1000, e.code() = 1045, e.displayText() = mysqlxx::ConnectionFailed: "
            + "Access denied for user 'bob'@'127.0.0.1' (using password: YES) ((nullptr):23306), e.what() = mysqlxx::ConnectionFailed"
        #expect(MySQLCatalogReader.classify(code: nil, message: denied)
                == .accessDenied("Access denied for user 'bob'@'127.0.0.1' (using password: YES)"))
        let refused = "Poco::Exception. Code: 1000, e.code() = 2002, e.displayText() = mysqlxx::ConnectionFailed: "
            + "Can't connect to server on '127.0.0.1' (115) ((nullptr):0), e.what() = mysqlxx::ConnectionFailed"
        #expect(MySQLCatalogReader.classify(code: nil, message: refused) == .unreachable("Can't connect to server on '127.0.0.1' (115)"))
        #expect(MySQLCatalogReader.classify(code: 90, message: "DB::Exception: Empty list of columns passed") == .missingTable)
        #expect(MySQLCatalogReader.classify(code: 60, message: "other") == .server("other"))
    }

    @Test func errorsSayNothingChangedAndKnowTheirExitClass() {
        let error = MySQLCatalogError(catalog: "mysql://bob:***@h:3306/shop", table: "shop.products", problem: .empty)
        #expect(error.description == "mysql://bob:***@h:3306/shop table shop.products is empty; nothing was changed")
        #expect(!error.isInputOutput)
        #expect(MySQLCatalogError(catalog: "c", table: "", problem: .unreachable("x")).isInputOutput)
    }
}
