import Foundation
import TestSupport
import Testing

/// `restock features --clickhouse URL --cluster restock` end to end on a 2-shard throw-away cluster:
/// the file it writes is byte-identical to `features --data` of the folder and to `features
/// --clickhouse` of one node holding every user; `train --cluster` trains the same model.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)))
struct ClusterFeaturesCommandTests {
    @Test func clusterMatrixFileIsByteIdenticalToSingleNodeAndFiles() throws {
        let dir = try TemporaryDirectory(prefix: "restock-cluster-features")
        defer { dir.remove() }
        let cluster = try ThrowawayClickHouseCluster(shards: 2)
        defer { cluster.stop() }
        let data = dir.file("data")
        let generated = try RestockProcess.run(["generate", "--users", "300", "--seed", "61", "--out", data])
        #expect(generated.status == 0, "\(generated.stderr)")

        func run(_ arguments: [String]) throws -> RestockProcess.Result {
            let result = try RestockProcess.run(arguments)
            #expect(result.status == 0, "restock \(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        _ = try run(["ingest", "--data", data, "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", "sharded"])
        // One node holding every user: node 2, another database.
        _ = try run(["ingest", "--data", data, "--clickhouse", cluster.nodeURL(2), "--database", "whole"])

        let fromCluster = dir.file("cluster.csv"), fromNode = dir.file("node.csv"), fromFiles = dir.file("files.csv")
        let clusterRun = try run(["features", "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", "sharded",
                                  "--out", fromCluster, "--json"])
        _ = try run(["features", "--clickhouse", cluster.nodeURL(2), "--database", "whole", "--out", fromNode])
        _ = try run(["features", "--data", data, "--out", fromFiles])
        let bytes = try GeneratedData.bytes(fromFiles)
        #expect(bytes.count > 1_000_000)
        #expect(try GeneratedData.bytes(fromCluster) == bytes, "cluster vs files")
        #expect(try GeneratedData.bytes(fromNode) == bytes, "node vs files")
        #expect(clusterRun.stdout.contains("\"product_sums\""), "the report times the product sums: \(clusterRun.stdout)")

        // train --cluster reads the same matrix: the same model version (content hash) as from the folder.
        let options = ["--trees", "3", "--threads", "1", "--json"]
        let clusterTrain = try run(["train", "--clickhouse", cluster.url, "--cluster", cluster.name, "--database", "sharded",
                                    "--model", dir.file("cluster.rf")] + options)
        let filesTrain = try run(["train", "--data", data, "--model", dir.file("files.rf")] + options)
        let version = { (text: String) in text.firstRange(of: /rf-[0-9a-f]{12}/).map { String(text[$0]) } }
        #expect(version(clusterTrain.stdout) != nil && version(clusterTrain.stdout) == version(filesTrain.stdout))

        // --cluster without --clickhouse is refused before anything runs.
        let refused = try RestockProcess.run(["features", "--data", data, "--cluster", "restock", "--out", dir.file("x.csv")])
        #expect(refused.status != 0 && refused.stderr.contains("--cluster needs --clickhouse"))
    }
}

/// `features --print-sql --cluster`: the per-shard script (no server needed): the user steps, the
/// partial product sums, then `psum` and the product steps, the ordered SELECT, in that order; the
/// single-node script has no `psum`.
struct ClusterPrintSQLTests {
    @Test func perShardScriptHasTwoPhasesAroundTheProductSums() throws {
        let cluster = try RestockProcess.run(["features", "--clickhouse", "http://127.0.0.1:1", "--cluster", "restock",
                                              "--database", "shop", "--out", "-", "--print-sql"])
        #expect(cluster.status == 0, "\(cluster.stderr)")
        let text = cluster.stdout
        let marks = ["Run on EVERY shard", "CREATE TABLE `shop`.`restock_tmp_sql_usr`", "ORDER BY product_id;",
                     "CREATE TABLE `shop`.`restock_tmp_sql_psum`", "CREATE TABLE `shop`.`restock_tmp_sql_prod`",
                     "ORDER BY key;", "DROP TABLE IF EXISTS `shop`.`restock_tmp_sql_psum`"]
        let positions = marks.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(text)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "the phases come in order")
        let single = try RestockProcess.run(["features", "--clickhouse", "http://127.0.0.1:1", "--database", "shop", "--out", "-", "--print-sql"])
        #expect(single.status == 0 && !single.stdout.contains("psum") && single.stdout.contains("restock_tmp_sql_prod"))
    }
}
