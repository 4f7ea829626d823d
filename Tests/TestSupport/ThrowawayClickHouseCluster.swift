import Foundation

/// A ClickHouse cluster of the test's own: `scripts/clickhouse start --shards N` on free ports in a
/// temporary folder (node K in `<dir>/node-K`, HTTP port base + 2(K−1), native port one above; a
/// `remote_servers` cluster `restock` and the `http_port` macro on every node). `url` is the first
/// node's. Nodes can be killed (`killHard(node:)`) and started again (`restart()`: the script starts
/// whichever nodes are down, with the cluster configuration). `stop()` kills them all and removes
/// the folder.
public final class ThrowawayClickHouseCluster: @unchecked Sendable {
    public let directory: String
    public let shardCount: Int
    public private(set) var basePort = 0
    /// The cluster's name in every node's remote_servers.
    public let name = "restock"

    /// The first node's URL (any node would do for discovery).
    public var url: String { nodeURL(1) }
    /// Node K's (1-based, = shard_num) HTTP URL.
    public func nodeURL(_ node: Int) -> String { "http://127.0.0.1:\(basePort + 2 * (node - 1))" }
    public var nodeURLs: [String] { (1...shardCount).map(nodeURL) }

    /// Starts `shards` servers on free ports (tries up to 20 random even bases below the ephemeral range: `LoopbackPorts`).
    public init(shards: Int = 2) throws {
        shardCount = shards
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("restock-chc-\(UUID().uuidString)").path
        for _ in 0..<20 {
            let candidate = LoopbackPorts.randomBase(span: 2 * shards, alignment: 2)
            let (status, messages) = try ServiceScript.run(ThrowawayClickHouseServer.script,
                                                           ["start", "--shards", String(shards), "--port", String(candidate), "--dir", directory])
            if status == 0 {
                basePort = candidate
                return
            }
            if status != 3 { throw ThrowawayClickHouseServer.ServerError(message: "scripts/clickhouse start --shards exited with \(status): \(messages)") }
        }
        throw ThrowawayClickHouseServer.ServerError(message: "no free ports found for \(shards) shards")
    }

    /// SIGKILL to node K's server (as in a crash); returns when the process is gone.
    public func killHard(node: Int) throws {
        let path = "\(directory)/node-\(node)/server.pid"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ThrowawayClickHouseServer.ServerError(message: "no pid in \(path)")
        }
        kill(pid, SIGKILL)
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(25_000) }
    }

    /// Starts every node that is down again, on the same ports and data (a running node is left alone).
    /// A killed node's port can stay busy for a moment (its accepted connections closing):
    /// "port in use" (exit 3) is tried again for up to ~15 s.
    public func restart() throws {
        let (status, messages) = try LoopbackPorts.retryingWhileBusy {
            try ServiceScript.run(ThrowawayClickHouseServer.script,
                                  ["start", "--shards", String(shardCount), "--port", String(basePort), "--dir", directory])
        }
        if status != 0 { throw ThrowawayClickHouseServer.ServerError(message: "scripts/clickhouse start --shards (restart) exited with \(status): \(messages)") }
    }

    /// Kills every node and removes the folder.
    public func stop() {
        for node in 1...shardCount { try? killHard(node: node) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
