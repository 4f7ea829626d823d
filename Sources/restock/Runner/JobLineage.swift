import Foundation

/// The lineage of one run (placeholder until the Lineage target lands).
struct JobLineage {
    let command: String
    let runID: String
    let options: JobOptions
    let environment: [String: String]
    let context: JobContext

    func start(inputs: [JobDataset]) {}
    func complete(_ report: JobReport) {}
    func fail(message: String, inputs: [JobDataset]) {}
}
