import Foundation

/// The sweep's results file: a CSV with one line per finished configuration, appended (and flushed)
/// as each finishes, so an interrupted sweep resumes where it stopped. The first line is the run
/// key (`# run {...}`, `SweepRunKey`), then the header; columns: `key`, one per metric, `seconds`
/// (`pandas.read_csv(path, comment="#")` reads it). A line is written whole with one `write(2)`; a
/// torn last line (a crash during the write) is ignored on reading.
public struct SweepLog {
    public static let metricNames = ["demand_r2", "demand_mae", "r2", "mae", "auc", "logloss", "f1_at_0_2", "f1_expected"]
    public static let header = "key," + metricNames.joined(separator: ",") + ",seconds"

    public struct Entry: Sendable, Equatable {
        public let key: String
        public let metrics: [String: Double]
        public let seconds: Double

        public init(key: String, metrics: [String: Double], seconds: Double) {
            self.key = key
            self.metrics = metrics
            self.seconds = seconds
        }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The entries already in the file (none when it does not exist).
    public func read() throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var entries: [Entry] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.hasPrefix("#") }
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == SweepLog.metricNames.count + 2, let seconds = Double(fields.last!) else { continue }
            var metrics: [String: Double] = [:]
            for (i, name) in SweepLog.metricNames.enumerated() { metrics[name] = Double(fields[i + 1]) ?? .nan }
            entries.append(Entry(key: fields[0], metrics: metrics, seconds: seconds))
        }
        return entries
    }

    /// The run key of the file's first line; nil when the file does not exist, is empty, or has
    /// no key (an older restock wrote it).
    public func runKey() throws -> SweepRunKey? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", maxSplits: 1).first.flatMap { SweepRunKey(line: $0) }
    }

    /// Checks that this run may resume the file: it is absent or empty, or its run key equals `key`.
    /// Throws `SweepLogError.writtenByOlderVersion` for a file without a key and
    /// `SweepLogError.mismatch` (naming each differing value) for another run's file.
    public func check(_ key: SweepRunKey) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let first = text.split(separator: "\n", maxSplits: 1).first else { return }
        guard let recorded = SweepRunKey(line: first) else { throw SweepLogError.writtenByOlderVersion(path: path) }
        let differences = key.differences(from: recorded)
        if !differences.isEmpty { throw SweepLogError.mismatch(path: path, differences: differences) }
    }

    /// Appends one entry, creating the file first with the run key line (when given) and the
    /// header. Call `check(_:)` before the first append of a run.
    public func append(_ entry: Entry, runKey: SweepRunKey? = nil) throws {
        let existing = FileManager.default.fileExists(atPath: path)
            ? ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) : -1
        if existing <= 0 {
            let head = (runKey.map { [$0.line] } ?? []) + [SweepLog.header]
            try Data((head.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        }
        let values = SweepLog.metricNames.map { name in entry.metrics[name].map { String($0) } ?? "nan" }
        let line = ([entry.key] + values + [String(entry.seconds)]).joined(separator: ",") + "\n"
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        var bytes = Data(line.utf8)
        if end > 0 {
            // A torn last line (a crash mid-write) is ended first, so it cannot swallow this one.
            try handle.seek(toOffset: end - 1)
            if handle.readData(ofLength: 1) != Data([10]) { bytes.insert(10, at: 0) }
            try handle.seekToEnd()
        }
        try handle.write(contentsOf: bytes)
        try handle.synchronize()
    }

    /// The metrics of a comparison's forest scores, by `metricNames`.
    public static func metrics(_ s: ModelScores) -> [String: Double] {
        ["demand_r2": s.demand.r2, "demand_mae": s.demand.mae, "r2": s.pair.r2, "mae": s.pair.mae, "auc": s.pair.auc,
         "logloss": s.pair.logloss, "f1_at_0_2": s.pair.f1At02, "f1_expected": s.pair.f1Expected]
    }

    /// Whether a larger value of the metric is better.
    public static func higherIsBetter(_ metric: String) -> Bool {
        !["demand_mae", "mae", "logloss"].contains(metric)
    }
}
