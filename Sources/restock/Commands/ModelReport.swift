import Forest
import Foundation

/// The contents of a model for `restock inspect`: text, or Encodable for the JSON summary's `result`.
struct ModelReport: Codable {
    struct Importance: Codable {
        var feature: String
        var impurity: Double
        var permutation: Double?
    }

    /// The origin as text; "unknown" for files written before origins were recorded.
    struct Origin: Codable {
        var dataFingerprint = "unknown"
        /// The arguments joined with spaces, shell-quoted where needed.
        var commandLine = "unknown"
        var toolVersion = "unknown"
        /// For a merged model (`restock merge`): its parts in tree order; nil otherwise.
        var parts: [ModelPart]?
    }

    var formatVersion: UInt32
    var version: String
    var leafSmoothing: Double
    var origin: Origin
    var metadata: TrainingMetadata
    var parameters: ForestParameters
    var resolvedMaxFeatures: Int
    var features: [String]
    var trees: Int
    var nodes: Int
    var leaves: Int
    var maxDepth: Int
    var importances: [Importance]
    var permutationRows: Int

    init(_ model: ForestModel) {
        formatVersion = ForestModel.formatVersion
        version = model.version.description
        leafSmoothing = model.parameters.leafSmoothing
        origin = Origin()
        if let known = model.origin {
            origin = Origin(dataFingerprint: known.dataFingerprint, commandLine: ModelReport.shellQuoted(known.commandLine),
                            toolVersion: known.toolVersion, parts: known.parts)
        }
        metadata = model.metadata
        parameters = model.parameters
        resolvedMaxFeatures = model.parameters.resolvedMaxFeatures(featureCount: model.schema.count)
        features = model.schema.names
        trees = model.trees.count
        nodes = model.nodeCount
        leaves = model.trees.reduce(0) { $0 + $1.leafCount }
        maxDepth = model.trees.map(\.depth).max() ?? 0
        let permutation = model.importances.permutation
        importances = model.schema.names.indices.map { j in
            Importance(feature: model.schema.names[j], impurity: model.importances.impurity[j],
                       permutation: permutation.isEmpty ? nil : permutation[j])
        }.sorted { $0.impurity > $1.impurity }
        permutationRows = model.importances.permutationRowCount
    }

    /// The arguments as one line a POSIX shell splits back into them.
    static func shellQuoted(_ arguments: [String]) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        return arguments.map { a in
            !a.isEmpty && a.allSatisfy(plain.contains) ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    func text() -> String {
        var lines: [String] = []
        let oob = metadata.outOfBagRSquared.map { String(format: "%.4f", $0) } ?? "n/a"
        lines.append("Restock forest model \(version) (format version \(formatVersion))")
        lines.append("origin: data \(origin.dataFingerprint), restock \(origin.toolVersion), command: \(origin.commandLine)")
        for part in origin.parts ?? [] {
            lines.append("  part \(part.name): \(part.version), trees \(part.firstTree)..<\(part.firstTree + part.treeCount), "
                + "\(part.rowCount) rows, seed \(part.seed), data \(part.dataFingerprint ?? "unknown")")
        }
        lines.append("trained at \(metadata.trainedAt) on \(metadata.rowCount) rows, target '\(metadata.targetName)', seed \(metadata.seed)")
        lines.append("out-of-bag R2 \(oob) over \(metadata.outOfBagRowCount) rows")
        lines.append("\(trees) trees, \(nodes) nodes, \(leaves) leaves, deepest leaf at depth \(maxDepth)")
        let p = parameters
        lines.append("hyperparameters: trees \(p.treeCount), max features \(p.maxFeatures) (= \(resolvedMaxFeatures) of \(features.count)), "
            + "min samples leaf \(p.minSamplesLeaf)\(p.minSamplesLeafIsAutomatic ? " (automatic)" : ""), max depth \(p.maxDepth == 0 ? "unlimited" : String(p.maxDepth)), "
            + "max bins \(p.maxBins), sample fraction \(p.sampleFraction), min impurity decrease \(p.minImpurityDecrease), "
            + "leaf smoothing \(leafSmoothing)"
            + (p.leafShrinkage != 0 ? ", leaf shrinkage \(p.leafShrinkage)" : "") + (p.bootstrap ? "" : ", without replacement"))
        lines.append("")
        let width = max(7, features.map(\.count).max() ?? 7)
        lines.append("feature".padding(toLength: width, withPad: " ", startingAt: 0) + "  impurity  permutation (OOB MSE increase, \(permutationRows) rows)")
        for row in importances {
            let permutation = row.permutation.map { String(format: "%.6f", $0) } ?? "-"
            lines.append(row.feature.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %8.4f  ", row.impurity) + permutation)
        }
        return lines.joined(separator: "\n")
    }
}
