import Foundation

/// The JSON Schema formats and types the spec uses, checked as strictly as RFC 3339 (`date-time`),
/// RFC 3986 (`uri`, absolute) and RFC 4122's textual form (`uuid`) say.
extension OpenLineageSpecCheck {
    enum Format {
        case dateTime, uri, uuid

        var name: String {
            switch self {
            case .dateTime: "an RFC 3339 date-time"
            case .uri: "an absolute URI"
            case .uuid: "a UUID"
            }
        }

        func accepts(_ text: String) -> Bool {
            switch self {
            case .dateTime: OpenLineageSpecCheck.isDateTime(text)
            case .uri: OpenLineageSpecCheck.isURI(text)
            case .uuid: OpenLineageSpecCheck.isUUID(text)
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with every field in range (second 60 allowed for
    /// a leap second).
    static func isDateTime(_ text: String) -> Bool {
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/#
        guard let match = text.wholeMatch(of: pattern) else { return false }
        let (month, day) = (Int(match.output.2)!, Int(match.output.3)!)
        let (hour, minute, second) = (Int(match.output.4)!, Int(match.output.5)!, Int(match.output.6)!)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return false }
        if let offsetHour = match.output.9, let offsetMinute = match.output.10 {
            guard Int(offsetHour)! < 24, Int(offsetMinute)! < 60 else { return false }
        }
        return true
    }

    /// A scheme, `:`, and only characters a URI may hold (unreserved, reserved, `%` escapes).
    static func isURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return false }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
        let rest = Array(text[text.index(after: colon)...])
        for (index, character) in rest.enumerated() {
            guard allowed.contains(character) else { return false }
            if character == "%" {
                guard index + 2 < rest.count, rest[index + 1].isHexDigit, rest[index + 2].isHexDigit else { return false }
            }
        }
        return true
    }

    /// `8-4-4-4-12` hexadecimal digits.
    static func isUUID(_ text: String) -> Bool {
        text.wholeMatch(of: #/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/#) != nil
    }

    /// A JSON number with no fractional part (JSON Schema's `integer`; `1.0` counts), not a boolean.
    static func isInteger(_ value: Any) -> Bool {
        guard !isBoolean(value), let number = value as? NSNumber, !(value is String) else { return false }
        let double = number.doubleValue
        return double.isFinite && double.rounded() == double
    }

    /// A JSON `true` or `false` (Foundation decodes them as NSNumber of ObjC type `c`).
    static func isBoolean(_ value: Any) -> Bool {
        if value is String { return false }
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c" || String(describing: type(of: value)).contains("Boolean")
    }
}
