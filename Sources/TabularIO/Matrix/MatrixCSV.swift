#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tabular

/// A labelled matrix as CSV: a header of column names, then one row per line, every field numeric.
///
/// Reading: columns named `user_id` and `product_id` are row keys (Int32), never features; the column
/// named by `targetName` (when present) is the target; every other column is a feature, in file
/// order. An empty field or `nan` is a missing value (NaN). Lines may end with LF or CRLF; the last
/// may lack its newline. The file is memory-mapped and parsed byte by byte in two passes (count rows,
/// then parse straight into the column-major matrix); errors name the file, line, column and value.
/// The header and line parsing are `MatrixCSVLayout`'s, shared with the chunked `MatrixCSVStream`.
/// Cost: O(bytes); memory: the matrix plus the mapped file's page cache.
///
/// Writing: `user_id,product_id,<features...>,<target>` (the keys the matrix has), floats in their
/// shortest round-trip form, NaN as an empty field.
public enum MatrixCSV {
    public static let keyColumnNames: Set<String> = ["user_id", "product_id"]

    /// Reads `path`. Without `targetName` (or when no column has that name) the target is all NaN,
    /// unless `requireTarget`, which makes a missing target column an error.
    public static func read(path: String, targetName: String?, requireTarget: Bool = false) throws -> LabelledMatrix {
        let file = try MappedFile(path: path)
        defer { file.unmap() }
        return try parse(file.bytes, path: path, targetName: targetName, requireTarget: requireTarget)
    }

    /// Parses CSV bytes (see the type's documentation); `path` is only used in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String, targetName: String?,
                             requireTarget: Bool = false) throws -> LabelledMatrix {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw MatrixFileError(path: path, line: 1, reason: "the file is empty (a header line is needed)")
        }
        let end = base + bytes.count
        var headerEnd = base
        while headerEnd < end && headerEnd.pointee != 10 { headerEnd += 1 }
        let layout = try MatrixCSVLayout(header: UnsafeBufferPointer(start: base, count: headerEnd - base), path: path,
                                         targetName: targetName)
        if requireTarget && !layout.hasTarget {
            throw MatrixFileError(path: path, line: 1, column: targetName,
                                  reason: "no target column (the header has \(EchoedValue.text(layout.names.joined(separator: ","), limit: 200)))")
        }

        // pass 1: count data lines (non-empty)
        let dataStart = headerEnd < end ? headerEnd + 1 : end
        var rows = 0
        var p = dataStart
        while p < end {
            let lineStart = p
            while p < end && p.pointee != 10 { p += 1 }
            if p - lineStart > 1 || (p - lineStart == 1 && lineStart.pointee != 13) { rows += 1 }
            p += 1
        }

        let featureCount = layout.schema.count, keyCount = layout.keyNames.count
        var values = [Float](repeating: .nan, count: rows * featureCount)
        var target = [Float](repeating: .nan, count: rows)
        var keyValues = [Int32](repeating: 0, count: rows * keyCount)
        // pass 2: parse
        try values.withUnsafeMutableBufferPointer { values in
            try target.withUnsafeMutableBufferPointer { target in
                try keyValues.withUnsafeMutableBufferPointer { keys in
                    var row = 0, line = 1
                    var p = dataStart
                    while p < end {
                        line += 1
                        var lineEnd = p
                        while lineEnd < end && lineEnd.pointee != 10 { lineEnd += 1 }
                        var contentEnd = lineEnd
                        if contentEnd > p && (contentEnd - 1).pointee == 13 { contentEnd -= 1 }
                        if contentEnd > p {
                            try layout.parseLine(p, contentEnd, line: line, path: path, row: row, stride: rows,
                                                 values: values, target: target, keys: keys)
                            row += 1
                        }
                        p = lineEnd + 1
                    }
                }
            }
        }
        let keys = (0..<keyCount).map { k in Array(keyValues[(k * rows)..<((k + 1) * rows)]) }
        let features = FeatureMatrix(rowCount: rows, schema: layout.schema, values: values)
        return LabelledMatrix(features: features, keys: RowKeys(names: layout.keyNames, columns: keys), target: target,
                              targetName: layout.targetName)
    }

    /// Writes `matrix` as CSV (atomically, through `AtomicFileWriter`).
    public static func write(_ matrix: LabelledMatrix, to path: String) throws {
        let writer = try AtomicFileWriter.opening(path)
        let names = matrix.keys.names + matrix.features.schema.names + [matrix.targetName]
        try writer.write(names.joined(separator: ","))
        try writer.write(byte: 10)
        let n = matrix.rowCount, p = matrix.features.featureCount
        try matrix.features.values.withUnsafeBufferPointer { values in
            for r in 0..<n {
                for column in matrix.keys.columns {
                    try writer.write(int: Int(column[r]))
                    try writer.write(byte: 44)
                }
                for j in 0..<p {
                    try writeFloat(values[j * n + r], writer)
                    try writer.write(byte: 44)
                }
                try writeFloat(matrix.target[r], writer)
                try writer.write(byte: 10)
            }
        }
        try writer.commit()
    }

    @inline(__always)
    private static func writeFloat(_ v: Float, _ writer: AtomicFileWriter) throws {
        if v.isNaN { return }
        if v == v.rounded() && abs(v) < 1e9 {
            try writer.write(int: Int(v))
        } else {
            try writer.write(v.description)
        }
    }
}
