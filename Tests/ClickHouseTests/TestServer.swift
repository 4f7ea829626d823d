@testable import ClickHouse
import Foundation
import Testing

/// The ClickHouse server the integration tests use: `RESTOCK_CLICKHOUSE_URL` (scripts/test starts one
/// with scripts/clickhouse and sets it). Each test works in its own table of database `restock_test`.
enum TestServer {
    static let url: String? = ProcessInfo.processInfo.environment["RESTOCK_CLICKHOUSE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { url != nil }
    static let skipReason: Comment = "RESTOCK_CLICKHOUSE_URL is not set, so tests against a real ClickHouse server are skipped (scripts/test starts one)"
    static let database = "restock_test"

    static func client(database: String? = nil, _ configure: (inout ClickHouseConfiguration) -> Void = { _ in }) -> ClickHouseClient {
        var configuration = ClickHouseConfiguration(url: url ?? "http://127.0.0.1:1", database: database)
        configuration.retry = .init(maxAttempts: 3, initialDelay: 0.05)
        configure(&configuration)
        return ClickHouseClient(configuration: configuration)
    }

    /// Creates the test database once per process.
    private static let prepared: Result<Void, any Error> = Result {
        try client().execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
    }

    /// A fresh table name (unquoted) in `database`, after making sure the database exists.
    static func newTable(_ stem: String) throws -> String {
        try prepared.get()
        return "\(stem)_\(UInt32.random(in: 0...UInt32.max))"
    }

    static func qualified(_ table: String) -> String { SQLLiteral.qualifiedName(database, table) }

    /// `SELECT count()` of a table.
    static func count(_ table: String) throws -> Int {
        Int(try client().queryText("SELECT count() FROM \(qualified(table))").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Waits (up to ~20 s) until no query that mentions `table` is running, e.g. an aborted INSERT
    /// the server is still winding up.
    static func waitForQueries(on table: String) throws {
        let sql = "SELECT count() FROM system.processes WHERE query LIKE \(SQLLiteral.string("%" + table + "%")) "
            + "AND query NOT LIKE '%system.processes%'"
        for _ in 0..<400 {
            if try client().queryText(sql).hasPrefix("0") { return }
            usleep(50_000)
        }
    }

    /// The server's major version (18 for Debian's 18.16).
    static let majorVersion: Int = {
        guard isAvailable, let version = try? client().serverVersion() else { return 0 }
        return Int(version.prefix { $0 != "." }) ?? 0
    }()
}
