import ArgumentParser
import Forest
import Foundation
import Serve

/// `restock inspect`: what a model file holds.
struct InspectCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's metadata, hyperparameters and feature importances.",
        discussion: "Example: restock inspect --model models/reorder.rf --json")

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { [.file(model, option: "--model")] }

    func execute(_ context: JobContext) throws -> JobReport {
        let (path, holder) = try MatrixInput.readablePath(model, option: "--model", context: context)
        let loaded = try withExtendedLifetime(holder) { try ForestModel.load(from: path) }
        let version = loaded.version.description
        let modelReport = ModelReport(loaded)
        if !context.json { try StandardOutput.print(modelReport.text()) }
        var report = JobReport(summary: "\(model): \(loaded.trees.count) trees, \(loaded.schema.count) features, target '\(loaded.metadata.targetName)' (\(version))")
        var input = JobDataset.file(model)
        input.modelVersion = version
        report.inputs = [input]
        report.modelVersion = version
        report.result = try JSONValue.encoding(modelReport)
        return report
    }
}
