/// Recognises the text ClickHouse sends for an exception, in an error body or appended to a stream:
/// `Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception`
/// (18.16) or `Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version 24.3.1)`
/// (current releases). Pure functions over bytes; no allocation unless a match is found.
enum ServerExceptionText {
    private static let prefix = Array("Code: ".utf8)
    private static let marker = Array("DB::Exception".utf8)

    /// The code and message when `bytes`, from its first byte to its last, is one exception text:
    /// `Code: <digits>` then `,` or `.` then a space, containing `DB::Exception`, with no NUL byte.
    /// Cost: O(1) when the first bytes differ (the usual case), O(n) otherwise.
    static func parseWhole(_ bytes: UnsafeRawBufferPointer) -> (code: Int, message: String)? {
        guard let (code, messageStart) = header(bytes, at: 0) else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[messageStart...])
        guard !rest.contains(0), contains(rest, marker) else { return nil }
        return (code, cleanMessage(String(decoding: rest, as: UTF8.self)))
    }

    /// The first offset in `bytes` from which the rest is one exception text (see `parseWhole`).
    /// For the part of a stream that is an error anyway (a cut-off row, a lost connection).
    /// Cost: O(n): the last NUL byte and the last `DB::Exception` are found once, so each candidate
    /// `Code: ` is checked in O(1) (checking each with `parseWhole` was O(n) per candidate: a
    /// 64 KiB tail of `Code: 1, ` repeated took 23 s).
    static func findTrailing(_ bytes: UnsafeRawBufferPointer) -> (offset: Int, code: Int, message: String)? {
        guard bytes.count > prefix.count else { return nil }
        let tail = Tail(bytes)
        for offset in 0...(bytes.count - prefix.count) where bytes[offset] == prefix[0] && tail.isWhole(from: offset) {
            if let found = parseWhole(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
                return (offset, found.code, found.message)
            }
        }
        return nil
    }

    /// What decides, for every offset of one buffer at once, whether the rest from there is one
    /// exception text: the last NUL byte and the last `DB::Exception`. O(n) to build, then O(1) per
    /// offset, for decoders that test every row or line start of their held-back bytes.
    struct Tail {
        let bytes: UnsafeRawBufferPointer
        /// Index of the last NUL byte, -1 if none.
        let lastNUL: Int
        /// Start of the last complete `DB::Exception`, -1 if none.
        let lastMarker: Int

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            lastNUL = bytes.lastIndex(of: 0) ?? -1
            var last = -1
            if bytes.count >= marker.count {
                for i in stride(from: bytes.count - marker.count, through: 0, by: -1) where bytes[i] == marker[0] {
                    if bytes[(i + 1)..<(i + marker.count)].elementsEqual(marker[1...]) {
                        last = i
                        break
                    }
                }
            }
            lastMarker = last
        }

        /// Whether `parseWhole(bytes[offset...])` matches. O(1).
        func isWhole(from offset: Int) -> Bool {
            guard let (_, messageStart) = header(bytes, at: offset) else { return false }
            return offset + messageStart > lastNUL && lastMarker >= offset + messageStart
        }
    }

    /// `Code: <1 to 7 digits>` then `,` or `.` then a space at the start of `bytes[offset...]`: the
    /// code and the offset (relative to `offset`) where the message starts. O(1).
    private static func header(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> (code: Int, messageStart: Int)? {
        let count = bytes.count - offset
        guard count > prefix.count + 3, bytes[offset...].starts(with: prefix) else { return nil }
        var p = prefix.count
        var code = 0
        while p < count, p - prefix.count < 7, bytes[offset + p] >= 0x30, bytes[offset + p] <= 0x39 {
            code = code * 10 + Int(bytes[offset + p] - 0x30)
            p += 1
        }
        guard p > prefix.count, p + 1 < count,
              bytes[offset + p] == UInt8(ascii: ",") || bytes[offset + p] == UInt8(ascii: "."),
              bytes[offset + p + 1] == UInt8(ascii: " ") else { return nil }
        return (code, p + 2)
    }

    /// Code and message of an error response body; the code is nil when the body is not ClickHouse's
    /// text (a proxy's page, say), and the message is then the body itself, shortened.
    static func parseBody(_ body: [UInt8]) -> (code: Int?, message: String) {
        var trimmed = body[...]
        while let last = trimmed.last, last == 0x0a || last == 0x0d || last == 0x20 { trimmed.removeLast() }
        if let found = trimmed.withUnsafeBytes({ parseWhole($0) }) { return (found.code, found.message) }
        let text = String(decoding: trimmed.prefix(2000), as: UTF8.self)
        return (nil, text.isEmpty ? "(empty response body)" : text)
    }

    /// The message without the wrapping both versions add.
    static func cleanMessage(_ text: String) -> String {
        var message = Substring(text)
        while let last = message.last, last.isWhitespace { message.removeLast() }
        for lead in ["e.displayText() = ", "DB::Exception: "] where message.hasPrefix(lead) {
            message = message.dropFirst(lead.count)
        }
        for tail in [", e.what() = DB::Exception"] where message.hasSuffix(tail) {
            message = message.dropLast(tail.count)
        }
        if message.hasSuffix(")"), let open = lastIndex(of: " (version ", in: message) {
            message = message[..<open]
        }
        return String(message)
    }

    private static func lastIndex(of needle: String, in text: Substring) -> Substring.Index? {
        var index = text.endIndex
        while index > text.startIndex {
            index = text.index(before: index)
            if text[index...].hasPrefix(needle) { return index }
        }
        return nil
    }

    private static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[(i + 1)..<(i + needle.count)].elementsEqual(needle[1...]) { return true }
        }
        return false
    }
}
