import Foundation
import Lineage

/// The OpenLineage events of one run (docs/lineage.md): START before the job, then COMPLETE with
/// the datasets it read and wrote, or FAIL with the error message, all with the run's id. Events go
/// to `--lineage FILE` / RESTOCK_LINEAGE_FILE (one JSON object per line, each appended in one write)
/// and to `--lineage-url URL` / RESTOCK_LINEAGE_URL (POSTed, short timeout). A lineage failure is a
/// warning, never a failed job. With neither set, nothing is emitted.
struct JobLineage {
    private let recorder: LineageRecorder?
    private let context: JobContext
    private let host: String

    init(command: String, runID: String, options: JobOptions, environment: [String: String], context: JobContext) {
        self.context = context
        host = ProcessInfo.processInfo.hostName
        var emitters: [any LineageEmitter] = []
        if let file = options.lineage ?? environment["RESTOCK_LINEAGE_FILE"], !file.isEmpty {
            emitters.append(FileLineageEmitter(path: file))
        }
        if let url = options.lineageURL ?? environment["RESTOCK_LINEAGE_URL"], !url.isEmpty {
            emitters.append(HTTPLineageEmitter(url: url))
        }
        guard !emitters.isEmpty, let id = UUID(uuidString: runID) else {
            recorder = nil
            return
        }
        let run = LineageRun(job: LineageJob(namespace: options.lineageNamespace, name: "restock.\(command)"),
                             producer: RestockVersion.producer, runId: id)
        recorder = LineageRecorder(run: run, emitters: emitters)
    }

    func start(inputs: [JobDataset]) {
        guard let recorder else { return }
        report(recorder.start(inputs: inputs.map { dataset($0, isOutput: false) }))
    }

    func complete(_ job: JobReport) {
        guard let recorder else { return }
        let facets = LineageRunFacets(model: job.modelVersion.map { LineageRunFacets.Model(version: $0, parameters: job.modelParameters) })
        report(recorder.complete(inputs: job.inputs.map { dataset($0, isOutput: false) },
                                 outputs: job.outputs.map { dataset($0, isOutput: true) }, facets: facets))
    }

    func fail(message: String, inputs: [JobDataset]) {
        guard let recorder else { return }
        report(recorder.fail(message: message, inputs: inputs.map { dataset($0, isOutput: false) }))
    }

    private func report(_ warnings: [LineageWarning]) {
        for warning in warnings { context.warn("lineage: \(warning)") }
    }

    /// A job's dataset as OpenLineage names it: `file://HOST` and the absolute path (standard input
    /// and output as `stdin`/`stdout` of the host), or `clickhouse://host:port` and `database.table`.
    private func dataset(_ d: JobDataset, isOutput: Bool) -> LineageDataset {
        var dataset: LineageDataset
        switch d.location {
        case .file(let path):
            dataset = path == "-"
                ? LineageDataset(namespace: "file://\(host)", name: isOutput ? "/dev/stdout" : "/dev/stdin")
                : LineageDataset.file(path: path, host: host)
        case .clickHouse(let server, let name):
            dataset = LineageDataset(namespace: "clickhouse://\(server)", name: name)
        case .mysql(let server, let name):
            dataset = LineageDataset(namespace: "mysql://\(server)", name: name)
        }
        if !d.columns.isEmpty { dataset = dataset.with(schema: d.columns.map { LineageDataset.Field(name: $0.name, type: $0.type) }) }
        if d.rows != nil || d.bytes != nil { dataset = dataset.with(statistics: .init(rowCount: d.rows, size: d.bytes)) }
        if let version = d.modelVersion { dataset = dataset.with(version: version) }
        return dataset
    }
}
