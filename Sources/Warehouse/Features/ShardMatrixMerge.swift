import Features
import Tabular

/// Merges the matrix rows of N shards, each sorted by key = user_id · 2³² + product_id, into one
/// sequence sorted by key, handed out in chunks of `chunkRows` rows: the k-way merge of sorted
/// runs. Shards hold disjoint users, so a key never comes from two shards; the merge checks that
/// (and that each shard's keys strictly increase) and throws `ReorderMatrixSourceError.shardOverlap`
/// or `.shardOrder` otherwise, instead of writing a matrix that is not the single-node one.
///
/// It copies runs, not rows: from the shard with the smallest head key, every row whose key is
/// below the smallest head key of the others goes out with one copy per column (a run is a user's
/// rows at least, since users alternate between shards).
///
/// Cost: O(rows × columns) copying plus O(runs × shards) comparisons; memory: the output chunk plus
/// the one input chunk per shard being read (the producers' handoffs bound what waits behind it).
final class ShardMatrixMerge {
    private let sources: [ChunkHandoff<LabelledMatrix>]
    private let output: MatrixChunkBuffer
    private var heads: [Head?]

    private struct Head {
        var chunk: LabelledMatrix
        var keys: [UInt64]
        var row = 0
        var key: UInt64 { keys[row] }
    }

    init(sources: [ChunkHandoff<LabelledMatrix>], chunkRows: Int) {
        self.sources = sources
        output = MatrixChunkBuffer(chunkRows: chunkRows)
        heads = Array(repeating: nil, count: sources.count)
    }

    /// Merges everything the sources send; returns the number of rows handed to `emit`.
    func run(emit: (LabelledMatrix) throws -> Void) throws -> Int {
        var lastKey = [UInt64?](repeating: nil, count: sources.count)
        for s in sources.indices { heads[s] = try nextHead(s) }
        var emitted = 0
        while true {
            var smallest: Int?
            for s in heads.indices { if let h = heads[s], smallest.map({ h.key < heads[$0]!.key }) ?? true { smallest = s } }
            guard let s = smallest, var head = heads[s] else { break }
            var limit = UInt64.max
            for t in heads.indices where t != s { if let other = heads[t] { limit = min(limit, other.key) } }
            if head.key == limit {
                throw ReorderMatrixSourceError.shardOverlap(userID: Int(head.key >> 32), productID: Int(head.key & 0xFFFF_FFFF))
            }
            // The run: rows of shard s below `limit`, as many as fit in the output chunk.
            let start = head.row
            var end = start
            let stop = min(head.chunk.rowCount, start + output.room)
            var previous = lastKey[s]
            while end < stop && head.keys[end] < limit {
                if let p = previous, head.keys[end] <= p { throw ReorderMatrixSourceError.shardOrder(shard: s + 1) }
                previous = head.keys[end]
                end += 1
            }
            lastKey[s] = previous
            output.append(head.chunk, rows: start..<end)
            head.row = end
            heads[s] = end < head.chunk.rowCount ? head : try nextHead(s)
            if output.room == 0 {
                emitted += output.filled
                try emit(output.flush())
            }
        }
        if output.filled > 0 {
            emitted += output.filled
            try emit(output.flush())
        }
        return emitted
    }

    /// The next non-empty chunk of source `s` as a head, or nil when it is done.
    private func nextHead(_ s: Int) throws -> Head? {
        while let chunk = try sources[s].take() {
            guard chunk.rowCount > 0 else { continue }
            let users = chunk.keys.columns[0], products = chunk.keys.columns[1]
            let keys = (0..<chunk.rowCount).map { UInt64(UInt32(bitPattern: users[$0])) << 32 | UInt64(UInt32(bitPattern: products[$0])) }
            return Head(chunk: chunk, keys: keys)
        }
        return nil
    }
}

/// A column-major buffer of up to `chunkRows` matrix rows (keys user_id, product_id, the feature
/// columns of the first matrix appended (`ReorderFeature.all`, or a shard's scores), target y)
/// filled by copying row ranges of other chunks. A full buffer is handed out without a copy; a
/// partly filled one is compacted.
final class MatrixChunkBuffer {
    private var schema = ReorderMatrix.clickHouseSchema
    private var featureCount = ReorderFeature.all.count

    let chunkRows: Int
    private var values: [Float] = []
    private var users: [Int32] = []
    private var products: [Int32] = []
    private var target: [Float] = []
    private(set) var filled = 0

    init(chunkRows: Int) {
        precondition(chunkRows > 0, "MatrixChunkBuffer: chunkRows must be positive")
        self.chunkRows = chunkRows
    }

    var room: Int { chunkRows - filled }

    /// Copies rows `rows` of `matrix` (same columns) to the end of the buffer; they must fit (`room`).
    func append(_ matrix: LabelledMatrix, rows: Range<Int>) {
        precondition(rows.count <= room, "MatrixChunkBuffer: \(rows.count) rows do not fit in \(room)")
        guard !rows.isEmpty else { return }
        if values.isEmpty {
            schema = matrix.features.schema
            featureCount = matrix.features.featureCount
            values = [Float](repeating: 0, count: chunkRows * featureCount)
            users = [Int32](repeating: 0, count: chunkRows)
            products = [Int32](repeating: 0, count: chunkRows)
            target = [Float](repeating: 0, count: chunkRows)
        }
        let n = matrix.rowCount, at = filled
        matrix.features.values.withUnsafeBufferPointer { from in
            values.withUnsafeMutableBufferPointer { to in
                for j in 0..<featureCount {
                    (to.baseAddress! + j * chunkRows + at).update(from: from.baseAddress! + j * n + rows.lowerBound, count: rows.count)
                }
            }
        }
        users.replaceSubrange(at..<at + rows.count, with: matrix.keys.columns[0][rows])
        products.replaceSubrange(at..<at + rows.count, with: matrix.keys.columns[1][rows])
        target.replaceSubrange(at..<at + rows.count, with: matrix.target[rows])
        filled += rows.count
    }

    /// The filled rows as a matrix; empties the buffer.
    func flush() -> LabelledMatrix {
        let n = filled
        var columnMajor: [Float]
        if n == chunkRows {
            columnMajor = values
        } else {
            columnMajor = [Float](repeating: 0, count: n * featureCount)
            for j in 0..<featureCount {
                columnMajor.replaceSubrange(j * n..<(j + 1) * n, with: values[j * chunkRows..<j * chunkRows + n])
            }
        }
        let matrix = LabelledMatrix(
            features: FeatureMatrix(rowCount: n, schema: schema, values: columnMajor),
            keys: RowKeys(names: ["user_id", "product_id"], columns: [Array(users.prefix(n)), Array(products.prefix(n))]),
            target: Array(target.prefix(n)), targetName: "y")
        filled = 0
        values = []
        users = []
        products = []
        target = []
        return matrix
    }
}
