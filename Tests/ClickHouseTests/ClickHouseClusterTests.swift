import ClickHouse
import Foundation
import Testing
import TestSupport

/// `ClickHouseCluster.discover` against a real 2-shard cluster of scripts/clickhouse --shards 2.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)), .serialized)
struct ClickHouseClusterTests {
    static func client(_ url: String) -> ClickHouseClient { ClickHouseTestDatabase.client(url) }

    @Test func discoversTheShardsInShardNumberOrderFromAnyNode() throws {
        let cluster = try ThrowawayClickHouseCluster(shards: 2)
        defer { cluster.stop() }
        for node in [1, 2] {
            let found = try ClickHouseCluster.discover(Self.client(cluster.nodeURL(node)), name: "restock")
            #expect(found.shardURLs == cluster.nodeURLs)
            for (index, shard) in found.shards.enumerated() {
                let macro = try shard.queryText("SELECT substitution FROM system.macros WHERE macro = 'shard'")
                #expect(macro.trimmingCharacters(in: .whitespacesAndNewlines) == String(index + 1))
            }
        }
        #expect(throws: ClusterError.self) { try ClickHouseCluster.discover(Self.client(cluster.url), name: "nosuch") }
        do {
            _ = try ClickHouseCluster.discover(Self.client(cluster.url), name: "nosuch")
        } catch let error as ClusterError {
            #expect(error.description.contains("no cluster 'nosuch'") && error.description.contains("restock"))
        }
        // A shard that is down fails discovery, naming it, rather than falling back to another port.
        try cluster.killHard(node: 2)
        do {
            _ = try ClickHouseCluster.discover(Self.client(cluster.url), name: "restock")
            Issue.record("discovery succeeded with shard 2 down")
        } catch let error as ClusterError {
            #expect(error.description.contains("shard 2") && error.isUnreachable)
        }
        try cluster.restart()
        #expect(try ClickHouseCluster.discover(Self.client(cluster.url), name: "restock").shards.count == 2)
    }

    @Test func routesUsersByRemainder() {
        #expect(ClickHouseCluster.shard(ofUser: 7, shardCount: 2) == 1)
        #expect(ClickHouseCluster.shard(ofUser: 8, shardCount: 2) == 0)
        #expect(ClickHouseCluster.shard(ofUser: 10, shardCount: 3) == 1)
    }
}
