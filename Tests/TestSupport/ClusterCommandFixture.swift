import Foundation

/// The setup the cluster CLI tests share: a temporary folder, a throw-away ClickHouse cluster of
/// `shards` shards, `restock generate --users U --seed S` into `<folder>/data`, and that folder
/// cluster-ingested into the database `sharded` (`ingest --cluster`). `run` runs a restock command
/// and throws (with its stderr) unless it exits 0. `stop()` stops the cluster and removes the folder.
public final class ClusterCommandFixture: @unchecked Sendable {
    public let dir: TemporaryDirectory
    public let cluster: ThrowawayClickHouseCluster
    /// The generated folder.
    public let data: String
    /// The database the folder was cluster-ingested into.
    public let database = "sharded"

    public struct CommandFailed: Error, CustomStringConvertible {
        public let arguments: [String]
        public let result: RestockProcess.Result
        public var description: String { "restock \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)" }
    }

    public init(prefix: String, users: Int, seed: Int, shards: Int = 2) throws {
        dir = try TemporaryDirectory(prefix: prefix)
        do {
            cluster = try ThrowawayClickHouseCluster(shards: shards)
        } catch {
            dir.remove()
            throw error
        }
        data = dir.file("data")
        do {
            try run(["generate", "--users", String(users), "--seed", String(seed), "--out", data])
            try run(["ingest", "--data", data, "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", database])
        } catch {
            stop()
            throw error
        }
    }

    /// Runs `restock arguments`; throws `CommandFailed` unless it exits 0.
    @discardableResult
    public func run(_ arguments: [String]) throws -> RestockProcess.Result {
        let result = try RestockProcess.run(arguments)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return result
    }

    public func stop() {
        cluster.stop()
        dir.remove()
    }
}
