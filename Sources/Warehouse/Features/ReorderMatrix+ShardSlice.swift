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
    /// Shard `shard`'s slice of the matrix of `cluster` (0-based, in shard order), after
    /// `ClusterLoadCheck` (checked again at the end).
    ///
    /// The cluster's feature steps run on every shard (`withClusterFeatureTables`: user steps per
    /// shard, product totals summed over all shards and loaded back as `psum`, so shard K's rows are
    /// rows of the cluster matrix bit for bit); then only shard K's rows are read, in key order, and
    /// from every shard only its sampled rows for the bins: those whose `cityHash64(user_id,
    /// product_id) % R = 0` with R = ⌈cluster rows / (0.9 · binSampleRows)⌉ (all rows when the cluster
    /// has fewer), each shard's in key order, shards in order: the same sample for every K, about
    /// 0.9 · binSampleRows rows. Cost on the client: O(shard K's rows + sample) × columns of
    /// decoding; the other shards' rows never cross the network. Memory: the slice plus the sample.
    public static func shardSlice(cluster: ClickHouseCluster, database: String, shard: Int, binSampleRows: Int = 200_000,
                                  progress: (@Sendable (String) -> Void)? = nil) throws -> ShardSlice {
        precondition(cluster.shards.indices.contains(shard), "shardSlice: no shard \(shard)")
        var check = ClusterLoadCheck(cluster: cluster, database: database)
        check.progress = progress
        let run = try check.verify()
        let shards = cluster.shards
        let (slice, _) = try withClusterFeatureTables(shards: shards, database: database, progress: progress) { sql, expected, _ in
            let total = expected.reduce(0, +)
            let stride = max(1, Int((Double(total) / (0.9 * Double(max(1, binSampleRows)))).rounded(.up)))
            let select = sql.matrixSelect(ordered: true)
            let matrix = try readMatrix(shards[shard], select, expected: expected[shard])
            let sampleSelect = stride == 1 ? select
                : "SELECT * FROM (\(select)) WHERE cityHash64(user_id, product_id) % \(stride) = 0 ORDER BY user_id, product_id"
            let parts = try ShardThreads.run(shards.count) { k in
                try readMatrix(shards[k], sampleSelect, expected: stride == 1 ? expected[k] : nil)
            }
            let sample = concatenate(parts)
            progress?("shard \(shard + 1) of \(shards.count): \(matrix.rowCount) of \(total) rows; \(sample.rowCount) rows sampled "
                      + "(1 in \(stride) by key hash) for the bins")
            return ShardSlice(matrix: matrix, binSample: sample.features, clusterRows: total)
        }
        if try check.verify() != run { throw ReorderMatrixSourceError.changedDuringRead(database: database) }
        return slice
    }

    /// The rows of the matrix SELECT `select` on `client` as one matrix; `expected` rows when given
    /// (else a mismatch throws `rowCount`).
    static func readMatrix(_ client: ClickHouseClient, _ select: String, expected: Int?) throws -> LabelledMatrix {
        let decoder = ChunkDecoder(chunkRows: max(1, min(expected ?? 65_536, 1 << 22)))
        var chunks: [LabelledMatrix] = []
        _ = try client.select(select, columns: ChunkDecoder.columns) { row in
            if try decoder.decode(&row) { chunks.append(decoder.flush()) }
        }
        if decoder.filled > 0 { chunks.append(decoder.flush()) }
        if let expected, decoder.received != expected {
            throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received)
        }
        return concatenate(chunks)
    }

    /// `parts` one after the other as one matrix (no copy for a single part).
    static func concatenate(_ parts: [LabelledMatrix]) -> LabelledMatrix {
        let nonEmpty = parts.filter { $0.rowCount > 0 }
        if nonEmpty.isEmpty { return emptyMatrix }
        if nonEmpty.count == 1 { return nonEmpty[0] }
        let buffer = MatrixChunkBuffer(chunkRows: nonEmpty.reduce(0) { $0 + $1.rowCount })
        for part in nonEmpty { buffer.append(part, rows: 0..<part.rowCount) }
        return buffer.flush()
    }
}
