@testable import ClickHouse
import Testing
import TestSupport

@Test func writerAndDecoderRoundTripEveryTypeWhateverTheChunking() throws {
    var rng = TestRandom(seed: 7)
    let rows = SampleRow.edgeCases + (0..<300).map { _ in SampleRow.random(&rng) }
    for bufferSize in [1, 3, 64, 4096] {
        let bytes = try encodeRows(rows, bufferSize: bufferSize)
        #expect(bytes == (try encodeRows(rows, bufferSize: 1 << 20)), "buffer size \(bufferSize) changed the bytes")
        for sizes in [[1], [2, 3, 5], [7, 1, 64], [16 << 10], [bytes.count]] {
            #expect(try decodeRows(bytes, sizes: sizes) == rows, "chunks \(sizes)")
            #expect(try decodeRows(bytes, sizes: sizes, holdBack: 0) == rows, "chunks \(sizes), no hold-back")
        }
    }
}

@Test func rowBinaryBytesAreTheDocumentedLayout() throws {
    let schema = RowBinarySchema([.uint16, .nullable(.int32), .string, .nullable(.string)])
    var done = false
    let upload = RowBinaryUpload(schema: schema) { w in
        guard !done else { return false }
        w.writeUInt16(0x0102); w.writeInt32(-2); w.writeString(String(repeating: "x", count: 200)); w.writeNull()
        done = true
        return true
    }
    var buffer = [UInt8](repeating: 0, count: 1024)
    let n = try buffer.withUnsafeMutableBytes { try upload.fill($0) }
    // UInt16 little-endian; flag 0 then Int32; LEB128 200 = 0xC8 0x01; flag 1 and nothing after it.
    #expect(Array(buffer[0..<10]) == [0x02, 0x01, 0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0xC8, 0x01, 0x78])
    #expect(n == 2 + 5 + 2 + 200 + 1)
    #expect(buffer[n - 1] == 1)
    #expect(upload.rows == 1)
}

@Test func appendedExceptionIsAServerErrorAndItsTextNeverBecomesRows() throws {
    let rows = SampleRow.edgeCases
    let exception = Array("Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n".utf8)
    let bytes = try encodeRows(rows, bufferSize: 1 << 20) + exception
    for sizes in [[1], [5, 11], [bytes.count]] {
        var seen: [SampleRow] = []
        let decoder = RowBinaryDecoder(schema: RowBinarySchema(SampleRow.types))
        #expect(throws: RowFormatError.serverException(code: 395, message: "Value passed to 'throwIf' function is non zero")) {
            var offset = 0
            while offset < bytes.count {
                let n = min(sizes[offset % sizes.count], bytes.count - offset)
                try bytes[offset..<(offset + n)].withUnsafeBytes { try decoder.consume($0) { seen.append(try SampleRow.read(&$0)) } }
                offset += n
            }
            try decoder.finish { seen.append(try SampleRow.read(&$0)) }
        }
        #expect(seen.allSatisfy { rows.contains($0) }, "no row decoded from the exception text")
    }
}

@Test func appendedExceptionIsFoundEvenWhenItsTextDecodesAsWholeRows() throws {
    // One UInt8 column: every byte is a row, so the text itself decodes cleanly; only the tail check
    // can tell. Modern servers word it differently.
    let schema = RowBinarySchema([.uint8])
    let text = "Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE) (version 24.3.1.1)\n"
    let bytes = [UInt8](repeating: 7, count: 100_000) + Array(text.utf8)
    let decoder = RowBinaryDecoder(schema: schema)
    var delivered = 0
    #expect(throws: RowFormatError.serverException(code: 60, message: "Table default.x does not exist. (UNKNOWN_TABLE)")) {
        try bytes.withUnsafeBytes { try decoder.consume($0) { _ = try $0.readUInt8(); delivered += 1 } }
        try decoder.finish { _ = try $0.readUInt8(); delivered += 1 }
    }
    #expect(delivered <= 100_000)
}

@Test func stringValueThatReadsLikeAnExceptionIsNotOne() throws {
    // The text starts one byte after a row boundary (after its length), so it is data.
    let text = "Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., e.what() = DB::Exception"
    let schema = RowBinarySchema([.string])
    var done = false
    let upload = RowBinaryUpload(schema: schema) { w in
        guard !done else { return false }
        w.writeString("first"); w.writeString(text)
        done = true
        return true
    }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = try buffer.withUnsafeMutableBytes { try upload.fill($0) }
    let decoder = RowBinaryDecoder(schema: schema)
    var values: [String] = []
    try buffer[0..<n].withUnsafeBytes { try decoder.consume($0) { values.append(try $0.readString()) } }
    try decoder.finish { values.append(try $0.readString()) }
    #expect(values == ["first", text])
}

