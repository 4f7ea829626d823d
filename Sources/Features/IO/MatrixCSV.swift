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
/// Cost: O(bytes); memory: the matrix plus the mapped file's page cache.
///
/// Writing: `user_id,product_id,<features...>,<target>` (the keys the matrix has), floats in their
/// shortest round-trip form, NaN as an empty field.
public enum MatrixCSV {
    public static let keyColumnNames: Set<String> = ["user_id", "product_id"]

    private enum Role {
        case key(Int)
        case feature(Int)
        case target
    }

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
        let names = headerNames(base, headerEnd)
        var roles: [Role] = []
        var keyNames: [String] = [], featureNames: [String] = []
        var hasTarget = false
        for name in names {
            if name.isEmpty { throw MatrixFileError(path: path, line: 1, reason: "the header has an empty column name") }
            if name == targetName {
                if hasTarget { throw MatrixFileError(path: path, line: 1, column: name, reason: "the target column appears twice") }
                roles.append(.target)
                hasTarget = true
            } else if keyColumnNames.contains(name) {
                roles.append(.key(keyNames.count))
                keyNames.append(name)
            } else {
                roles.append(.feature(featureNames.count))
                featureNames.append(name)
            }
        }
        if requireTarget && !hasTarget {
            throw MatrixFileError(path: path, line: 1, column: targetName,
                                  reason: "no target column (the header has \(names.joined(separator: ",")))")
        }
        if Set(names).count != names.count {
            let duplicate = names.first { name in names.filter { $0 == name }.count > 1 }!
            throw MatrixFileError(path: path, line: 1, column: duplicate, reason: "the header names a column twice")
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

        let featureCount = featureNames.count, columnCount = names.count
        var values = [Float](repeating: .nan, count: rows * featureCount)
        var target = [Float](repeating: .nan, count: rows)
        var keyValues = [Int32](repeating: 0, count: rows * keyNames.count)
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
                    if contentEnd == p {
                        p = lineEnd + 1
                        continue
                    }
                    var fieldStart = p
                    for c in 0..<columnCount {
                        var q = fieldStart
                        while q < contentEnd && q.pointee != 44 { q += 1 }
                        if q == contentEnd && c < columnCount - 1 {
                            throw MatrixFileError(path: path, line: line,
                                                  reason: "the line has \(c + 1) fields where the header has \(columnCount)")
                        }
                        let length = q - fieldStart
                        switch roles[c] {
                        case .feature(let j):
                            guard let v = DecimalParser.float(fieldStart, length) else {
                                throw fieldError(path, line, names[c], fieldStart, length, "not a number")
                            }
                            values[j * rows + row] = v
                        case .target:
                            guard let v = DecimalParser.float(fieldStart, length) else {
                                throw fieldError(path, line, names[c], fieldStart, length, "not a number")
                            }
                            target[row] = v
                        case .key(let k):
                            guard let v = DecimalParser.int32(fieldStart, length) else {
                                throw fieldError(path, line, names[c], fieldStart, length, "not a 32-bit integer key")
                            }
                            keys[k * rows + row] = v
                        }
                        fieldStart = q + 1
                    }
                    if fieldStart <= contentEnd {
                        throw MatrixFileError(path: path, line: line, reason: "the line has more fields than the header's \(columnCount)")
                    }
                    row += 1
                    p = lineEnd + 1
                }
              }
            }
        }
        let keys = (0..<keyNames.count).map { k in Array(keyValues[(k * rows)..<((k + 1) * rows)]) }
        let features = FeatureMatrix(rowCount: rows, schema: FeatureSchema(names: featureNames), values: values)
        return LabelledMatrix(features: features, keys: RowKeys(names: keyNames, columns: keys), target: target,
                              targetName: hasTarget ? targetName! : (targetName ?? "y"))
    }

    private static func headerNames(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> [String] {
        var text = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { field in
            var name = field.trimmingCharacters(in: " ")
            if name.count >= 2 && name.hasPrefix("\"") && name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            return name
        }
    }

    private static func fieldError(_ path: String, _ line: Int, _ column: String, _ start: UnsafePointer<UInt8>,
                                   _ length: Int, _ reason: String) -> MatrixFileError {
        MatrixFileError(path: path, line: line, column: column,
                        value: String(decoding: UnsafeBufferPointer(start: start, count: min(length, 80)), as: UTF8.self),
                        reason: reason)
    }

    /// Writes `matrix` as CSV (atomically, through `AtomicFileWriter`).
    public static func write(_ matrix: LabelledMatrix, to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
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

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
