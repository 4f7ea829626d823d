import ArgumentParser
import ClickHouse
import Foundation

/// Where a command finds ClickHouse: `--clickhouse URL [--database NAME]`, with credentials from
/// `--clickhouse-user`/`--clickhouse-password`, else RESTOCK_CLICKHOUSE_USER /
/// RESTOCK_CLICKHOUSE_PASSWORD, else the URL's `user:password@`. Shared by every command that reads
/// or writes ClickHouse (`@OptionGroup var clickhouse: ClickHouseOptions`). The password is sent in
/// a request header only and never printed: `description` leaves it out.
struct ClickHouseOptions: ParsableArguments {
    @Option(name: .customLong("clickhouse"), help: ArgumentHelp("ClickHouse HTTP URL, e.g. http://127.0.0.1:8123.", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("ClickHouse database of the Instacart tables (default: instacart).", valueName: "name"))
    var database: String?

    @Option(name: .customLong("clickhouse-user"), help: "ClickHouse user (default: RESTOCK_CLICKHOUSE_USER, else the URL's, else default).")
    var user: String?

    @Option(name: .customLong("clickhouse-password"),
            help: "ClickHouse password (prefer RESTOCK_CLICKHOUSE_PASSWORD: options are visible to other local users).")
    var password: String?

    static let defaultDatabase = "instacart"

    var isGiven: Bool { url != nil }
    var databaseName: String { database ?? Self.defaultDatabase }

    func validate() throws {
        if let url {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ValidationError("--clickhouse must be an http:// or https:// URL, not '\(url)'")
            }
        } else if database != nil || user != nil || password != nil {
            throw ValidationError("--database, --clickhouse-user and --clickhouse-password need --clickhouse URL")
        }
        if let database, database.isEmpty { throw ValidationError("--database must not be empty") }
    }

    /// Throws unless `name` is a plain table name: a letter or `_`, then letters, digits and `_`
    /// (it is quoted in SQL anyway; this keeps names that need quoting out of the database).
    static func checkTableName(_ name: String, option: String = "--to-table") throws {
        let bytes = Array(name.utf8)
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b == UInt8(ascii: "_") }
        guard let first = bytes.first, isLetter(first), bytes.count <= 128,
              bytes.allSatisfy({ isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }) else {
            throw ValidationError("\(option) must be a table name of letters, digits and _ (not starting with a digit), not '\(name)'")
        }
    }

    /// A client for the URL. `stallTimeout` is how long a statement may compute before its answer
    /// starts (feature queries at full scale take minutes on 18.16).
    func client(stallTimeout: Double = 1800) -> ClickHouseClient {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ClickHouseConfiguration(url: url ?? "", user: user ?? environment["RESTOCK_CLICKHOUSE_USER"],
                                                    password: password ?? environment["RESTOCK_CLICKHOUSE_PASSWORD"])
        configuration.stallTimeout = stallTimeout
        return ClickHouseClient(configuration: configuration)
    }

    /// "ClickHouse <url> [user u (password set)] database d", without the password.
    var description: String {
        "ClickHouse \(client().configuration.description) database \(databaseName)"
    }
}
