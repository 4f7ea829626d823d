import Forest
import Serve
import Tabular
import Testing

/// The range a forest can predict, from its leaves, and the refusal of a model whose range leaves [0, 1].
@Test func aModelTrainedOnLabelsOutsideZeroOneIsNotAProbabilityModel() throws {
    func model(_ labels: [Float]) throws -> ForestModel {
        let x = (0..<labels.count).map { Float($0) }
        let features = FeatureMatrix(schema: FeatureSchema(names: ["x"]), columns: [x])
        return try RandomForest.train(features: features, target: labels,
                                      parameters: ForestParameters(treeCount: 4, minSamplesLeaf: 1, leafSmoothing: 0)).model
    }
    let labels01: [Float] = (0..<60).map { $0 % 3 == 0 ? 1 : 0 }
    let probabilities = try model(labels01)
    let range = PredictionRange(probabilities)
    #expect(range.lowest >= 0 && range.highest <= 1 && range.lowest < range.highest)
    try PredictionRange.requireProbabilities(probabilities, path: "p.rf")

    let counts = try model(labels01.map { $0 == 1 ? 2 : -1 })
    #expect(PredictionRange(counts).lowest < 0 && PredictionRange(counts).highest > 1)
    let error = try #require(throws: NotAProbabilityModelError.self) { try PredictionRange.requireProbabilities(counts, path: "c.rf") }
    #expect(error.description.hasPrefix("c.rf (rf-"), "\(error)")
    #expect(error.description.contains("not probabilities in [0, 1]"), "\(error)")
}
