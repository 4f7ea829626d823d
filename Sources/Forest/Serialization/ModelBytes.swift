#if _endian(big)
#error("the model format is little-endian and is written by copying memory; add byte swapping for big-endian hosts")
#endif

/// Appends little-endian values to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Float) { append(value.bitPattern) }

    /// Copies an array of fixed-size values (little-endian host: memory order is file order).
    mutating func append<T>(contentsOf array: [T]) {
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func append(text: String) {
        let utf8 = Array(text.utf8)
        append(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func padToMultipleOf8() {
        while bytes.count % 8 != 0 { bytes.append(0) }
    }
}

/// Reads little-endian values from a byte range, throwing `ModelFileError.corrupted` on any overrun.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let end: Int
    let section: String

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, section: String) {
        self.bytes = bytes
        self.offset = start
        self.end = end
        self.section = section
    }

    var remaining: Int { end - offset }

    mutating func need(_ count: Int) throws {
        if count < 0 || count > end - offset {
            throw ModelFileError.corrupted("section \(section) ends early (needs \(count) more bytes at offset \(offset), has \(end - offset))")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        try need(MemoryLayout<T>.size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + MemoryLayout<T>.size)])) }
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat() throws -> Float { Float(bitPattern: try read(UInt32.self)) }

    mutating func readArray<T>(of _: T.Type, count: Int) throws -> [T] {
        let size = MemoryLayout<T>.stride
        guard count >= 0, count <= (end - offset) / max(size, 1) else {
            throw ModelFileError.corrupted("section \(section) declares \(count) values but has room for \((end - offset) / max(size, 1))")
        }
        let source = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count * size)])
        offset += count * size
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            UnsafeMutableRawBufferPointer(out).copyMemory(from: source)
            initialized = count
        }
    }

    mutating func readText() throws -> String {
        let length = Int(try read(UInt32.self))
        try need(length)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
        offset += length
        return text
    }

    mutating func readRaw(count: Int) throws -> [UInt8] {
        try need(count)
        let out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
        offset += count
        return out
    }

    mutating func skipPadding() {
        while offset % 8 != 0 && offset < end { offset += 1 }
    }
}
