/// What a job tells when it ends: the one-line summary for stderr, and the parts of the `--json`
/// summary object (docs/json.md): datasets read and written (inputs left empty are the job's
/// `plannedInputs`), row counts, timings in seconds, the
/// model version, metrics, and a command-specific `result`.
struct JobReport {
    var summary: String
    var inputs: [JobDataset] = []
    var outputs: [JobDataset] = []
    var rows: [String: Int] = [:]
    var seconds: [String: Double] = [:]
    var modelVersion: String?
    /// The hyperparameters of a model trained or used, for the lineage `restock_model` run facet.
    var modelParameters: [String: String] = [:]
    var metrics: JSONValue?
    var result: JSONValue?

    init(summary: String) { self.summary = summary }

    /// The `--json` object of a finished job.
    func json(command: String, runID: String, totalSeconds: Double, warnings: [String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "command": .string(command),
            "status": "ok",
            "exit_code": 0,
            "run_id": .string(runID),
            "summary": .string(summary),
            "inputs": .array(inputs.map(\.json)),
            "outputs": .array(outputs.map(\.json)),
            "rows": .object(rows.mapValues { .int($0) }),
            "seconds": .object(seconds.merging(["total": totalSeconds]) { a, _ in a }.mapValues(JobReport.milliseconds)),
        ]
        if let modelVersion { object["model_version"] = .string(modelVersion) }
        if let metrics { object["metrics"] = metrics }
        if let result { object["result"] = result }
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0) }) }
        return .object(object)
    }

    /// The `--json` object of a failed job.
    static func failureJSON(command: String, runID: String, status: ExitStatus, message: String, totalSeconds: Double,
                            warnings: [String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "command": .string(command),
            "status": "failed",
            "exit_code": .int(Int(status.rawValue)),
            "run_id": .string(runID),
            "error": ["code": .string(status.name), "message": .string(message)],
            "seconds": ["total": milliseconds(totalSeconds)],
        ]
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0) }) }
        return .object(object)
    }

    /// Seconds rounded to the millisecond, as the summaries print them.
    private static func milliseconds(_ seconds: Double) -> JSONValue {
        .number((seconds * 1000).rounded() / 1000)
    }
}
