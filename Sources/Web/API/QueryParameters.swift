/// A query string's parameters, percent-decoded (`+` is a space) and checked: every byte sequence
/// must decode to UTF-8, each name may appear once, and only the names the route knows are
/// accepted (an unknown one is a 400 naming it, so a typo never silently changes an answer).
/// Values are at most `maximumValueLength` bytes. Cost O(query length).
public struct QueryParameters: Sendable {
    public static let maximumValueLength = 256
    private var values: [String: String] = [:]

    public init(_ query: String?, allowed: Set<String>) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try QueryParameters.decode(parts[0], what: "a parameter name")
            let value = try QueryParameters.decode(parts.count > 1 ? parts[1] : "", what: "parameter \(name)")
            guard allowed.contains(name) else {
                let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
                throw APIError.badParameter(shown, "unknown parameter (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard values[name] == nil else { throw APIError.badParameter(name, "given more than once") }
            guard value.utf8.count <= QueryParameters.maximumValueLength else {
                throw APIError.badParameter(name, "longer than \(QueryParameters.maximumValueLength) bytes")
            }
            values[name] = value
        }
    }

    public subscript(name: String) -> String? { values[name] }

    /// An integer parameter within `range`, or `fallback` when absent.
    public func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws(APIError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badParameter(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A decimal parameter within `range`, or nil when absent.
    public func double(_ name: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw APIError.badParameter(name, "must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Percent-decodes one component; refuses a bad escape or bytes that are not UTF-8.
    static func decode(_ text: Substring, what: String) throws(APIError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var it = Array(text.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%") {
                guard it.count >= 2, let hi = hexValue(it[it.startIndex]), let lo = hexValue(it[it.startIndex + 1]) else {
                    throw APIError(400, "bad_query", "\(what): a % not followed by two hex digits")
                }
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw APIError(400, "bad_query", "\(what): not valid UTF-8")
        }
        return string
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
