import Foundation
import TabularIO

/// A JSON value built by hand for the summaries. `text` writes it on one line with sorted keys;
/// numbers that are not finite are written as strings ("nan", "inf"), so every summary is valid
/// JSON. `raw` holds a value another encoder already wrote (a library's result struct).
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case raw(String)

    /// Any Encodable value (a library's result struct) with snake_case keys, sorted.
    static func encoding<T: Encodable>(_ value: T) throws -> JSONValue {
        .raw(String(decoding: try JSONValue.snakeCaseEncoder.encode(value), as: UTF8.self))
    }

    /// One line of JSON, keys sorted.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let d):
            out += d.isFinite ? JSONText.number(d) : (d.isNaN ? "\"nan\"" : (d > 0 ? "\"inf\"" : "\"-inf\""))
        case .string(let s): out += JSONText.quoted(s)
        case .raw(let text): out += text
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += JSONText.quoted(key)
                out += ":"
                o[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// Sorted snake_case keys, unescaped slashes, non-finite numbers as strings.
    static let snakeCaseEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(elements, uniquingKeysWith: { $1 })) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
