import ArgumentParser
import Foundation

/// Range checks of option values, in one place so every command words them alike: "--trees must be
/// at least 1, got -1". Each throws `ValidationError` (exit 64 with the usage line). Numeric options
/// are declared with `parsing: .unconditional` so that a negative value reaches these checks
/// instead of being taken for an option ("Missing value for '--trees'").
enum OptionCheck {
    /// `value >= minimum`.
    static func atLeast<Value: Comparable>(_ minimum: Value, _ value: Value, _ option: String) throws {
        guard value >= minimum else { throw ValidationError("\(option) must be at least \(text(minimum)), got \(text(value))") }
    }

    /// `value` is finite and above `bound`.
    static func above(_ bound: Double, _ value: Double, _ option: String) throws {
        guard value > bound, value.isFinite else { throw ValidationError("\(option) must be a number above \(text(bound)), got \(text(value))") }
    }

    /// `value` is finite and at least `minimum`.
    static func finiteAtLeast(_ minimum: Double, _ value: Double, _ option: String) throws {
        guard value >= minimum, value.isFinite else { throw ValidationError("\(option) must be a number of at least \(text(minimum)), got \(text(value))") }
    }

    /// `value` lies in `range` (NaN does not).
    static func within<Value: Comparable>(_ range: ClosedRange<Value>, _ value: Value, _ option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be between \(text(range.lowerBound)) and \(text(range.upperBound)), got \(text(value))")
        }
    }

    /// `--threads`, when given, is at least 1.
    static func threads(_ value: Int?) throws {
        if let value { try atLeast(1, value, "--threads") }
    }

    /// `--max-features`: a fraction of the features in (0, 1], or a whole count above 1. Whether a
    /// count exceeds the features is known only once the matrix is read (`ForestParameters.problem(featureCount:)`).
    static func maxFeatures(_ value: Double) throws {
        try above(0, value, "--max-features")
        if value > 1, value != value.rounded(.down) {
            throw ValidationError("--max-features must be a fraction up to 1 or a whole number of features, got \(text(value))")
        }
    }

    /// An ISO 8601 date-time with a zone (2024-01-31T12:00:00Z) or a date (2024-01-31).
    static func isoDate(_ value: String, _ option: String) throws {
        let full = ISO8601DateFormatter()
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        guard full.date(from: value) != nil || dateOnly.date(from: value) != nil else {
            throw ValidationError("\(option) must be an ISO 8601 date such as 2024-01-31T12:00:00Z or 2024-01-31, got '\(value.prefix(64))'")
        }
    }

    /// A value as typed: whole doubles without ".0".
    static func text<Value>(_ value: Value) -> String {
        if let double = value as? Double, double.isFinite, double == double.rounded(), abs(double) < 1e15 { return String(Int(double)) }
        return "\(value)"
    }
}
