/// A small JSON writer for the API's responses: appends to one `String`, escapes strings as
/// RFC 8259 requires (quote, backslash, control characters), writes non-finite numbers as `null`.
/// Keys are written as given (the API's keys are snake_case literals). Cost O(output bytes).
public struct JSONText: Sendable {
    public private(set) var text = ""
    private var needsComma = [false]

    public init() {}

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { separate(); text += "{"; needsComma.append(false) }
    public mutating func endObject() { text += "}"; needsComma.removeLast() }
    public mutating func beginArray() { separate(); text += "["; needsComma.append(false) }
    public mutating func endArray() { text += "]"; needsComma.removeLast() }

    /// A key inside an object; the next value written is its value.
    public mutating func key(_ name: String) {
        separate()
        JSONText.appendQuoted(name, to: &text)
        text += ":"
        needsComma[needsComma.count - 1] = false
    }

    public mutating func string(_ value: String) { separate(); JSONText.appendQuoted(value, to: &text) }
    public mutating func int(_ value: some BinaryInteger) { separate(); text += String(value) }
    public mutating func bool(_ value: Bool) { separate(); text += value ? "true" : "false" }
    public mutating func null() { separate(); text += "null" }
    public mutating func number(_ value: Double) {
        separate()
        text += value.isFinite ? JSONText.shortest(value) : "null"
    }
    /// Pre-rendered JSON (a cached fragment).
    public mutating func raw(_ json: String) { separate(); text += json }
    /// An object of pre-rendered `members` and one more number field, appended in place.
    mutating func rawObject(members: String, _ name: String, _ value: Double) {
        separate()
        text += "{"
        text += members
        text += ",\""
        text += name
        text += "\":"
        text += value.isFinite ? JSONText.shortest(value) : "null"
        text += "}"
    }

    public mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func field(_ name: String, _ value: Int) { key(name); int(value) }
    public mutating func field(_ name: String, _ value: Double) { key(name); number(value) }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }
    public mutating func object(_ name: String? = nil, _ body: (inout JSONText) -> Void) {
        if let name { key(name) }
        beginObject(); body(&self); endObject()
    }
    public mutating func array(_ name: String? = nil, _ body: (inout JSONText) -> Void) {
        if let name { key(name) }
        beginArray(); body(&self); endArray()
    }

    /// Doubles with at most 6 decimals, trailing zeros removed: stable, short and precise enough
    /// for demands and probabilities (the files use 6 significant digits).
    static func shortest(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var s = String(format6(value))
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    private static func format6(_ value: Double) -> String {
        let scaled = (abs(value) * 1_000_000).rounded()
        let whole = Int64(scaled / 1_000_000)
        let fraction = Int64(scaled) - whole * 1_000_000
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        return (value < 0 && scaled > 0 ? "-" : "") + "\(whole).\(digits)"
    }

    static func appendQuoted(_ value: String, to out: inout String) {
        // fast path: nothing to escape (the common case), appended in one piece
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c || $0 == 0x3c }) {
            out += "\""
            out += value
            out += "\""
            return
        }
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"  // safe inside an HTML <script>
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
