/// Why an ingest stopped after the files were read: the server holds something other than what was
/// sent, or a live table has another structure than `InstacartSchema`. The live tables are unchanged
/// in both cases (nothing is swapped in before every stage table checks out).
public struct InstacartIngestError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// `SELECT count()` of the stage table after its INSERT differs from the rows sent.
        case countMismatch(sent: Int, counted: Int)
        /// The existing live table's columns differ from the schema (each difference described).
        case structureMismatch([String])
    }

    public let database: String
    public let table: String
    public let problem: Problem

    public var description: String {
        let name = "\(database).\(table)"
        switch problem {
        case .countMismatch(let sent, let counted):
            return "ingest of \(name) stopped: \(sent) rows were sent but the stage table holds \(counted); "
                + "the live tables are unchanged"
        case .structureMismatch(let problems):
            return "table \(name) exists with another structure than restock's schema (\(problems.joined(separator: "; "))); "
                + "drop it or use another --database; nothing was changed"
        }
    }
}