@Test func streamCutInsideARowIsMalformed() throws {
    let bytes = try encodeRows(SampleRow.edgeCases, bufferSize: 1 << 20)
    for cut in [1, 3, bytes.count / 2] {
        #expect {
            _ = try decodeRows(Array(bytes.dropLast(cut)), sizes: [100])
        } throws: { error in
            guard case RowFormatError.malformed(let message) = error else { return false }
            return message.contains("ended inside row")
        }
    }
}

@Test func badNullableFlagIsMalformed() throws {
    let decoder = RowBinaryDecoder(schema: RowBinarySchema([.nullable(.uint8)]), holdBack: 0)
    #expect {
        try ([0, 5, 1, 7, 9] as [UInt8]).withUnsafeBytes { (chunk: UnsafeRawBufferPointer) in try decoder.consume(chunk) { _ = try $0.skip() } }
        try decoder.finish { try $0.skip() }
    } throws: { error in
        guard case RowFormatError.malformed(let message) = error else { return false }
        return message.contains("flag byte 7")
    }
}

@Test func readerRefusesWrongTypesNullsAndUnreadColumns() throws {
    func decode(_ bytes: [UInt8], _ types: [ClickHouseColumnType], _ handler: (inout RowBinaryReader) throws -> Void) throws {
        let decoder = RowBinaryDecoder(schema: RowBinarySchema(types), holdBack: 0)
        try bytes.withUnsafeBytes { try decoder.consume($0, handler: handler) }
        try decoder.finish(handler: handler)
    }
    let isMismatch: (any Error) -> Bool = { if case RowFormatError.columnMismatch = $0 { true } else { false } }
    #expect(performing: { try decode([1, 0, 0, 0], [.uint32]) { _ = try $0.readInt32() } }, throws: isMismatch)
    #expect(performing: { try decode([1], [.nullable(.uint8)]) { _ = try $0.readUInt8() } }, throws: isMismatch)
    #expect(performing: { try decode([1, 2], [.uint8, .uint8]) { _ = try $0.readUInt8() } }, throws: isMismatch)
    #expect(performing: { try decode([1], [.uint8]) { _ = try $0.isNull() } }, throws: isMismatch)
    #expect(performing: { try decode([1], [.uint8]) { _ = try $0.readUInt8(); _ = try $0.readUInt8() } }, throws: isMismatch)
    var values: [UInt8?] = []
    try decode([0, 9, 1, 3, 0x41, 0x42, 0x43], [.nullable(.uint8), .nullable(.uint8), .string]) { row in
        values.append(try row.readOptional { try $0.readUInt8() })
        values.append(try row.readOptional { try $0.readUInt8() })
        try row.skip()
    }
    #expect(values == [9, nil])
}

@Test func producerThatWritesWrongColumnsIsStopped() throws {
    func fill(_ produce: @escaping (inout RowBinaryWriter) -> Bool) throws {
        let upload = RowBinaryUpload(schema: RowBinarySchema([.uint32, .string]), produce: produce)
        var buffer = [UInt8](repeating: 0, count: 64)
        _ = try buffer.withUnsafeMutableBytes { try upload.fill($0) }
    }
    let isMismatch: (any Error) -> Bool = { if case RowFormatError.columnMismatch = $0 { true } else { false } }
    #expect(performing: { try fill { w in w.writeUInt64(1); w.writeString("a"); return false } }, throws: isMismatch)
    #expect(performing: { try fill { w in w.writeUInt32(1); return false } }, throws: isMismatch)
    #expect(performing: { try fill { w in w.writeUInt32(1); w.writeNull(); return false } }, throws: isMismatch)
    #expect(performing: { try fill { _ in true } }, throws: isMismatch)
    #expect(performing: { try fill { w in w.writeUInt32(1); w.writeString("a"); w.writeUInt32(2); return false } }, throws: isMismatch)
}

@Test func columnTypeNamesParseAndPrint() {
    for scalar in ClickHouseColumnType.Scalar.allCases {
        for type in [ClickHouseColumnType(scalar), .nullable(ClickHouseColumnType(scalar))] {
            #expect(ClickHouseColumnType(name: type.description) == type)
        }
    }
    #expect(ClickHouseColumnType.nullable(.uint32).description == "Nullable(UInt32)")
    #expect(ClickHouseColumnType(name: "LowCardinality(String)") == nil)
}
