import ArgumentParser
import ClickHouse
import Foundation
import Warehouse

/// Where a command finds ClickHouse: `--clickhouse URL [--database NAME]`, with credentials from
/// `--clickhouse-user`/`--clickhouse-password`, else RESTOCK_CLICKHOUSE_USER /
/// RESTOCK_CLICKHOUSE_PASSWORD, else the URL's `user:password@` or `?user=...&password=...`
/// (`ClickHouseConfiguration(url:)`). A password without a user is sent for user `default`, as
/// ClickHouse itself does. Shared by every command that reads or writes ClickHouse
/// (`@OptionGroup var clickhouse: ClickHouseOptions`). The password is sent in a request header
/// only and never printed: `url` and `description` leave it out, and so do URL errors.
struct ClickHouseOptions: ParsableArguments {
    @Option(name: .customLong("clickhouse"), help: ArgumentHelp("ClickHouse HTTP URL, e.g. http://127.0.0.1:8123.", valueName: "url"))
    var givenURL: String?

    @Option(help: ArgumentHelp("ClickHouse database of the Instacart tables (default: instacart).", valueName: "name"))
    var database: String?

    @Option(name: .customLong("clickhouse-user"), help: "ClickHouse user (default: RESTOCK_CLICKHOUSE_USER, else the URL's, else default).")
    var user: String?

    @Option(name: .customLong("clickhouse-password"),
            help: "ClickHouse password, for --clickhouse-user or else user default (prefer RESTOCK_CLICKHOUSE_PASSWORD: options are visible to other local users).")
    var password: String?

    @Option(name: .customLong("clickhouse-stall-timeout"), parsing: .unconditional,
            help: ArgumentHelp("Seconds without a byte from or to ClickHouse before Restock asks the server whether the statement is still running; it gives up when the server does not confirm within as many seconds.",
                               valueName: "seconds"))
    var stallTimeout = Self.defaultStallTimeout

    static let defaultDatabase = "instacart"
    /// A minute of silence: a live server answers the `system.processes` check in milliseconds, so
    /// this only bounds how long a dead or hung one is waited for (about twice this).
    static let defaultStallTimeout = 60.0

    var isGiven: Bool { givenURL != nil }
    /// The server's address as `--clickhouse` gave it, without credentials or query parameters:
    /// the form every message, report and lineage event uses.
    var url: String? { givenURL.map { ClickHouseConfiguration(url: $0).url } }
    var databaseName: String { database ?? Self.defaultDatabase }

    func validate() throws {
        if let givenURL {
            do {
                _ = try ClickHouseConfiguration(validating: givenURL)
            } catch let error as ClickHouseURLError {
                throw ValidationError("--clickhouse: \(error)")
            }
        } else if database != nil || user != nil || password != nil {
            throw ValidationError("--database, --clickhouse-user and --clickhouse-password need --clickhouse URL")
        }
        if let database, database.isEmpty { throw ValidationError("--database must not be empty") }
        try OptionCheck.above(0, stallTimeout, "--clickhouse-stall-timeout")
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

    /// A client for the URL with `--clickhouse-stall-timeout`. A statement may compute for longer
    /// (feature queries at full scale take minutes on 18.16): the client asks the server whether it
    /// still runs (`ClickHouseConfiguration.stallTimeout`).
    func client() -> ClickHouseClient {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ClickHouseConfiguration(url: givenURL ?? "", user: user ?? environment["RESTOCK_CLICKHOUSE_USER"],
                                                    password: password ?? environment["RESTOCK_CLICKHOUSE_PASSWORD"])
        configuration.stallTimeout = stallTimeout
        return ClickHouseClient(configuration: configuration)
    }

    /// "ClickHouse <url> [user u (password set)] database d", without the password.
    var description: String {
        "ClickHouse \(client().configuration.description) database \(databaseName)"
    }
}

/// `--cluster NAME`: switches a ClickHouse command from the one server of `--clickhouse URL` to the
/// cluster NAME that this server's `system.clusters` lists (`ClickHouseCluster.discover`: one
/// replica per shard, each shard's HTTP port from its `http_port` macro, else the given URL's
/// port). Shared by the commands that read or write the Instacart tables on a cluster
/// (`@OptionGroup var cluster: ClusterOptions`); they call `check(with:)` in `validate()`.
struct ClusterOptions: ParsableArguments {
    @Option(name: .customLong("cluster"),
            help: ArgumentHelp("Use the ClickHouse cluster of this name (from system.clusters of the --clickhouse node) instead of one server.",
                               valueName: "name"))
    var name: String?

    var isGiven: Bool { name != nil }

    func validate() throws {
        if let name { try ClickHouseOptions.checkTableName(name, option: "--cluster") }
    }

    /// Throws unless --cluster comes with --clickhouse.
    func check(with clickhouse: ClickHouseOptions) throws {
        if isGiven && !clickhouse.isGiven { throw ValidationError("--cluster needs --clickhouse URL (any node of the cluster)") }
    }

    /// The cluster's shards, discovered through the --clickhouse node; nil without --cluster.
    func discover(_ clickhouse: ClickHouseOptions) throws -> ClickHouseCluster? {
        guard let name else { return nil }
        return try ClickHouseCluster.discover(clickhouse.client(), name: name)
    }

    /// For readers: the cluster, once `ClusterLoadCheck` has found every shard on the same committed
    /// ingest (finishing a committed run where a shard lags), and that run's id; nil without --cluster.
    /// Call `ClusterLoadCheck(cluster:database:).verify()` again after reading to be sure no ingest
    /// replaced the data meanwhile (it returns the same id).
    func discoverChecked(_ clickhouse: ClickHouseOptions, progress: (@Sendable (String) -> Void)? = nil) throws
        -> (cluster: ClickHouseCluster, runID: String)? {
        guard let cluster = try discover(clickhouse) else { return nil }
        var check = ClusterLoadCheck(cluster: cluster, database: clickhouse.databaseName)
        check.progress = progress
        return (cluster, try check.verify())
    }
}
