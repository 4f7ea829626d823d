import ArgumentParser
import Foundation
import Lineage

/// `restock lineage-check --file F`: checks a file of OpenLineage events (one JSON object per line,
/// as `--lineage F` writes) against spec 2-0-2's required fields and types, and that every run has
/// one START and then one COMPLETE or FAIL for the same job.
struct LineageCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage-check",
        abstract: "Check a file of OpenLineage events (as --lineage writes) against the spec 2-0-2.",
        discussion: """
            Prints one line per problem (line number, field, what is wrong) and exits 65 when there is \\
            any, else prints the number of events and runs and exits 0. See docs/lineage.md.

            Example: restock lineage-check --file lineage.jsonl
            """)

    @Option(help: "File of JSON lines written by --lineage.")
    var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            Log.stderr("restock lineage-check: error: cannot read \(file)")
            throw ExitCode(ExitStatus.inputOutput.rawValue)
        }
        let problems = OpenLineageSpecCheck.violations(ofJSONLines: data)
        let lines = data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }
        let runs = Set(lines.compactMap { line -> String? in
            ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]).flatMap { ($0["run"] as? [String: Any])?["runId"] as? String }
        })
        if problems.isEmpty {
            try StandardOutput.print("\(file): \(lines.count) events of \(runs.count) runs, all valid OpenLineage 2-0-2 run events, each run START then COMPLETE or FAIL")
            return
        }
        for problem in problems { try StandardOutput.print("\(file): \(problem)") }
        Log.stderr("restock lineage-check: \(problems.count) problems in \(lines.count) events")
        throw ExitCode(ExitStatus.badInput.rawValue)
    }
}
