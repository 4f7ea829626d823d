/// The column types of a RowBinary stream in the form the hot loops read: one code byte and one
/// width per column, held in memory that lives as long as the schema (so per-row views can keep raw
/// pointers without reference counting).
final class RowBinarySchema: @unchecked Sendable {
    let types: [ClickHouseColumnType]
    let count: Int
    /// `ClickHouseColumnType.code` per column.
    let codes: UnsafeMutablePointer<UInt8>
    /// Bytes of the value per column (without a Nullable flag); -1 for String.
    let widths: UnsafeMutablePointer<Int>
    /// Bytes per row when every column is fixed-width and not Nullable; nil otherwise.
    let fixedRowSize: Int?

    /// Longest String value accepted while reading (a guard against reading garbage as a length).
    static let maxStringLength = 1 << 30

    init(_ types: [ClickHouseColumnType]) {
        precondition(!types.isEmpty, "a RowBinary schema needs at least one column")
        self.types = types
        count = types.count
        codes = .allocate(capacity: types.count)
        widths = .allocate(capacity: types.count)
        var fixed: Int? = 0
        for (i, type) in types.enumerated() {
            codes[i] = type.code
            widths[i] = type.scalar.fixedWidth ?? -1
            if let width = type.scalar.fixedWidth, !type.isNullable { fixed? += width } else { fixed = nil }
        }
        fixedRowSize = fixed
    }

    deinit {
        codes.deallocate()
        widths.deallocate()
    }

    /// The offset just past the row that starts at `start`, or nil when the row does not end at or
    /// before `limit`. Throws `RowFormatError.malformed` for a Nullable flag other than 0 or 1 or an
    /// over-long String length. Cost: O(columns).
    @inline(__always)
    func rowEnd(_ bytes: UnsafeRawPointer, from start: Int, limit: Int) throws(RowFormatError) -> Int? {
        if let size = fixedRowSize { return start + size <= limit ? start + size : nil }
        var p = start
        for column in 0..<count {
            if codes[column] & 0x80 != 0 {
                guard p < limit else { return nil }
                let flag = bytes.load(fromByteOffset: p, as: UInt8.self)
                p += 1
                if flag == 1 { continue }
                guard flag == 0 else {
                    throw .malformed("Nullable flag byte \(flag) (must be 0 or 1) in column \(column + 1)")
                }
            }
            let width = widths[column]
            if width >= 0 {
                p += width
            } else {
                var length = 0
                var shift = 0
                while true {
                    guard p < limit else { return nil }
                    let byte = bytes.load(fromByteOffset: p, as: UInt8.self)
                    p += 1
                    length |= Int(byte & 0x7f) << shift
                    if byte < 0x80 { break }
                    shift += 7
                    guard shift < 35 else { throw .malformed("String length longer than 5 bytes in column \(column + 1)") }
                }
                guard length <= Self.maxStringLength else {
                    throw .malformed("String length \(length) in column \(column + 1) exceeds \(Self.maxStringLength)")
                }
                p += length
            }
            if p > limit { return nil }
        }
        return p
    }
}

/// Why RowBinary or TabSeparated bytes could not be read or written; the client turns it into a
/// `ClickHouseError` that carries the query.
enum RowFormatError: Error, CustomStringConvertible, Equatable {
    /// The bytes are not a stream of the declared columns (truncated, bad flag byte).
    case malformed(String)
    /// The row handler or producer used the columns differently from the declared types.
    case columnMismatch(String)
    /// The server appended an exception to a stream it had started with HTTP 200.
    case serverException(code: Int, message: String)

    var description: String {
        switch self {
        case .malformed(let message), .columnMismatch(let message): message
        case .serverException(let code, let message): "Code: \(code). \(message)"
        }
    }
}
