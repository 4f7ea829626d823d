/// SQL text for values and names that come from outside the program, for ClickHouse 18.16 and
/// later (the HTTP interface of 18.16 has no query parameters, so the client escapes). Every
/// function returns a complete token: nothing a caller passes can end it early.
public enum SQLLiteral {
    /// A quoted string literal: `'` and `\` are escaped with a backslash, and control bytes (NUL,
    /// newline, tab, ...) become escapes, so the literal is one line and NUL-free.
    /// `string("it's")` is `'it\'s'`. Cost: O(n).
    public static func string(_ value: String) -> String {
        quoted(value, quote: UInt8(ascii: "'"))
    }

    /// A backquoted identifier (database, table or column name): `` ` `` and `\` are escaped.
    /// Always quoted, so keywords and odd characters are safe.
    public static func identifier(_ name: String) -> String {
        quoted(name, quote: UInt8(ascii: "`"))
    }

    /// `database.table` with both parts quoted.
    public static func qualifiedName(_ database: String, _ table: String) -> String {
        identifier(database) + "." + identifier(table)
    }

    /// An integer literal.
    public static func integer(_ value: some BinaryInteger) -> String {
        String(value)
    }

    /// A Float64 literal that reads back as the same value: the shortest round-trip form, and
    /// `nan`, `inf`, `-inf` (which ClickHouse parses as such).
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }

    /// `(a, b, c)` of string literals, for `IN` lists. Keep lists short (say under 10,000 items;
    /// generated SQL should stay below 256 KiB); larger sets belong in a table.
    public static func stringList(_ values: some Sequence<String>) -> String {
        "(" + values.map(string).joined(separator: ", ") + ")"
    }

    private static func quoted(_ text: String, quote: UInt8) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = [quote]
        out.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            switch byte {
            case quote, UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x0a: out += Array("\\n".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x0d: out += Array("\\r".utf8)
            case 0x00: out += Array("\\0".utf8)
            case 0x01..<0x20, 0x7f: out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }
}
