import Foundation

/// A whole lineage file: every line a valid event, and every run opened and closed once.
extension OpenLineageSpecCheck {
    /// Violations of a file of JSON lines (blank lines skipped, lines numbered from 1): each line's
    /// event violations labelled `line N`, then, per run id in order of first appearance, anything
    /// but exactly one START, followed by exactly one COMPLETE or FAIL for the same job (RUNNING and
    /// OTHER events may come between, nothing after the end). Cost: O(size of the file).
    public static func violations(ofJSONLines data: Data) -> [String] {
        var problems: [String] = []
        var runs: [String: [RunEntry]] = [:]
        var order: [String] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            let label = "line \(lineNumber)"
            guard let event = try? JSONSerialization.jsonObject(with: Data(line)) else {
                problems.append("\(label): not valid JSON")
                continue
            }
            problems += violations(ofEvent: event, label: label)
            guard let object = event as? [String: Any], let run = object["run"] as? [String: Any],
                  let runId = run["runId"] as? String else { continue }
            let job = object["job"] as? [String: Any]
            let entry = RunEntry(line: lineNumber, eventType: object["eventType"] as? String,
                                 job: "\(job?["namespace"] as? String ?? "?")/\(job?["name"] as? String ?? "?")")
            if runs[runId] == nil { order.append(runId) }
            runs[runId, default: []].append(entry)
        }
        for runId in order { problems += runViolations(runId: runId, entries: runs[runId]!) }
        return problems
    }

    /// One event of a run, as far as pairing needs it.
    struct RunEntry {
        var line: Int
        var eventType: String?
        var job: String
    }

    static func runViolations(runId: String, entries: [RunEntry]) -> [String] {
        var problems: [String] = []
        let label = "run \(runId)"
        let lines = entries.map { "line \($0.line)" }.joined(separator: ", ")
        for entry in entries where entry.eventType == nil {
            problems.append("\(label): line \(entry.line) has no eventType")
        }
        let starts = entries.filter { $0.eventType == "START" }
        let ends = entries.filter { $0.eventType == "COMPLETE" || $0.eventType == "FAIL" }
        if starts.count != 1 { problems.append("\(label): \(starts.count) START events, expected 1 (\(lines))") }
        if ends.count != 1 { problems.append("\(label): \(ends.count) COMPLETE or FAIL events, expected 1 (\(lines))") }
        if let first = entries.first, first.eventType != "START" {
            problems.append("\(label): first event (line \(first.line)) is \(first.eventType ?? "untyped"), not START")
        }
        if let last = entries.last, last.eventType != "COMPLETE" && last.eventType != "FAIL" {
            problems.append("\(label): last event (line \(last.line)) is \(last.eventType ?? "untyped"), not COMPLETE or FAIL")
        }
        for entry in entries where entry.eventType == "ABORT" {
            problems.append("\(label): line \(entry.line) is ABORT, expected COMPLETE or FAIL")
        }
        let jobs = Set(entries.map(\.job))
        if jobs.count > 1 { problems.append("\(label): events name different jobs: \(jobs.sorted().joined(separator: ", "))") }
        return problems
    }
}
