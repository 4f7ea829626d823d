import ArgumentParser
import Forest
import Foundation

/// `restock inspect`: what a model file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's metadata, hyperparameters and feature importances.",
        discussion: "Example: restock inspect --model models/reorder.rf --json")

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let loaded = try ForestModel.load(from: model)
        print(json ? try ModelReport(loaded).json() : ModelReport(loaded).text())
    }
}
