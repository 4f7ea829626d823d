import Forest
import Foundation
import TestSupport
import Testing

/// `restock train --cluster restock --shard K` on a 2-shard throw-away cluster: each group is grown
/// on exactly its shard's rows of the matrix (the same model as training on those rows of the
/// folder's matrix with the same bins), both groups share their bins, and `merge` joins them.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)))
struct ClusterTrainShardCommandTests {
    @Test func shardGroupsTrainOnTheirShardsRowsWithSharedBinsAndMerge() throws {
        let fixture = try ClusterCommandFixture(prefix: "restock-cluster-shard-train", users: 300, seed: 62)
        defer { fixture.stop() }
        let dir = fixture.dir, cluster = fixture.cluster, data = fixture.data
        let run = fixture.run
        _ = try run(["features", "--data", data, "--out", dir.file("all.csv")])
        // The folder's matrix split by shard (user_id % 2), as text.
        let lines = try String(contentsOfFile: dir.file("all.csv"), encoding: .utf8).split(separator: "\n")
        for k in 0..<2 {
            let rows = lines.dropFirst().filter { Int($0.prefix { $0 != "," })! % 2 == k }
            #expect(!rows.isEmpty)
            _ = try dir.write("shard\(k).csv", ([lines[0]] + rows).joined(separator: "\n") + "\n")
        }
        let common = ["--trees", "3", "--threads", "1", "--quiet", "--date", "2024-01-01T00:00:00Z"]
        for k in 0..<2 {
            _ = try run(["train", "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", "sharded", "--shard", "\(k)",
                         "--seed", "\(k + 1)", "--model", dir.file("s\(k).rf")] + common)
        }
        let s0 = try ForestModel.load(from: dir.file("s0.rf")), s1 = try ForestModel.load(from: dir.file("s1.rf"))
        #expect(s0.binMapper == s1.binMapper, "every shard's group has the bins of the cluster sample")
        for k in 0..<2 {
            _ = try run(["train", "--matrix", dir.file("shard\(k).csv"), "--bins-from", dir.file("s0.rf"), "--seed", "\(k + 1)",
                         "--model", dir.file("f\(k).rf")] + common)
            let fromFile = try ForestModel.load(from: dir.file("f\(k).rf"))
            #expect(fromFile.version == (k == 0 ? s0 : s1).version, "shard \(k): the group saw exactly its shard's rows")
        }
        _ = try run(["merge", "--model", dir.file("s0.rf"), "--model", dir.file("s1.rf"), "--out", dir.file("merged.rf")])
        let merged = try ForestModel.load(from: dir.file("merged.rf"))
        #expect(merged.trees.count == 6 && merged.binMapper == s0.binMapper)
        #expect(merged.metadata.rowCount == s0.metadata.rowCount + s1.metadata.rowCount)

        let outOfRange = try RestockProcess.run(["train", "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", "sharded",
                                                 "--shard", "2", "--model", dir.file("x.rf")] + common)
        #expect(outOfRange.status == 64 && outOfRange.stderr.contains("has 2 shards"))
        let noCluster = try RestockProcess.run(["train", "--data", data, "--shard", "0", "--model", dir.file("x.rf")] + common)
        #expect(noCluster.status == 64 && noCluster.stderr.contains("--shard needs"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.rf")))
    }
}
