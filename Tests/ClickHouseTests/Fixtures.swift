@testable import ClickHouse
import Foundation
import HTTPClient
import TestSupport

/// One row of every supported column type, with values that stress the encodings.
struct SampleRow: Equatable {
    var u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64
    var i8: Int8, i16: Int16, i32: Int32, i64: Int64
    var f32: Float, f64: Double
    var text: String
    var optionalU32: UInt32?
    var optionalText: String?
    var optionalF64: Double?

    static let columns: [ClickHouseColumn] = [
        .init("u8", .uint8), .init("u16", .uint16), .init("u32", .uint32), .init("u64", .uint64),
        .init("i8", .int8), .init("i16", .int16), .init("i32", .int32), .init("i64", .int64),
        .init("f32", .float32), .init("f64", .float64), .init("text", .string),
        .init("optional_u32", .nullable(.uint32)), .init("optional_text", .nullable(.string)),
        .init("optional_f64", .nullable(.float64)),
    ]
    static var types: [ClickHouseColumnType] { columns.map(\.type) }

    func write(_ w: inout RowBinaryWriter) {
        w.writeUInt8(u8); w.writeUInt16(u16); w.writeUInt32(u32); w.writeUInt64(u64)
        w.writeInt8(i8); w.writeInt16(i16); w.writeInt32(i32); w.writeInt64(i64)
        w.writeFloat32(f32); w.writeFloat64(f64); w.writeString(text)
        if let optionalU32 { w.writeUInt32(optionalU32) } else { w.writeNull() }
        if let optionalText { w.writeString(optionalText) } else { w.writeNull() }
        if let optionalF64 { w.writeFloat64(optionalF64) } else { w.writeNull() }
    }

    static func read(_ r: inout RowBinaryReader) throws -> SampleRow {
        SampleRow(u8: try r.readUInt8(), u16: try r.readUInt16(), u32: try r.readUInt32(), u64: try r.readUInt64(),
                  i8: try r.readInt8(), i16: try r.readInt16(), i32: try r.readInt32(), i64: try r.readInt64(),
                  f32: try r.readFloat32(), f64: try r.readFloat64(), text: try r.readString(),
                  optionalU32: try r.readOptional { try $0.readUInt32() },
                  optionalText: try r.isNull() ? nil : try r.readString(),
                  optionalF64: try r.readOptional { try $0.readFloat64() })
    }

    /// Floats compare bit for bit (NaN equals NaN, -0 differs from 0).
    static func == (a: SampleRow, b: SampleRow) -> Bool {
        a.u8 == b.u8 && a.u16 == b.u16 && a.u32 == b.u32 && a.u64 == b.u64 && a.i8 == b.i8 && a.i16 == b.i16
            && a.i32 == b.i32 && a.i64 == b.i64 && a.f32.bitPattern == b.f32.bitPattern
            && a.f64.bitPattern == b.f64.bitPattern && a.text == b.text && a.optionalU32 == b.optionalU32
            && a.optionalText == b.optionalText && a.optionalF64?.bitPattern == b.optionalF64?.bitPattern
    }

    static let trickyStrings = [
        "", "a", "tab\there", "new\nline", "cr\r\nlf", "quote ' and \"double\"", "back\\slash \\N \\t",
        "héllo wörld 日本語 🙂", "nul\0byte", "'; DROP TABLE x; --", "`backquote`",
        "Code: 60, e.displayText() = DB::Exception: a value that looks like an error, e.what() = DB::Exception\n",
        String(repeating: "long ", count: 60),
    ]

    /// Extremes of every type, NULLs, special floats and the tricky strings.
    static let edgeCases: [SampleRow] = {
        var rows = [
            SampleRow(u8: 0, u16: 0, u32: 0, u64: 0, i8: 0, i16: 0, i32: 0, i64: 0, f32: 0, f64: 0, text: "",
                      optionalU32: nil, optionalText: nil, optionalF64: nil),
            SampleRow(u8: .max, u16: .max, u32: .max, u64: .max, i8: .min, i16: .min, i32: .min, i64: .min,
                      f32: -.infinity, f64: .infinity, text: "max", optionalU32: .max, optionalText: "", optionalF64: -0.0),
            SampleRow(u8: 1, u16: 258, u32: 16_909_060, u64: 0x0102_0304_0506_0708, i8: .max, i16: .max, i32: .max,
                      i64: .max, f32: .nan, f64: .nan, text: "nan", optionalU32: 0, optionalText: nil, optionalF64: .nan),
            SampleRow(u8: 2, u16: 3, u32: 4, u64: 5, i8: -1, i16: -1, i32: -1, i64: -1, f32: .leastNonzeroMagnitude,
                      f64: .greatestFiniteMagnitude, text: "tiny", optionalU32: nil, optionalText: "x", optionalF64: 1e-300),
        ]
        for (i, text) in trickyStrings.enumerated() {
            rows.append(SampleRow(u8: UInt8(i), u16: UInt16(i), u32: UInt32(i), u64: UInt64(i), i8: Int8(i), i16: Int16(-i),
                                  i32: Int32(i), i64: Int64(-i), f32: Float(i) / 3, f64: Double(i) / 7, text: text,
                                  optionalU32: i % 2 == 0 ? nil : UInt32(i), optionalText: text,
                                  optionalF64: i % 3 == 0 ? nil : -Double(i)))
        }
        return rows
    }()

