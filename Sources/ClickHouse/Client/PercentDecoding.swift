/// `%XX` decoding of URL parts (user info, paths, query values), shared by the ClickHouse URL and
/// the other database URLs Restock takes (`mysql://…` of `ingest --catalog`).
public enum PercentDecoding {
    /// `%XX` sequences as bytes, everything else as is; a `%` not followed by two hex digits stays.
    /// The bytes are read as UTF-8 (invalid sequences become U+FFFD). Cost O(length).
    public static func decoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
