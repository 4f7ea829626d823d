/// Writes the values of RowBinary rows, column by column in the declared order, straight into the
/// upload buffer curl is about to send. Handed to the producer of `ClickHouseClient.insert`.
///
/// Writes do not throw: a value of the wrong type for the next column is recorded, everything
/// after it is ignored, and the insert is aborted (nothing committed) when the producer returns.
/// For a Nullable column a typed write adds the "value" flag itself; `writeNull()` writes NULL.
/// A value that does not fit in the rest of curl's buffer is kept and sent first in the next one.
/// Cost: O(1) per fixed-width value, one copy of a String's bytes.
public struct RowBinaryWriter {
    private let target: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var position: Int
    /// Bytes written after `target` filled up; sent at the start of the next buffer.
    var overflow: [UInt8]
    private let codes: UnsafePointer<UInt8>
    private let columnCount: Int
    private var column = 0
    /// Rows whose last column has been written.
    private(set) var rowsCompleted = 0
    /// The first misuse, if any.
    private(set) var mismatch: String?
    /// Rows written before this buffer (for messages).
    private let rowsBefore: Int

    init(target: UnsafeMutableRawBufferPointer, position: Int, overflow: [UInt8], schema: RowBinarySchema, rowsBefore: Int) {
        self.rowsBefore = rowsBefore
        self.target = target.baseAddress!
        self.capacity = target.count
        self.position = position
        self.overflow = overflow
        self.codes = UnsafePointer(schema.codes)
        self.columnCount = schema.count
    }

    /// True once curl's buffer is full (the producer is then not called again until it is sent).
    var isFull: Bool { position == capacity }

    /// True between rows (no column of a row written yet).
    var atRowStart: Bool { column == 0 }

    public mutating func writeUInt8(_ value: UInt8) { if enter(.uint8) { put(value) } }
    public mutating func writeUInt16(_ value: UInt16) { if enter(.uint16) { put(value) } }
    public mutating func writeUInt32(_ value: UInt32) { if enter(.uint32) { put(value) } }
    public mutating func writeUInt64(_ value: UInt64) { if enter(.uint64) { put(value) } }
    public mutating func writeInt8(_ value: Int8) { if enter(.int8) { put(value) } }
    public mutating func writeInt16(_ value: Int16) { if enter(.int16) { put(value) } }
    public mutating func writeInt32(_ value: Int32) { if enter(.int32) { put(value) } }
    public mutating func writeInt64(_ value: Int64) { if enter(.int64) { put(value) } }
    public mutating func writeFloat32(_ value: Float) { if enter(.float32) { put(value.bitPattern) } }
    public mutating func writeFloat64(_ value: Double) { if enter(.float64) { put(value.bitPattern) } }

    /// A String column from Swift text (its UTF-8 bytes).
    public mutating func writeString(_ value: String) {
        guard enter(.string) else { return }
        var value = value
        value.withUTF8 { putString(UnsafeRawBufferPointer($0)) }
    }

    /// A String column from raw bytes (ClickHouse Strings are bytes; they need not be UTF-8).
    public mutating func writeString(bytes: UnsafeRawBufferPointer) {
        guard enter(.string) else { return }
        putString(bytes)
    }

    /// NULL in a Nullable column.
    public mutating func writeNull() {
        guard mismatch == nil else { return }
        guard column < columnCount, codes[column] & 0x80 != 0 else {
            record(column < columnCount ? "writeNull() for column \(column + 1), which is \(typeName(column)), not Nullable"
                                        : tooManyMessage)
            return
        }
        put(UInt8(1))
        advance()
    }

    /// Checks the next column's type, writes the Nullable "value" flag if needed, and moves on; the
    /// caller then writes the value.
    @inline(__always)
    private mutating func enter(_ scalar: ClickHouseColumnType.Scalar) -> Bool {
        guard mismatch == nil else { return false }
        guard column < columnCount, codes[column] & 0x7f == scalar.rawValue else {
            record(column < columnCount ? "wrote \(scalar.name) to column \(column + 1), which is \(typeName(column))"
                                        : tooManyMessage)
            return false
        }
        if codes[column] & 0x80 != 0 { put(UInt8(0)) }
        advance()
        return true
    }

    @inline(__always)
    private mutating func advance() {
        column += 1
        if column == columnCount {
            column = 0
            rowsCompleted += 1
        }
    }

    @inline(__always)
    private mutating func put<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        if capacity - position >= size {
            (target + position).storeBytes(of: value.littleEndian, as: T.self)
            position += size
        } else {
            withUnsafeBytes(of: value.littleEndian) { putBytes($0) }
        }
    }

    private mutating func putString(_ bytes: UnsafeRawBufferPointer) {
        var length = UInt(bytes.count)
        repeat {
            let low = UInt8(length & 0x7f)
            length >>= 7
            put(length == 0 ? low : low | 0x80)
        } while length != 0
        putBytes(bytes)
    }

    private mutating func putBytes(_ bytes: UnsafeRawBufferPointer) {
        let fit = min(capacity - position, bytes.count)
        if fit > 0 {
            (target + position).copyMemory(from: bytes.baseAddress!, byteCount: fit)
            position += fit
        }
        if fit < bytes.count { overflow.append(contentsOf: bytes[fit...]) }
    }

    private mutating func record(_ message: String) {
        mismatch = "row \(rowsBefore + rowsCompleted + 1): " + message
    }

    private var tooManyMessage: String { "wrote past the last of the \(columnCount) columns" }

    private func typeName(_ column: Int) -> String {
        let code = codes[column]
        return ClickHouseColumnType(ClickHouseColumnType.Scalar(rawValue: code & 0x7f)!, nullable: code & 0x80 != 0).description
    }
}
