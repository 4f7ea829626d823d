import Forest

/// The values a forest can predict. A prediction is the mean over the trees of one leaf value
/// each, so it lies between the mean of the trees' smallest leaves and the mean of their largest,
/// and both bounds are reached by some input. Stock recommendations and baskets read predictions as
/// reorder probabilities: a model trained on labels outside [0, 1] (a count, a -1/1 coding) would
/// give negative demand or probabilities above 1. Its leaves tell before any row is scored.
/// Cost: O(nodes) once per model.
public struct PredictionRange: Sendable, Equatable {
    public let lowest: Double
    public let highest: Double

    public init(_ model: ForestModel) {
        var low = 0.0, high = 0.0
        for tree in model.trees {
            var treeLow = Float.infinity, treeHigh = -Float.infinity
            for node in 0..<tree.nodeCount where tree.feature[node] < 0 {
                treeLow = min(treeLow, tree.value[node])
                treeHigh = max(treeHigh, tree.value[node])
            }
            if treeLow <= treeHigh {
                low += Double(treeLow)
                high += Double(treeHigh)
            }
        }
        let trees = Double(max(1, model.trees.count))
        lowest = low / trees
        highest = high / trees
    }

    /// Whether every prediction is a probability (within [0, 1], allowing Float rounding).
    public var isProbability: Bool { lowest >= -1e-6 && highest <= 1 + 1e-6 }

    /// Throws `NotAProbabilityModelError` unless `model` (read from `path`) predicts probabilities only.
    public static func requireProbabilities(_ model: ForestModel, path: String) throws {
        let range = PredictionRange(model)
        guard range.isProbability else {
            throw NotAProbabilityModelError(path: path, modelVersion: model.version.description,
                                            targetName: model.metadata.targetName, range: range)
        }
    }
}

/// A model whose predictions are not probabilities was given to a step that needs them.
public struct NotAProbabilityModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let modelVersion: String
    public let targetName: String
    public let range: PredictionRange

    public var description: String {
        "\(path) (\(modelVersion)) predicts values from \(Self.short(range.lowest)) to \(Self.short(range.highest)), "
            + "not probabilities in [0, 1]: it was trained on a target '\(targetName)' outside 0...1; stock recommendations "
            + "and baskets need a model trained on 0/1 reorder labels"
    }

    static func short(_ value: Double) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }
}
