import Tabular

/// A problem in a matrix file (CSV or binary), with where it is: file, line (1-based, CSV only),
/// column name and the offending text when there is one. `value` is given as `EchoedValue` shows it
/// (escaped, capped); the column name is shown through `EchoedValue` too (a header can hold anything).
public struct MatrixFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let line: Int?
    public let column: String?
    public let value: String?
    public let reason: String

    public init(path: String, line: Int? = nil, column: String? = nil, value: String? = nil, reason: String) {
        self.path = path
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
    }

    public var description: String {
        var place = path
        if let line { place += ":\(line)" }
        var text = "\(place): \(reason)"
        if let column { text += " in column \(EchoedValue.text(column))" }
        if let value { text += " (value '\(value)')" }
        return text
    }
}
