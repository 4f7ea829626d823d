/// Why model outputs were not published to ClickHouse; the live table is unchanged in both cases.
public enum PublishError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The existing table differs from what restock writes (each difference described).
    case structureMismatch(table: String, [String])
    /// `SELECT count()` of the stage after the INSERT differs from the rows sent.
    case countMismatch(table: String, sent: Int, counted: Int)

    public var description: String {
        switch self {
        case .structureMismatch(let table, let problems):
            "table \(table) exists with another structure than restock writes (\(problems.joined(separator: "; "))); "
                + "drop it or choose another --to-table; nothing was published"
        case .countMismatch(let table, let sent, let counted):
            "\(sent) rows were sent but the stage table \(table) holds \(counted); nothing was published"
        }
    }
}
