@testable import ClickHouse

/// The RowBinary response decoder as `ClickHouseClient.select` drives it, with appended-exception
/// detection. Input: byte 0 = column count (1...8) and hold-back choice, byte 1 = chunk size, then one
/// type code per column (scalar % 11, bit 0x80 = Nullable), then the response body, fed in chunks.
/// The row handler reads each column with the typed read of its type, or `skip()`, or
/// `readOptional`, chosen per column from the code's bit 0x40; any error must be thrown, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let columnCount = Int(data[0] & 7) + 1
    let holdBack = [0, 16, 200, 64 << 10][Int(data[0] >> 3) & 3]
    let chunkSize = Int(data[1]) + 1
    guard size >= 2 + columnCount else { return 0 }
    var types: [ClickHouseColumnType] = []
    var skips: [Bool] = []
    for k in 0..<columnCount {
        let code = data[2 + k]
        let scalar = ClickHouseColumnType.Scalar.allCases[Int(code & 0x3f) % ClickHouseColumnType.Scalar.allCases.count]
        types.append(ClickHouseColumnType(scalar, nullable: code & 0x80 != 0))
        skips.append(code & 0x40 != 0)
    }
    let body = UnsafeRawBufferPointer(start: data + 2 + columnCount, count: size - 2 - columnCount)
    let decoder = RowBinaryDecoder(schema: RowBinarySchema(types), holdBack: holdBack)
    let handler: (inout RowBinaryReader) throws -> Void = { row in
        for (type, skip) in zip(types, skips) {
            if skip {
                try row.skip()
                continue
            }
            if type.isNullable, try row.isNull() { continue }
            switch type.scalar {
            case .uint8: _ = try row.readUInt8()
            case .uint16: _ = try row.readUInt16()
            case .uint32: _ = try row.readUInt32()
            case .uint64: _ = try row.readUInt64()
            case .int8: _ = try row.readInt8()
            case .int16: _ = try row.readInt16()
            case .int32: _ = try row.readInt32()
            case .int64: _ = try row.readInt64()
            case .float32: _ = try row.readFloat32()
            case .float64: _ = try row.readFloat64()
            case .string: _ = try row.readString()
            }
        }
    }
    do {
        var offset = 0
        while offset < body.count {
            let n = min(chunkSize, body.count - offset)
            try decoder.consume(UnsafeRawBufferPointer(rebasing: body[offset..<(offset + n)]), handler: handler)
            offset += n
        }
        try decoder.finish(handler: handler)
    } catch {
        _ = String(describing: error)
        _ = decoder.trailingException()
    }
    return 0
}
