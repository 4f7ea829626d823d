import Tabular

/// A CSV file that cannot be read as the Instacart layout says: a missing or empty file, a wrong
/// header, a wrong field count, or a field that is not a valid value for its column.
///
/// `description` names the file, the line (1-based, physical lines, the header is line 1), the column
/// and the offending value, e.g. `orders.csv:17: column order_dow: value 9 is outside 0...6`. Values
/// taken from the file are held as `EchoedValue` shows them (control and invalid bytes escaped, at
/// most 60 bytes and the full length), so an error never carries or prints a huge or binary field.
public struct CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// The file does not exist in `directory`.
        case missingFile(directory: String)
        /// The file has no bytes at all (not even a header).
        case emptyFile(expectedHeader: String)
        /// The header is not `expected`.
        case wrongHeader(expected: String, found: String)
        /// A record with `found` fields where `expected` were due.
        case wrongFieldCount(expected: Int, found: Int)
        case notInteger(value: String)
        case notNumber(value: String)
        /// `range` is written as Swift writes a closed range, `0...6`.
        case outOfRange(value: String, range: String)
        /// An eval_set other than prior, train or test.
        case unknownEvalSet(value: String)
        /// A quoted field that never closes.
        case unterminatedQuote(value: String)
        /// Characters between a closing quote and the next comma or line end.
        case textAfterClosingQuote(value: String)
        /// The file could not be opened or mapped.
        case unreadable(reason: String)
        /// The file is not text: `looksLike` names what it is (`EchoedValue.binaryFormat`).
        case binaryFile(looksLike: String)
        /// A non-first order (order_number > 1) without days_since_prior_order.
        case missingDaysSincePrior(orderNumber: Int)
        /// The file ends inside a record: its last line has no line end and is not a complete record.
        case cutLastRecord(reason: String)

    }

    public let file: String
    /// 1-based line, nil for problems of the whole file.
    public let line: Int?
    /// Column name, nil when the problem is not about one column.
    public let column: String?
    public let problem: Problem

    /// `problem`'s values must already be shown through `EchoedValue` (as the scanner does).
    public init(file: String, line: Int?, column: String?, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let column { s += "column \(column): " }
        switch problem {
        case .missingFile(let directory):
            s += "file not found in \(directory)"
        case .emptyFile(let header):
            s += "file is empty (expected the header \(header))"
        case .wrongHeader(let expected, let found):
            s += "header is \"\(found)\", expected \"\(expected)\""
        case .wrongFieldCount(let expected, let found):
            s += "expected \(expected) fields, found \(found)"
        case .notInteger(let value):
            s += "value \(Self.quoted(value)) is not an integer"
        case .notNumber(let value):
            s += "value \(Self.quoted(value)) is not a number"
        case .outOfRange(let value, let range):
            s += "value \(value) is outside \(range)"
        case .unknownEvalSet(let value):
            s += "value \(Self.quoted(value)) is not prior, train or test"
        case .unterminatedQuote(let value):
            s += "unterminated quote in field \(value)"
        case .textAfterClosingQuote(let value):
            s += "text after the closing quote in field \(value)"
        case .unreadable(let reason):
            s += "cannot read: \(reason)"
        case .binaryFile(let looksLike):
            s += "not a CSV file: it looks like \(looksLike)"
        case .missingDaysSincePrior(let orderNumber):
            s += "empty on order_number \(orderNumber); only a user's first order may leave it empty"
        case .cutLastRecord(let reason):
            s += "the file ends inside its last record (\(reason)); it looks cut off"
        }
        return s
    }

    /// Shows an (already echoed) value so that an empty or blank one is visible: empty -> `""`,
    /// quoted when it holds a space or a comma, otherwise as is.
    static func quoted(_ value: String) -> String {
        if value.isEmpty { return "\"\"" }
        return value.contains(where: { $0 == " " || $0 == "," }) ? "\"\(value)\"" : value
    }
}

/// Rows that parse but break the Instacart contract of TASK.md across rows or files: duplicate ids,
/// references to unknown rows, an order_products row of the wrong eval set, order numbers that are
/// not 1...N, a train or test order that is not the user's last.
///
/// `description` names the file, line, column and value, e.g.
/// `order_products__prior.csv:5: column order_id: order 12 is a train order, not prior`.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// `id` already occurred on `firstLine`.
        case duplicateID(id: Int, firstLine: Int)
        /// `id` is not in `table` (a file name).
        case unknownReference(id: Int, table: String)
        /// The row's order is of eval set `found`, the file holds `expected` orders.
        case wrongEvalSet(orderID: Int, found: EvalSet, expected: EvalSet)
        /// A user's order numbers are not 1...N: `found` where `expected` was due.
        case orderNumberGap(userID: Int, expected: Int, found: Int)
        /// A train or test order that is not the user's last (order `orderNumber` of `orderCount`).
        case evalSetNotLast(userID: Int, orderNumber: Int, orderCount: Int, evalSet: EvalSet)
    }

    public let file: String
    public let line: Int
    public let column: String
    public let problem: Problem

    public init(file: String, line: Int, column: String, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var s = "\(file):\(line): column \(column): "
        switch problem {
        case .duplicateID(let id, let firstLine):
            s += "duplicate \(column) \(id) (first on line \(firstLine))"
        case .unknownReference(let id, let table):
            s += "\(column) \(id) is not in \(table)"
        case .wrongEvalSet(let orderID, let found, let expected):
            s += "order \(orderID) is a \(found) order, not \(expected)"
        case .orderNumberGap(let userID, let expected, let found):
            s += "user \(userID) has order_number \(found) where \(expected) was due (a user's orders are numbered 1...N)"
        case .evalSetNotLast(let userID, let number, let count, let evalSet):
            s += "order \(number) of user \(userID)'s \(count) orders is \(evalSet); only the last order may be train or test"
        }
        return s
    }
}