    static func random(_ rng: inout TestRandom) -> SampleRow {
        func pick() -> String { trickyStrings[Int(rng.next() % UInt64(trickyStrings.count))] }
        let bits = rng.next()
        return SampleRow(
            u8: UInt8(truncatingIfNeeded: bits), u16: UInt16(truncatingIfNeeded: bits >> 8),
            u32: UInt32(truncatingIfNeeded: bits >> 16), u64: rng.next(), i8: Int8(truncatingIfNeeded: bits >> 3),
            i16: Int16(truncatingIfNeeded: bits >> 5), i32: Int32(truncatingIfNeeded: bits >> 7),
            i64: Int64(bitPattern: rng.next()), f32: Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())),
            f64: Double(bitPattern: rng.next()), text: pick(),
            optionalU32: bits & 1 == 0 ? nil : UInt32(truncatingIfNeeded: bits >> 11),
            optionalText: bits & 2 == 0 ? nil : pick(),
            optionalF64: bits & 4 == 0 ? nil : Double(bitPattern: rng.next()))
    }
}

/// RowBinary bytes of `rows` as the INSERT path produces them, through upload buffers of `bufferSize`
/// bytes (small sizes force values to straddle buffers).
func encodeRows(_ rows: [SampleRow], bufferSize: Int) throws -> [UInt8] {
    var next = 0
    let upload = RowBinaryUpload(schema: RowBinarySchema(SampleRow.types)) { w in
        guard next < rows.count else { return false }
        rows[next].write(&w)
        next += 1
        return true
    }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: bufferSize)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try upload.fill($0) }
        if n == 0 { break }
        out += buffer[0..<n]
    }
    return out
}

/// Feeds `bytes` to a decoder in pieces whose sizes come from `sizes` (cycled), then finishes.
func decodeRows(_ bytes: [UInt8], sizes: [Int], holdBack: Int = 64 << 10) throws -> [SampleRow] {
    let decoder = RowBinaryDecoder(schema: RowBinarySchema(SampleRow.types), holdBack: holdBack)
    var rows: [SampleRow] = []
    var offset = 0
    var i = 0
    while offset < bytes.count {
        let n = min(sizes[i % sizes.count], bytes.count - offset)
        try bytes[offset..<(offset + n)].withUnsafeBytes { chunk in
            try decoder.consume(chunk) { rows.append(try SampleRow.read(&$0)) }
        }
        offset += n
        i += 1
    }
    try decoder.finish { rows.append(try SampleRow.read(&$0)) }
    return rows
}

/// An `HTTPTransport` that answers from a script and records requests (and drains streamed bodies).
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    struct Reply {
        var status = 200
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        /// Thrown after the body was delivered (a stream that breaks).
        var failure: TransportError?
    }

    private let lock = NSLock()
    private var script: [Result<Reply, TransportError>]
    private(set) var requests: [HTTPRequest] = []
    private(set) var uploads: [[UInt8]] = []

    init(_ script: [Result<Reply, TransportError>]) { self.script = script }

    func perform(_ request: HTTPRequest, onHead: (HTTPResponseHead) throws -> Void,
                 onBody: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead {
        lock.lock()
        requests.append(request)
        let next = script.count > 1 ? script.removeFirst() : script[0]
        lock.unlock()
        let reply: Reply
        switch next {
        case .failure(let error): throw error
        case .success(let value): reply = value
        }
        if case .stream(let fill) = request.body {
            var body: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try fill($0) }
                if n == 0 { break }
                body += buffer[0..<n]
            }
            lock.lock(); uploads.append(body); lock.unlock()
        }
        let head = HTTPResponseHead(status: reply.status, headers: reply.headers)
        try onHead(head)
        try reply.body.withUnsafeBytes { try onBody($0) }
        if let failure = reply.failure { throw failure }
        return head
    }
}

extension TransportError {
    static let refused = TransportError(kind: .couldNotConnect, message: "Connection refused", url: "http://127.0.0.1:1")
    static let broken = TransportError(kind: .transferFailed, message: "transfer closed", url: "http://127.0.0.1:1")
    static let stalled = TransportError(kind: .timedOut, message: "too slow", url: "http://127.0.0.1:1")
}
