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
        guard bytes.count > prefix.count + 3, bytes.starts(with: prefix) else { return nil }
        var p = prefix.count
        var code = 0
        while p < bytes.count, p - prefix.count < 7, bytes[p] >= 0x30, bytes[p] <= 0x39 {
            code = code * 10 + Int(bytes[p] - 0x30)
            p += 1
        }
        guard p > prefix.count, p + 1 < bytes.count, bytes[p] == UInt8(ascii: ",") || bytes[p] == UInt8(ascii: "."),
              bytes[p + 1] == UInt8(ascii: " ") else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[(p + 2)...])
        guard !rest.contains(0), contains(rest, marker) else { return nil }
        return (code, cleanMessage(String(decoding: rest, as: UTF8.self)))
    }

    /// The first offset in `bytes` from which the rest is one exception text (see `parseWhole`).
    /// For the part of a stream that is an error anyway (a cut-off row): O(n · matches).
    static func findTrailing(_ bytes: UnsafeRawBufferPointer) -> (offset: Int, code: Int, message: String)? {
        guard bytes.count > prefix.count else { return nil }
        for offset in 0...(bytes.count - prefix.count) where bytes[offset] == prefix[0] {
            if let found = parseWhole(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
                return (offset, found.code, found.message)
            }
        }
        return nil
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
