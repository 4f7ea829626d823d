/// Why a sweep refuses to resume a results file: the file belongs to another run, so its rows
/// cannot be compared with this run's.
public enum SweepLogError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file's run key differs from this run's (every differing name is listed).
    case mismatch(path: String, differences: [SweepRunKey.Difference])
    /// The file has no run key: an older restock wrote it.
    case writtenByOlderVersion(path: String)

    public var description: String {
        switch self {
        case .mismatch(let path, let differences):
            "\(path) holds the results of another sweep run (\(differences.map(\.description).joined(separator: "; "))); "
                + "its rows cannot be resumed by this run: use a new output folder (--out), or remove \(path) to start over"
        case .writtenByOlderVersion(let path):
            "\(path) was written by an older version of restock, without the run key (data, folds, seed, fixed options) "
                + "that tells whether its rows belong to this run: use a new output folder (--out), or remove \(path) to start over"
        }
    }
}
