#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the chunks of a TabSeparated response into rows of unescaped fields (`\N` alone is NULL),
/// lines cut anywhere by the chunking. Appended exceptions are detected as in `RowBinaryDecoder`:
/// the last `holdBack` bytes are held, and at the end a line start from which the rest is exactly one
/// exception text makes the stream an error. Unlike RowBinary, a String value that is itself such a
/// text (say from a log table) would look the same, so the client reads TabSeparated with
/// `wait_end_of_query=1` and `holdBack == 0` unless the caller asks to stream.
///
/// Cost: one copy into the buffer, one memchr pass for line ends, one pass to split and unescape;
/// memory O(holdBack + longest line + chunk).
final class TabSeparatedDecoder {
    let holdBack: Int
    private let buffer = ChunkBuffer()
    private(set) var rows = 0
    private(set) var bytes = 0

    init(holdBack: Int = 64 << 10) {
        self.holdBack = holdBack
    }

    var peakBufferedBytes: Int { buffer.peakCapacity }

    func consume(_ chunk: UnsafeRawBufferPointer, handler: ([String?]) throws -> Void) throws {
        buffer.append(chunk)
        bytes += chunk.count
        try deliver(upTo: buffer.end - holdBack, handler: handler)
    }

    func finish(handler: ([String?]) throws -> Void) throws {
        let all = buffer.unconsumed
        if holdBack > 0 {
            var lineStart = 0
            let tail = ServerExceptionText.Tail(all)   // O(1) checks per line start
            while lineStart < all.count {
                if tail.isWhole(from: lineStart),
                   let found = ServerExceptionText.parseWhole(UnsafeRawBufferPointer(rebasing: all[lineStart...])) {
                    throw RowFormatError.serverException(code: found.code, message: found.message)
                }
                guard let newline = all[lineStart...].firstIndex(of: 0x0a) else { break }
                lineStart = newline + 1
            }
        }
        try deliver(upTo: buffer.end, handler: handler)
        let rest = buffer.unconsumed
        guard rest.isEmpty else {
            if let found = ServerExceptionText.findTrailing(rest) {
                throw RowFormatError.serverException(code: found.code, message: found.message)
            }
            throw RowFormatError.malformed("the TabSeparated stream ended inside line \(rows + 1) (\(rest.count) bytes without a newline)")
        }
    }

    func trailingException() -> (code: Int, message: String)? {
        ServerExceptionText.findTrailing(buffer.unconsumed).map { ($0.code, $0.message) }
    }

    private func deliver(upTo limit: Int, handler: ([String?]) throws -> Void) throws {
        let base = UnsafeRawPointer(buffer.storage)
        var p = buffer.start
        defer { buffer.start = p }
        while p < limit, let found = memchr(base + p, 0x0a, limit - p) {
            let newline = base.distance(to: UnsafeRawPointer(found))
            try handler(Self.fields(UnsafeRawBufferPointer(start: base + p, count: newline - p)))
            p = newline + 1
            rows += 1
        }
    }

    /// Splits one line (without its newline) at tabs and unescapes each field.
    static func fields(_ line: UnsafeRawBufferPointer) -> [String?] {
        var result: [String?] = []
        var fieldStart = 0
        for i in 0...line.count where i == line.count || line[i] == 0x09 {
            result.append(unescape(UnsafeRawBufferPointer(rebasing: line[fieldStart..<i])))
            fieldStart = i + 1
        }
        return result
    }

    /// ClickHouse's TSV escaping undone: `\b \f \n \r \t \0 \a \v \\ \' \"` and `\xHH`; any other
    /// `\c` is `c`; a field that is exactly `\N` is NULL. Invalid UTF-8 becomes U+FFFD.
    static func unescape(_ field: UnsafeRawBufferPointer) -> String? {
        guard field.contains(0x5c) else { return String(decoding: field, as: UTF8.self) }
        if field.count == 2, field[1] == UInt8(ascii: "N") { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var i = 0
        while i < field.count {
            let byte = field[i]
            i += 1
            guard byte == 0x5c, i < field.count else {
                out.append(byte)
                continue
            }
            let escaped = field[i]
            i += 1
            switch escaped {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "0"): out.append(0x00)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "v"): out.append(0x0b)
            case UInt8(ascii: "x") where i + 1 < field.count:
                if let high = hexValue(field[i]), let low = hexValue(field[i + 1]) {
                    out.append(high << 4 | low)
                    i += 2
                } else {
                    out.append(escaped)
                }
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
