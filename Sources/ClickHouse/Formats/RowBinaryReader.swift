/// One complete RowBinary row, read column by column in the declared order. Handed to the row
/// handler of `ClickHouseClient.select`; it points into the client's receive buffer, so it is valid
/// only inside that call (never keep it).
///
/// Each read checks that the next column has the type asked for (a mismatch throws instead of
/// returning garbage), and the client checks after the handler that every column was read or
/// skipped. The row is known to be complete before the handler sees it, so reads never wait and
/// never run past the row. Cost: O(1) per fixed-width value; a String read copies its bytes once.
///
/// Nullable columns: `isNull()` reads the flag and, when it says NULL, moves to the next column; when
/// it says "value", the typed read that follows returns it. A typed read without `isNull()` first
/// reads the flag itself and throws when the value is NULL.
public struct RowBinaryReader {
    private let base: UnsafeRawPointer
    private var position: Int
    private let end: Int
    private let codes: UnsafePointer<UInt8>
    private let columnCount: Int
    private var column = 0
    private var flagRead = false
    /// The 0-based number of this row in the result.
    public let rowNumber: Int

    init(base: UnsafeRawPointer, start: Int, end: Int, schema: RowBinarySchema, rowNumber: Int) {
        self.base = base
        self.position = start
        self.end = end
        self.codes = UnsafePointer(schema.codes)
        self.columnCount = schema.count
        self.rowNumber = rowNumber
    }

    /// Whether the next column (which must be Nullable) is NULL; NULL moves on to the column after it.
    public mutating func isNull() throws -> Bool {
        guard column < columnCount else { throw RowFormatError.columnMismatch(tooManyMessage) }
        guard codes[column] & 0x80 != 0, !flagRead else {
            throw RowFormatError.columnMismatch("isNull() on column \(column + 1), which is \(typeName(column))"
                + (flagRead ? " and whose flag was already read" : ", not Nullable"))
        }
        let flag = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        if flag != 0 {
            column += 1
            return true
        }
        flagRead = true
        return false
    }

    public mutating func readUInt8() throws -> UInt8 { try read(.uint8, as: UInt8.self) }
    public mutating func readUInt16() throws -> UInt16 { UInt16(littleEndian: try read(.uint16, as: UInt16.self)) }
    public mutating func readUInt32() throws -> UInt32 { UInt32(littleEndian: try read(.uint32, as: UInt32.self)) }
    public mutating func readUInt64() throws -> UInt64 { UInt64(littleEndian: try read(.uint64, as: UInt64.self)) }
    public mutating func readInt8() throws -> Int8 { try read(.int8, as: Int8.self) }
    public mutating func readInt16() throws -> Int16 { Int16(littleEndian: try read(.int16, as: Int16.self)) }
    public mutating func readInt32() throws -> Int32 { Int32(littleEndian: try read(.int32, as: Int32.self)) }
    public mutating func readInt64() throws -> Int64 { Int64(littleEndian: try read(.int64, as: Int64.self)) }
    public mutating func readFloat32() throws -> Float {
        Float(bitPattern: UInt32(littleEndian: try read(.float32, as: UInt32.self)))
    }
    public mutating func readFloat64() throws -> Double {
        Double(bitPattern: UInt64(littleEndian: try read(.float64, as: UInt64.self)))
    }

    /// A String column as Swift text; invalid UTF-8 becomes U+FFFD. Cost: one copy of the bytes.
    public mutating func readString() throws -> String {
        try withStringBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Hands a String column's raw bytes to `body` without copying them (valid only inside `body`).
    public mutating func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try enter(.string)
        let length = readLength()
        let bytes = UnsafeRawBufferPointer(start: base + position, count: length)
        position += length
        column += 1
        return try body(bytes)
    }

    /// Reads `body` when the Nullable column holds a value, nil when it is NULL.
    public mutating func readOptional<T>(_ body: (inout RowBinaryReader) throws -> T) throws -> T? {
        try isNull() ? nil : body(&self)
    }

    /// Skips the next column whatever its type and value.
    public mutating func skip() throws {
        guard column < columnCount else { throw RowFormatError.columnMismatch(tooManyMessage) }
        if codes[column] & 0x80 != 0, !flagRead, try isNull() { return }
        let scalar = ClickHouseColumnType.Scalar(rawValue: codes[column] & 0x7f)!
        if let width = scalar.fixedWidth {
            position += width
        } else {
            position += readLength()
        }
        column += 1
        flagRead = false
    }

    /// Throws unless the handler read or skipped every column.
    func checkComplete() throws(RowFormatError) {
        guard column == columnCount, position == end else {
            throw .columnMismatch("the row handler read \(column) of \(columnCount) columns; read or skip() every column")
        }
    }

    @inline(__always)
    private mutating func read<T>(_ scalar: ClickHouseColumnType.Scalar, as type: T.Type) throws -> T {
        try enter(scalar)
        let value = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        column += 1
        return value
    }

    /// Checks the next column's type and consumes its Nullable flag if not yet read.
    @inline(__always)
    private mutating func enter(_ scalar: ClickHouseColumnType.Scalar) throws {
        guard column < columnCount, codes[column] & 0x7f == scalar.rawValue else { throw mismatch(scalar) }
        if codes[column] & 0x80 != 0 {
            if !flagRead {
                let flag = base.load(fromByteOffset: position, as: UInt8.self)
                position += 1
                if flag != 0 {
                    throw RowFormatError.columnMismatch(
                        "column \(column + 1) of row \(rowNumber + 1) is NULL; check isNull() or use readOptional")
                }
            }
            flagRead = false
        }
    }

    /// LEB128 length (already validated by the row scan).
    @inline(__always)
    private mutating func readLength() -> Int {
        var length = 0
        var shift = 0
        while true {
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            length |= Int(byte & 0x7f) << shift
            if byte < 0x80 { return length }
            shift += 7
        }
    }

    private func mismatch(_ scalar: ClickHouseColumnType.Scalar) -> RowFormatError {
        guard column < columnCount else { return .columnMismatch(tooManyMessage) }
        return .columnMismatch("read \(scalar.name) from column \(column + 1), which is \(typeName(column))")
    }

    private var tooManyMessage: String { "read past the last of the \(columnCount) columns" }

    private func typeName(_ column: Int) -> String {
        let code = codes[column]
        return ClickHouseColumnType(ClickHouseColumnType.Scalar(rawValue: code & 0x7f)!, nullable: code & 0x80 != 0).description
    }
}
