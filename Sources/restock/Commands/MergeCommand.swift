import ArgumentParser
import Forest
import Foundation
import Serve
import Tabular

/// `restock merge`: join forests grown separately (one per shard, say) into one model.
struct MergeCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join groups of trees (models trained on different rows) into one forest model.",
        discussion: """
            The merged forest predicts the mean over all its trees, i.e. the tree-count-weighted mean of \
            the parts' predictions. The parts must have the same features (in order), the same target \
            and the same hyperparameters except --trees and --seed; the same model given twice is refused. \
            Bin edges that differ are joined (each split keeps its threshold; at most 254 edges per \
            feature, else train the parts with --bins-from one reference model). The merged model's \
            origin lists its parts (file, version, trees, rows, seed, origin: restock inspect shows them) \
            and its version is derived from their trees; the same parts in the same order give the same \
            file, which is written under a temporary name and renamed when complete.
            Example: restock merge --model shard0.rf --model shard1.rf --out forest.rf
            """)

    @Option(name: .customLong("model"), help: "A model to merge (give two or more, in tree order).")
    var models: [String] = []

    @Option(help: "Where to write the merged model.")
    var out: String

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { models.map { .file($0, option: "--model") } }
    var plannedOutputs: [JobDataset] { [.file(out, option: "--out")] }

    func validate() throws {
        if models.count < 2 { throw ValidationError("give at least two --model files to merge") }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let started = ContinuousClock.now
        var parts: [ForestMerge.Part] = []
        for path in models {
            let model = try ForestModel.load(from: path)
            context.detail("\(path): \(model.trees.count) trees on \(model.metadata.rowCount) rows (\(model.version))")
            parts.append(ForestMerge.Part(name: path, model: model))
        }
        let merged = try ForestMerge.merge(parts, commandLine: RedactedCommandLine.arguments, toolVersion: RestockVersion.string)
        try merged.write(to: out)
        let version = merged.version.description
        var report = JobReport(summary: "merged \(parts.count) models (\(merged.trees.count) trees, \(merged.nodeCount) nodes, "
            + "\(merged.metadata.rowCount) training rows) -> \(out) (\(version))")
        report.inputs = zip(models, parts).map { path, part in
            var input = JobDataset.file(path)
            input.modelVersion = part.model.version.description
            return input
        }
        var output = JobDataset.file(out)
        output.modelVersion = version
        report.outputs = [output]
        report.modelVersion = version
        report.rows = ["models": parts.count, "trees": merged.trees.count, "nodes": merged.nodeCount, "training_rows": merged.metadata.rowCount]
        report.seconds = ["merge": Elapsed.seconds(since: started)]
        return report
    }
}
