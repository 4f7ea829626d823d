import Foundation
import Forest

/// What the API and the dashboard show of a model: version, target, size, parameters (as the
/// model file stores them, in snake_case JSON), importances by feature and origin. Built once per
/// loaded model.
public struct ModelSummary: Sendable, Equatable {
    public struct Importance: Sendable, Equatable {
        public var feature: String
        public var impurity: Double
        public var permutation: Double?
    }

    public var version: String
    public var path: String
    public var targetName: String
    public var trees: Int
    public var nodes: Int
    public var features: [String]
    public var trainingRows: Int
    public var trainedAt: String
    public var outOfBagRSquared: Double?
    /// The forest parameters as a JSON object (snake_case keys).
    public var parametersJSON: String
    /// The origin as a JSON object, or nil when the model file has none.
    public var originJSON: String?
    /// Largest impurity importance first.
    public var importances: [Importance]

    public init(_ model: ForestModel, path: String) {
        version = model.version.description
        self.path = path
        targetName = model.metadata.targetName
        trees = model.trees.count
        nodes = model.nodeCount
        features = model.schema.names
        trainingRows = model.metadata.rowCount
        trainedAt = model.metadata.trainedAt
        outOfBagRSquared = model.metadata.outOfBagRSquared
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        parametersJSON = (try? encoder.encode(model.parameters)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        originJSON = model.origin.flatMap { try? encoder.encode($0) }.flatMap { String(data: $0, encoding: .utf8) }
        let permutation = model.importances.permutation
        importances = model.schema.names.indices.map { i in
            Importance(feature: model.schema.names[i], impurity: i < model.importances.impurity.count ? model.importances.impurity[i] : 0,
                       permutation: i < permutation.count ? permutation[i] : nil)
        }.sorted { $0.impurity != $1.impurity ? $0.impurity > $1.impurity : $0.feature < $1.feature }
    }
}
