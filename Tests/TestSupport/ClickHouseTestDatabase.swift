import ClickHouse
import Foundation

/// A database of its own on the ClickHouse server of the integration tests (`RESTOCK_CLICKHOUSE_URL`,
/// which scripts/test sets after starting a throw-away server). Tests that need it skip when the
/// variable is unset: `.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason))`.
public struct ClickHouseTestDatabase: Sendable {
    public static let url: String? = ProcessInfo.processInfo.environment["RESTOCK_CLICKHOUSE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static var isAvailable: Bool { url != nil }
    public static let skipReason =
        "RESTOCK_CLICKHOUSE_URL is not set, so tests against a real ClickHouse server are skipped (scripts/test starts one)"

    public let url: String
    public let name: String
    public let client: ClickHouseClient

    /// A fresh database `<stem>_<random>` on `url` (default: the test server), created empty.
    public init(_ stem: String, url: String? = nil) throws {
        self.url = url ?? Self.url ?? "http://127.0.0.1:1"
        name = "\(stem)_\(UInt32.random(in: 0...UInt32.max))"
        client = Self.client(self.url)
        try client.execute("CREATE DATABASE \(SQLLiteral.identifier(name))")
    }

    public static func client(_ url: String) -> ClickHouseClient {
        var configuration = ClickHouseConfiguration(url: url)
        configuration.retry = .init(maxAttempts: 3, initialDelay: 0.05)
        configuration.stallTimeout = 120
        return ClickHouseClient(configuration: configuration)
    }

    /// Drops the database and everything in it (best effort).
    public func drop() {
        try? client.execute("DROP DATABASE IF EXISTS \(SQLLiteral.identifier(name))")
    }

    /// The names of the tables in the database, sorted.
    public func tableNames() throws -> [String] {
        var names: [String] = []
        try client.selectTabSeparated("SELECT name FROM system.tables WHERE database = \(SQLLiteral.string(name)) ORDER BY name") {
            if let name = $0.first ?? nil { names.append(name) }
        }
        return names
    }

    /// `count()` and the wrapping sum of `cityHash64(expressions...)` over the rows of `table`: equal
    /// for equal contents whatever the row order, different (with overwhelming probability) otherwise.
    public func fingerprint(_ table: String, _ expressions: [String]) throws -> String {
        let sql = "SELECT count(), sum(cityHash64(\(expressions.joined(separator: ", ")))) FROM "
            + SQLLiteral.qualifiedName(name, table)
        return try client.queryText(sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
