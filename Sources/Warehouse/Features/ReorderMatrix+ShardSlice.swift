import ClickHouse
import Features
import Tabular

/// One shard's rows of a cluster's reorder matrix, for growing a group of trees on that shard
/// (`restock train --cluster NAME --shard K`), with a bin-fitting sample that is the same for every K.
public struct ShardSlice: Sendable {
    /// The rows of the users on the shard (user_id % N == K), in key order, with their features
    /// computed against the cluster's product totals: rows of the cluster matrix, bit for bit.
    public var matrix: LabelledMatrix
    /// A reservoir sample (fixed seed) of at most `binSampleRows` rows of the whole cluster matrix,
    /// in stream order: fitting bins on it gives every shard's group the same edges, so the groups
    /// merge without joining edges (`ForestMerge`).
    public var binSample: FeatureMatrix
    /// Rows of the whole cluster matrix.
    public var clusterRows: Int
}

extension ReorderMatrix {
    /// Shard `shard`'s slice of the matrix of `cluster` (0-based, in shard order), read from the
    /// cluster stream (`stream(shards:...)`, after `ClusterLoadCheck`, checked again at the end).
    ///
    /// The stream is the whole matrix in key order, so every caller sees the same rows in the same
    /// order; the rows of the shard's users are kept, and a reservoir of `binSampleRows` rows
    /// (Algorithm R, SplitMix64 with a fixed seed) is drawn over all rows: the same sample for every
    /// shard. Cost: the cluster's feature steps and O(all rows × columns) of decoding on the client
    /// (every shard's rows cross the network once); memory: the slice plus the sample
    /// (4 · binSampleRows · features bytes) plus the stream's chunks. Reading only the shard's own
    /// stream and a per-shard sample is the next step past one client.
    public static func shardSlice(cluster: ClickHouseCluster, database: String, shard: Int, binSampleRows: Int = 200_000,
                                  progress: (@Sendable (String) -> Void)? = nil) throws -> ShardSlice {
        precondition(cluster.shards.indices.contains(shard), "shardSlice: no shard \(shard)")
        var check = ClusterLoadCheck(cluster: cluster, database: database)
        check.progress = progress
        let run = try check.verify()
        var columns: [[Float]] = []
        var users: [Int32] = [], products: [Int32] = [], target: [Float] = []
        var schema = FeatureSchema(names: [])
        var targetName = "y"
        var sample: [Float] = []                        // row-major, binSampleRows × features
        var seen = 0
        var rng = SplitMix64(seed: 0x5EED_B1A5_0F_5A4D)
        _ = try stream(shards: cluster.shards, database: database, progress: progress) { chunk in
            let p = chunk.features.featureCount
            if columns.isEmpty {
                schema = chunk.features.schema
                targetName = chunk.targetName
                columns = Array(repeating: [], count: p)
                sample.reserveCapacity(min(binSampleRows, 1 << 20) * p)
            }
            guard let userColumn = chunk.keys.column(named: "user_id"), let productColumn = chunk.keys.column(named: "product_id") else {
                throw ReorderMatrixSourceError.rowCount(expected: chunk.rowCount, received: 0)
            }
            let n = chunk.rowCount
            var kept: [Int] = []
            for r in 0..<n where cluster.shard(ofUser: Int(userColumn[r])) == shard { kept.append(r) }
            for j in 0..<p {
                let column = chunk.features.column(j)
                let base = column.startIndex
                columns[j].append(contentsOf: kept.map { column[base + $0] })
            }
            users.append(contentsOf: kept.map { userColumn[$0] })
            products.append(contentsOf: kept.map { productColumn[$0] })
            target.append(contentsOf: kept.map { chunk.target[$0] })
            for r in 0..<n {
                if seen < binSampleRows {
                    for j in 0..<p { sample.append(chunk.features[r, j]) }
                } else {
                    let slot = rng.integer(below: seen + 1)
                    if slot < binSampleRows { for j in 0..<p { sample[slot * p + j] = chunk.features[r, j] } }
                }
                seen += 1
            }
        }
        if try check.verify() != run { throw ReorderMatrixSourceError.changedDuringRead(database: database) }
        if columns.isEmpty { schema = clickHouseSchema; columns = Array(repeating: [], count: schema.count) }
        let p = schema.count, sampled = p == 0 ? 0 : sample.count / p
        var sampleColumns = [[Float]](repeating: [], count: p)
        for j in 0..<p { sampleColumns[j] = (0..<sampled).map { sample[$0 * p + j] } }
        let matrix = LabelledMatrix(features: FeatureMatrix(schema: schema, columns: columns),
                                    keys: RowKeys(names: ["user_id", "product_id"], columns: [users, products]),
                                    target: target, targetName: targetName)
        progress?("shard \(shard + 1) of \(cluster.shards.count): \(matrix.rowCount) of \(seen) rows; \(sampled) rows sampled for the bins")
        return ShardSlice(matrix: matrix, binSample: FeatureMatrix(schema: schema, columns: sampleColumns), clusterRows: seen)
    }
}
