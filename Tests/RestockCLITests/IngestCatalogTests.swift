import ClickHouse
import Features
import Foundation
import TestSupport
import Testing

/// `restock ingest --catalog mysql://...`: aisles, departments and products from MariaDB through
/// ClickHouse's mysql() table function, against the test ClickHouse and a real mariadbd.
@Suite(.serialized,
       .enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)),
       .enabled(if: MariaDBTestServer.isAvailable, Comment(rawValue: MariaDBTestServer.skipReason)))
struct IngestCatalogTests {
    /// Appended in turn to the generated names: commas, both quotes, backslashes (alone, before n,
    /// doubled), tab, line feed, spaces at both ends, 2- and 3-byte UTF-8. (Characters outside the
    /// BMP are left out: ClickHouse 18.16 reads MySQL as 3-byte utf8 and gets '?' for them.)
    static let hostile = ["comma, \"quoted\" it's", "back\\slash \\n \\\\", "crème brûlée – 中文 €", "tab\there",
                          "two\nlines", "NULL", "  spaced  ", "'", "\"", "\\"]

    /// A generated folder whose catalog names are made hostile (written back with `InstacartWriter`).
    static func hostileFolder(users: Int, seed: Int, in dir: TemporaryDirectory) throws -> String {
        let folder = try IngestCommandTests.generate(users: users, seed: seed, into: dir)
        var data = try InstacartReader.read(directory: folder)
        func renamed(_ table: CategoryTable) -> CategoryTable {
            var out = CategoryTable()
            for i in 0..<table.count { out.append(id: table.id[i], name: table.name.string(at: i) + " " + hostile[i % hostile.count]) }
            return out
        }
        data.aisles = renamed(data.aisles)
        data.departments = renamed(data.departments)
        var products = ProductTable()
        for i in 0..<data.products.count {
            products.append(productID: data.products.productID[i], name: data.products.productName(atRow: i) + " " + hostile[(i / 3) % hostile.count],
                            aisleID: data.products.aisleID[i], departmentID: data.products.departmentID[i])
        }
        data.products = products
        try InstacartWriter.write(data, to: folder)
        return folder
    }

    /// Stands for the database a case creates, in expected messages.
    static let placeholder = "<database>"

    static func mysqlName(_ stem: String) -> String { "\(stem)_\(UInt32.random(in: 0...UInt32.max))" }

    /// A user with a password full of what SQL and URLs treat specially, granted SELECT on `database`.
    static let user = "restock_reader"
    static let password = "pa'ss\\wo,rd@\"x"
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// The same folder ingested from its CSV files and with --catalog from MariaDB gives the same six
    /// tables (counts and content hashes); the password is in no output, summary or lineage event,
    /// and the lineage names the MySQL tables as inputs.
    @Test func catalogFromMySQLEqualsIngestFromCSV() throws {
        let mysql = try MariaDBTestServer()
        defer { mysql.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-catalog")
        defer { dir.remove() }
        let folder = try Self.hostileFolder(users: 120, seed: 71, in: dir)
        let shop = Self.mysqlName("shop")
        try mysql.loadCatalog(data: folder, database: shop)
        defer { mysql.drop(shop) }
        try mysql.execute("""
            CREATE USER IF NOT EXISTS '\(Self.user)'@'127.0.0.1' IDENTIFIED BY 'pa''ss\\\\wo,rd@"x';
            GRANT SELECT ON `\(shop)`.* TO '\(Self.user)'@'127.0.0.1';
            """)
        let fromCSV = try ClickHouseTestDatabase("restock_catalog_csv")
        defer { fromCSV.drop() }
        let fromMySQL = try ClickHouseTestDatabase("restock_catalog_mysql")
        defer { fromMySQL.drop() }
        let url = ClickHouseTestDatabase.url!

        let csv = try RestockProcess.run(["ingest", "--data", folder, "--clickhouse", url, "--database", fromCSV.name])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lineage = dir.file("lineage.jsonl")
        let catalogURL = "mysql://\(Self.user):\(Self.percentEncoded(Self.password))@127.0.0.1:\(mysql.port)/\(shop)"
        let run = try RestockProcess.run(["ingest", "--data", folder, "--clickhouse", url, "--database", fromMySQL.name,
                                          "--catalog", catalogURL, "--verbose", "--json", "--lineage", lineage])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try IngestCommandTests.fingerprints(fromMySQL) == IngestCommandTests.fingerprints(fromCSV))
        #expect(try fromMySQL.fingerprint("products", ["product_id", "product_name"]) != "0\t0")

        let events = (try? String(contentsOfFile: lineage, encoding: .utf8)) ?? ""
        for text in [run.stdout, run.stderr, events] {
            #expect(!text.contains(Self.password) && !text.contains(Self.percentEncoded(Self.password)) && !text.contains("pa\\'ss"))
        }
        #expect(run.stderr.contains("mysql://\(Self.user):***@127.0.0.1:\(mysql.port)/\(shop)"))
        #expect(events.contains("mysql://127.0.0.1:\(mysql.port)") && events.contains("\(shop).products"))
        #expect(run.stdout.contains("\"catalog\""))

        // The password may come from RESTOCK_CATALOG_PASSWORD instead of the URL.
        let viaEnvironment = try RestockProcess.run(
            ["ingest", "--data", folder, "--clickhouse", url, "--database", fromMySQL.name,
             "--catalog", "mysql://\(Self.user)@127.0.0.1:\(mysql.port)/\(shop)"],
            environment: ["RESTOCK_CATALOG_PASSWORD": Self.password])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(try IngestCommandTests.fingerprints(fromMySQL) == IngestCommandTests.fingerprints(fromCSV))
    }

