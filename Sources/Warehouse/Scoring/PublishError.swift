/// Why a run did not publish to ClickHouse; the live tables are unchanged in every case.
public enum PublishError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The existing table differs from what restock writes (each difference described).
    case structureMismatch(table: String, [String])
    /// `SELECT count()` of the load table after the INSERT differs from the rows sent.
    case countMismatch(table: String, sent: Int, counted: Int)
    /// The target name is one Restock keeps for itself (`ReservedNames`).
    case reservedName(table: String, String)
    /// Another run held the lock table `lock` for the whole wait (`holder` describes it).
    case lockHeld(lock: String, holder: String, waited: Double)

    public var description: String {
        switch self {
        case .structureMismatch(let table, let problems):
            "table \(table) exists with another structure than restock writes (\(problems.joined(separator: "; "))); "
                + "drop it or choose another --to-table; nothing was published"
        case .countMismatch(let table, let sent, let counted):
            "\(sent) rows were sent but the load table \(table) holds \(counted); nothing was published"
        case .reservedName(let table, let problem):
            "--to-table \(table) is refused: \(problem); choose another name"
        case .lockHeld(let lock, let holder, let waited):
            "another run is publishing to the same tables: lock table \(lock) is held by \(holder); waited "
                + "\(Int(waited.rounded())) s (--lock-wait); nothing was changed. If that run is gone (another host, "
                + "or a server restored from a backup), drop the lock table: DROP TABLE \(lock)"
        }
    }
}
