/// How every reader's error shows a value taken from its input: escaped and capped, so that an error
/// message stays one readable line whatever the file holds.
///
/// - Printable ASCII and valid UTF-8 text are kept as they are; a backslash is doubled.
/// - NUL, other control bytes (C0, DEL, C1), Unicode format characters (e.g. the bidi override
///   U+202E) and bytes that are not valid UTF-8 are written as escapes: `\x00`, `\x1B`, `\u{202E}`,
///   `\xFF` (`\t`, `\n` and `\r` as such).
/// - At most `limit` bytes of the value are shown (cut at a character boundary), followed by
///   `... (N bytes)` with the value's full length, so a 10 MB field costs 60 bytes of message.
///
/// Cost: O(min(bytes, limit)) plus one O(1) count.
public enum EchoedValue {
    /// Bytes of a value shown in an error before it is cut.
    public static let defaultLimit = 60

    /// `bytes` as an error shows it (see the type's documentation).
    public static func text(_ bytes: UnsafeRawBufferPointer, limit: Int = defaultLimit) -> String {
        let shown = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, max(limit, 0))])
        var out = ""
        var i = 0
        while i < shown.count {
            let (scalar, length) = decode(shown, at: i)
            if let scalar {
                append(scalar, to: &out)
                i += length
            } else if length == 0 && shown.count < bytes.count {
                break  // a character cut by the limit: leave it out rather than show half of it
            } else {
                out += hex(shown[i])
                i += 1
            }
        }
        if bytes.count > shown.count { out += "... (\(bytes.count) bytes)" }
        return out
    }

    /// `bytes` as an error shows it.
    public static func text(_ bytes: [UInt8], limit: Int = defaultLimit) -> String {
        bytes.withUnsafeBytes { text($0, limit: limit) }
    }

    /// A string as an error shows it (its UTF-8 bytes).
    public static func text(_ string: String, limit: Int = defaultLimit) -> String {
        var string = string
        return string.withUTF8 { text(UnsafeRawBufferPointer($0), limit: limit) }
    }

    /// What a file that starts with `prefix` is, when it is one of the binary formats a user may
    /// give to the wrong reader: "a binary RSTKMAT1 matrix", "a Restock model file (RSTKFRST)",
    /// "gzip-compressed data", "a zip archive", or "binary data" when the prefix holds a NUL byte.
    /// Nil for anything that may be text. Readers put this in the error instead of the bytes.
    public static func binaryFormat(ofPrefix prefix: UnsafeRawBufferPointer) -> String? {
        func starts(with magic: String) -> Bool {
            let m = Array(magic.utf8)
            return prefix.count >= m.count && zip(prefix, m).allSatisfy { $0 == $1 }
        }
        if starts(with: "RSTKMAT1") { return "a binary RSTKMAT1 matrix" }
        if starts(with: "RSTKFRST") { return "a Restock model file (RSTKFRST)" }
        if prefix.count >= 2 && prefix[0] == 0x1F && prefix[1] == 0x8B { return "gzip-compressed data" }
        if starts(with: "PK\u{03}\u{04}") { return "a zip archive" }
        if prefix.contains(0) { return "binary data (it holds NUL bytes)" }
        return nil
    }

    /// `binaryFormat(ofPrefix:)` over the first bytes of `bytes` (up to 4 KiB are looked at).
    public static func binaryFormat(of bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { binaryFormat(ofPrefix: UnsafeRawBufferPointer(rebasing: $0[0..<min($0.count, 4096)])) }
    }

    // MARK: details

    private static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar.value {
        case 0x5C: out += "\\\\"
        case 0x09: out += "\\t"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0..<0x20, 0x7F: out += hex(UInt8(scalar.value))
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    /// The scalar of the valid UTF-8 sequence at `i` and its length; nil and 1 for an invalid byte;
    /// nil and 0 for a sequence that the end of `b` cuts.
    private static func decode(_ b: UnsafeRawBufferPointer, at i: Int) -> (Unicode.Scalar?, Int) {
        let lead = b[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int, minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: return (nil, 1)
        }
        guard i + length <= b.count else { return (nil, 0) }
        for k in 1..<length {
            let c = b[i + k]
            guard c & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return (nil, 1) }
        return (scalar, length)
    }
}