    /// Every bad catalog stops the ingest before anything is published, with its exit code and a
    /// message naming what is wrong; the live tables keep the previous ingest.
    @Test func badCatalogsAreRefusedAndChangeNothing() throws {
        let mysql = try MariaDBTestServer()
        defer { mysql.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-catalog-errors")
        defer { dir.remove() }
        let folder = try IngestCommandTests.generate(users: 40, seed: 72, into: dir)
        let good = Self.mysqlName("good")
        try mysql.loadCatalog(data: folder, database: good)
        defer { mysql.drop(good) }
        let db = try ClickHouseTestDatabase("restock_catalog_errors")
        defer { db.drop() }
        let url = ClickHouseTestDatabase.url!
        let first = try RestockProcess.run(["ingest", "--data", folder, "--clickhouse", url, "--database", db.name])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try IngestCommandTests.fingerprints(db)

        /// A database holding `good`'s catalog changed by `statements` (run in it).
        func variant(_ statements: String) throws -> String {
            let name = Self.mysqlName("bad")
            try mysql.execute("""
                CREATE DATABASE `\(name)`; USE `\(name)`;
                CREATE TABLE aisles AS SELECT * FROM `\(good)`.aisles;
                CREATE TABLE departments AS SELECT * FROM `\(good)`.departments;
                CREATE TABLE products AS SELECT * FROM `\(good)`.products;
                \(statements)
                """)
            return name
        }
        func ingest(_ catalog: String) throws -> RestockProcess.Result {
            try RestockProcess.run(["ingest", "--data", folder, "--clickhouse", url, "--database", db.name, "--catalog", catalog])
        }
        let cases: [(statements: String?, catalog: String?, status: Int32, message: String)] = [
            (nil, "mysql://root@127.0.0.1:1/\(good)", 74, "ClickHouse cannot reach the MySQL server"),
            (nil, "mysql://root:wrong-s3cret@127.0.0.1:\(mysql.port)/\(good)", 74, "MySQL refused access"),
            ("DROP TABLE products;", nil, 65, "products does not exist"),
            ("ALTER TABLE aisles MODIFY aisle_id VARCHAR(20);", nil, 65, "column aisle_id is String, not an integer type"),
            ("ALTER TABLE products DROP COLUMN department_id;", nil, 65, "no column department_id"),
            ("ALTER TABLE departments DROP COLUMN department, ADD COLUMN department INT NOT NULL DEFAULT 0;", nil, 65, "column department is Int32, not a string type"),
            ("DELETE FROM products;", nil, 65, "products is empty"),
            ("DELETE FROM aisles WHERE aisle_id = 1;", nil, 65, "which is not in table aisles"),
            ("DELETE FROM departments WHERE department_id = 2;", nil, 65, "which is not in table departments"),
            ("INSERT INTO products SELECT * FROM products WHERE product_id = 7;", nil, 65, "product_id 7 appears more than once"),
            ("UPDATE products SET product_id = 0 WHERE product_id = 5;", nil, 65, "product_id 0 is not in 1...2147483647"),
            ("DELETE FROM products WHERE product_id <= 5000;", nil, 65, "is not in table \(Self.placeholder).products of mysql://root@"),
        ]
        for c in cases {
            var catalog = c.catalog ?? ""
            var made: String?
            if let statements = c.statements {
                made = try variant(statements)
                catalog = "mysql://root@127.0.0.1:\(mysql.port)/\(made!)"
            }
            defer { if let made { mysql.drop(made) } }
            let result = try ingest(catalog)
            let message = c.message.replacing(Self.placeholder, with: made ?? "")
            #expect(result.status == c.status, "\(message): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!result.stderr.contains("wrong-s3cret"))
            #expect(try IngestCommandTests.fingerprints(db) == before, "\(c.message)")
        }
    }
}
