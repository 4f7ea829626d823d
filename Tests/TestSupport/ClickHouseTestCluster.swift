import ClickHouse
import Foundation

/// A database of its own on every node of the 2-shard ClickHouse cluster of the integration tests
/// (`RESTOCK_CLICKHOUSE_CLUSTER_URL`, the first node, which scripts/test sets after
/// `scripts/clickhouse start --shards 2`; cluster name `restock`). Tests that need it skip when the
/// variable is unset: `.enabled(if: ClickHouseTestCluster.isAvailable, Comment(rawValue:
/// ClickHouseTestCluster.skipReason))`. Tests that kill nodes start a `ThrowawayClickHouseCluster`
/// of their own instead.
public struct ClickHouseTestCluster: Sendable {
    public static let url: String? = ProcessInfo.processInfo.environment["RESTOCK_CLICKHOUSE_CLUSTER_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static var isAvailable: Bool { url != nil }
    public static let skipReason =
        "RESTOCK_CLICKHOUSE_CLUSTER_URL is not set, so tests against a real ClickHouse cluster are skipped (scripts/test starts one)"
    public static let name = "restock"

    /// The first node's URL (give it as --clickhouse with --cluster restock).
    public let url: String
    public let name: String
    /// The discovered cluster (shard k's client at index k).
    public let cluster: ClickHouseCluster

    /// A fresh database `<stem>_<random>` created empty on every node of the cluster at `url`
    /// (default: the test cluster).
    public init(_ stem: String, url: String? = nil) throws {
        self.url = url ?? Self.url ?? "http://127.0.0.1:1"
        name = "\(stem)_\(UInt32.random(in: 0...UInt32.max))"
        cluster = try ClickHouseCluster.discover(ClickHouseTestDatabase.client(self.url), name: Self.name)
        for shard in cluster.shards { try shard.execute("CREATE DATABASE \(SQLLiteral.identifier(name))") }
    }

    /// Drops the database on every node (best effort).
    public func drop() {
        for shard in cluster.shards { try? shard.execute("DROP DATABASE IF EXISTS \(SQLLiteral.identifier(name))") }
    }
}
