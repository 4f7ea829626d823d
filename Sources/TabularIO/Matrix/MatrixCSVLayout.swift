import Tabular

/// The columns of a CSV matrix as read from its header line, and the parser of one data line.
///
/// Shared by `MatrixCSV` (a whole mapped file, parsed in two passes) and `MatrixCSVStream` (a byte
/// stream, parsed chunk by chunk), so both accept exactly the same files and report the same errors.
/// Columns named `user_id` and `product_id` are row keys (Int32), the column named `targetName` is
/// the target, every other column is a feature, in file order.
public struct MatrixCSVLayout: Sendable {
    enum Role: Sendable {
        case key(Int)
        case feature(Int)
        case target
    }

    /// All column names, in file order.
    public let names: [String]
    public let keyNames: [String]
    public let schema: FeatureSchema
    /// The target column's name when the header has it, else `targetName ?? "y"`.
    public let targetName: String
    public let hasTarget: Bool
    let roles: [Role]

    /// Reads the header line `bytes` (without its newline; a UTF-8 BOM, a trailing CR, spaces
    /// around names and double quotes around a name are removed). `path` is only used in errors.
    /// A header that starts like a binary format (`EchoedValue.binaryFormat`: a binary RSTKMAT1
    /// matrix, a model file, NUL bytes) is refused with what it looks like, not with its bytes.
    public init(header bytes: UnsafeBufferPointer<UInt8>, path: String, targetName: String?) throws {
        if let format = EchoedValue.binaryFormat(ofPrefix: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<min(bytes.count, 4096)])) {
            let hint = format.contains("RSTKMAT1") ? "; give it as a file (--matrix FILE reads both layouts), not through a pipe"
                : format.contains("model") ? "; a model goes with --model" : ""
            throw MatrixFileError(path: path, line: 1, reason: "not a CSV matrix: it looks like \(format)\(hint)")
        }
        let names = MatrixCSVLayout.headerNames(bytes)
        var roles: [Role] = []
        var keyNames: [String] = [], featureNames: [String] = []
        var hasTarget = false
        for name in names {
            if name.isEmpty { throw MatrixFileError(path: path, line: 1, reason: "the header has an empty column name") }
            if name == targetName {
                if hasTarget { throw MatrixFileError(path: path, line: 1, column: name, reason: "the target column appears twice") }
                roles.append(.target)
                hasTarget = true
            } else if MatrixCSV.keyColumnNames.contains(name) {
                roles.append(.key(keyNames.count))
                keyNames.append(name)
            } else {
                roles.append(.feature(featureNames.count))
                featureNames.append(name)
            }
        }
        if Set(names).count != names.count {
            let duplicate = names.first { name in names.filter { $0 == name }.count > 1 }!
            throw MatrixFileError(path: path, line: 1, column: duplicate, reason: "the header names a column twice")
        }
        self.names = names
        self.roles = roles
        self.keyNames = keyNames
        self.schema = FeatureSchema(names: featureNames)
        self.hasTarget = hasTarget
        self.targetName = hasTarget ? targetName! : (targetName ?? "y")
    }

    public var columnCount: Int { names.count }

    /// Parses the data line `[start, end)` (newline and CR already removed, not empty) into row
    /// `row` of column-major buffers holding `stride` rows per column: feature j goes to
    /// `values[j * stride + row]`, key k to `keys[k * stride + row]`, the target to `target[row]`.
    /// `line` (1-based, the header is line 1) and `path` are only used in errors. Cost O(bytes).
    @inline(__always)
    func parseLine(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, line: Int, path: String, row: Int,
                   stride: Int, values: UnsafeMutableBufferPointer<Float>, target: UnsafeMutableBufferPointer<Float>,
                   keys: UnsafeMutableBufferPointer<Int32>) throws(MatrixFileError) {
        let columnCount = roles.count
        var fieldStart = start
        for c in 0..<columnCount {
            var q = fieldStart
            while q < end && q.pointee != 44 { q += 1 }
            if q == end && c < columnCount - 1 {
                throw MatrixFileError(path: path, line: line, reason: "the line has \(c + 1) fields where the header has \(columnCount)")
            }
            let length = q - fieldStart
            switch roles[c] {
            case .feature(let j):
                values[j * stride + row] = try finiteOrMissing(fieldStart, length, path: path, line: line, column: c)
            case .target:
                target[row] = try finiteOrMissing(fieldStart, length, path: path, line: line, column: c)
            case .key(let k):
                guard let v = DecimalParser.int32(fieldStart, length) else {
                    throw fieldError(path, line, c, fieldStart, length, "not a 32-bit integer key")
                }
                keys[k * stride + row] = v
            }
            fieldStart = q + 1
        }
        if fieldStart <= end {
            throw MatrixFileError(path: path, line: line, reason: "the line has more fields than the header's \(columnCount)")
        }
    }

    /// A feature or target value: a finite number, or NaN for an empty field or `nan`. Infinite
    /// values (`inf`, or a number beyond Float's range such as `1e39`) are errors: no reader of the
    /// matrix (trainer, scorer, metrics) has a meaning for them.
    @inline(__always)
    private func finiteOrMissing(_ start: UnsafePointer<UInt8>, _ length: Int, path: String, line: Int,
                                 column: Int) throws(MatrixFileError) -> Float {
        guard let v = DecimalParser.float(start, length) else {
            throw fieldError(path, line, column, start, length, "not a number")
        }
        if v.isInfinite {
            throw fieldError(path, line, column, start, length,
                             "not a finite number (an empty field or nan is a missing value; infinity is not allowed)")
        }
        return v
    }

    private func fieldError(_ path: String, _ line: Int, _ column: Int, _ start: UnsafePointer<UInt8>,
                            _ length: Int, _ reason: String) -> MatrixFileError {
        MatrixFileError(path: path, line: line, column: names[column],
                        value: EchoedValue.text(UnsafeRawBufferPointer(start: start, count: length)),
                        reason: reason)
    }

    private static func headerNames(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { field in
            var name = field.trimming(" ")
            if name.count >= 2 && name.hasPrefix("\"") && name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            return name
        }
    }
}

extension Substring {
    fileprivate func trimming(_ character: Character) -> String {
        var s = self
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
