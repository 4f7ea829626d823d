/// A dense matrix of features, column-major `Float32`, NaN for a missing value.
///
/// Element (row r, feature j) is `values[j * rowCount + r]`: a feature's values are contiguous,
/// which is what binning, histogram building and per-feature statistics scan. Memory is
/// `4 * rowCount * featureCount` bytes.
public struct FeatureMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let schema: FeatureSchema
    /// Column-major storage, `schema.count * rowCount` values.
    public var values: [Float]

    public var featureCount: Int { schema.count }

    /// A matrix from column-major values; `values.count` must be `rowCount * schema.count`.
    public init(rowCount: Int, schema: FeatureSchema, values: [Float]) {
        precondition(values.count == rowCount * schema.count,
                     "FeatureMatrix: \(values.count) values for \(rowCount) rows x \(schema.count) features")
        self.rowCount = rowCount
        self.schema = schema
        self.values = values
    }

    /// A matrix from one array per feature, in schema order.
    public init(schema: FeatureSchema, columns: [[Float]]) {
        precondition(columns.count == schema.count, "FeatureMatrix: \(columns.count) columns for \(schema.count) names")
        let rows = columns.first?.count ?? 0
        var values: [Float] = []
        values.reserveCapacity(rows * columns.count)
        for column in columns {
            precondition(column.count == rows, "FeatureMatrix: columns of unequal length")
            values.append(contentsOf: column)
        }
        self.init(rowCount: rows, schema: schema, values: values)
    }

    /// The value at (row, feature). O(1).
    @inlinable
    public subscript(row: Int, feature: Int) -> Float {
        get { values[feature * rowCount + row] }
        set { values[feature * rowCount + row] = newValue }
    }

    /// One feature's values as a slice of the storage (no copy).
    public func column(_ feature: Int) -> ArraySlice<Float> {
        values[(feature * rowCount)..<((feature + 1) * rowCount)]
    }

    /// One feature's values by name, or nil.
    public func column(named name: String) -> ArraySlice<Float>? {
        schema.index(of: name).map { column($0) }
    }

    /// Calls `body` with a pointer to the whole column-major storage.
    public func withUnsafeValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// A new matrix holding the given rows, in the given order. O(rows * features).
    public func selectingRows(_ rows: [Int]) -> FeatureMatrix {
        var out = [Float](repeating: 0, count: rows.count * featureCount)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for j in 0..<featureCount {
                    let from = j * rowCount, to = j * rows.count
                    for (i, r) in rows.enumerated() { dst[to + i] = src[from + r] }
                }
            }
        }
        return FeatureMatrix(rowCount: rows.count, schema: schema, values: out)
    }

    /// A new matrix holding the named features, in the given order; throws nothing, traps on an
    /// unknown name (check with `schema.index(of:)` first).
    public func selectingFeatures(_ names: [String]) -> FeatureMatrix {
        var out: [Float] = []
        out.reserveCapacity(names.count * rowCount)
        for name in names {
            guard let j = schema.index(of: name) else { preconditionFailure("no feature named \(name)") }
            out.append(contentsOf: column(j))
        }
        return FeatureMatrix(rowCount: rowCount, schema: FeatureSchema(names: names), values: out)
    }
}
