import ClickHouse
import Features
import Tabular

/// The candidate matrix computed inside ClickHouse, streamed out in chunks instead of held whole
/// (`restock score --clickhouse`, `restock recommend --clickhouse`).
extension ReorderMatrix {
    /// The features of a ClickHouse chunk, in order (`ReorderFeature.all`).
    public static let clickHouseSchema = FeatureSchema(names: ReorderFeature.names)

    /// Computes the same rows as `build(clickhouse:database:)` (same order: by user_id, then
    /// product_id; same values bit for bit) and hands them to `chunk` as matrices of at most
    /// `chunkRows` rows, keys `user_id`, `product_id`, target `y` (NaN for test orders), features
    /// `clickHouseSchema`. The handler runs on the calling thread while the response is being read:
    /// the server waits (TCP back-pressure) while it works, so a slow handler slows the stream and
    /// nothing piles up. The intermediate tables are dropped at the end, also after an error; the
    /// row count is checked against the server's count (`ReorderMatrixSourceError.rowCount`).
    ///
    /// `ordered` keeps the final SELECT's `ORDER BY key`: it costs the server a sort of every
    /// candidate row before the first one is sent (about 5 s of 17 at full scale on 18.16), but the
    /// rows come in the same order as from the files, so per-product sums over them (stock
    /// recommendations) add in the same order and give the same bits, and a CSV of them is the
    /// same file. Unordered, the same rows come in the server's order (the chunks as a set are
    /// the same, their order and cut points are not).
    ///
    /// Cost on the client: O(rows × columns) decoding; memory O(chunkRows × columns): one decode
    /// buffer (4 bytes per value) plus the chunk handed out, never the whole matrix.
    public static func stream(clickhouse client: ClickHouseClient, database: String, chunkRows: Int = 65_536,
                              ordered: Bool = true, progress: (@Sendable (String) -> Void)? = nil,
                              chunk: (LabelledMatrix) throws -> Void) throws -> ClickHouseTimings {
        precondition(chunkRows > 0, "ReorderMatrix.stream: chunkRows must be positive")
        return try withFeatureTables(clickhouse: client, database: database, progress: progress) { sql, expected, timings in
            let clock = ContinuousClock()
            let start = clock.now
            let decoder = ChunkDecoder(chunkRows: chunkRows)
            let summary = try client.select(sql.matrixSelect(ordered: ordered), columns: ChunkDecoder.columns) { row in
                if decoder.received == 0 { timings.firstRow = Elapsed.seconds(clock.now - start) }
                guard decoder.received < expected else {
                    throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received + 1)
                }
                if try decoder.decode(&row) {
                    let handlerStart = clock.now
                    try chunk(decoder.flush())
                    timings.handler += Elapsed.seconds(clock.now - handlerStart)
                }
            }
            if decoder.filled > 0 {
                let handlerStart = clock.now
                try chunk(decoder.flush())
                timings.handler += Elapsed.seconds(clock.now - handlerStart)
            }
            guard decoder.received == expected else {
                throw ReorderMatrixSourceError.rowCount(expected: expected, received: decoder.received)
            }
            timings.stream = Elapsed.seconds(clock.now - start)
            timings.bytes = summary.bytes
            timings.rows = decoder.received
            progress?("streamed \(decoder.received) rows (\(summary.bytes >> 20) MiB) in \(Elapsed.format(timings.stream)) s: first row after "
                + "\(Elapsed.format(timings.firstRow)) s, \(Elapsed.format(timings.handler)) s in the chunk handler")
        }.1
    }
}

/// Decodes rows of the matrix SELECT into a reused column-major buffer of `chunkRows` rows and
/// hands them out as a `LabelledMatrix` of the rows filled (a copy of exactly that size).
final class ChunkDecoder {
    static let featureCount = ReorderFeature.all.count
    /// user_id, product_id, the features, y.
    static let columns: [ClickHouseColumnType] = [.uint32, .uint32] + Array(repeating: .float32, count: featureCount + 1)

    let chunkRows: Int
    private let values: UnsafeMutableBufferPointer<Float>
    private let users: UnsafeMutableBufferPointer<Int32>
    private let products: UnsafeMutableBufferPointer<Int32>
    private let target: UnsafeMutableBufferPointer<Float>
    /// Rows in the buffer.
    private(set) var filled = 0
    /// Rows decoded in all.
    private(set) var received = 0

    init(chunkRows: Int) {
        self.chunkRows = chunkRows
        values = .allocate(capacity: chunkRows * Self.featureCount)
        users = .allocate(capacity: chunkRows)
        products = .allocate(capacity: chunkRows)
        target = .allocate(capacity: chunkRows)
    }

    deinit {
        values.deallocate()
        users.deallocate()
        products.deallocate()
        target.deallocate()
    }

    /// Reads one row into the buffer; true when the buffer is full. NaN has one bit pattern.
    func decode(_ row: inout RowBinaryReader) throws -> Bool {
        let r = filled
        users[r] = Int32(bitPattern: try row.readUInt32())
        products[r] = Int32(bitPattern: try row.readUInt32())
        for j in 0..<Self.featureCount {
            let v = try row.readFloat32()
            values[j * chunkRows + r] = v.isNaN ? .nan : v
        }
        let y = try row.readFloat32()
        target[r] = y.isNaN ? .nan : y
        filled += 1
        received += 1
        return filled == chunkRows
    }

    /// The filled rows as a matrix (columns compacted to `filled` rows); empties the buffer.
    func flush() -> LabelledMatrix {
        let n = filled
        var columnMajor = [Float](repeating: 0, count: n * Self.featureCount)
        columnMajor.withUnsafeMutableBufferPointer { out in
            for j in 0..<Self.featureCount {
                (out.baseAddress! + j * n).update(from: values.baseAddress! + j * chunkRows, count: n)
            }
        }
        filled = 0
        return LabelledMatrix(
            features: FeatureMatrix(rowCount: n, schema: ReorderMatrix.clickHouseSchema, values: columnMajor),
            keys: RowKeys(names: ["user_id", "product_id"], columns: [Array(users.prefix(n)), Array(products.prefix(n))]),
            target: Array(target.prefix(n)), targetName: "y")
    }
}
