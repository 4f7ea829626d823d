import Tabular

/// Joins forests grown separately (for example one group of trees per data partition) into one
/// forest whose prediction is the mean over all their trees: with parts of T_1 … T_m trees and tree
/// sums S_k(x), the merged prediction is (S_1 + … + S_m) / (T_1 + … + T_m), the tree-count-weighted
/// mean of the parts' predictions S_k / T_k.
///
/// **What must agree.** The feature schema (names and order), the target name and every
/// hyperparameter but the tree count and the seed. Two parts with the same version (the same trees)
/// are refused: the merge would count those trees twice.
///
/// **Bins.** A split is stored twice: as a float threshold (`x ≤ threshold`, what prediction uses)
/// and as a bin of the model's `BinMapper` (`thresholdBin`, what training used). Parts trained on
/// different rows fit different bin edges, so the merged model's edges are, per feature, the sorted
/// union of the parts' edges, and every split's `thresholdBin` is renumbered to the index of its
/// threshold in that union (+∞ becomes the union's edge count). A threshold is always one of its
/// part's edges (or +∞), so the renumbered split sends every value where it went before and the
/// predictions are unchanged. The format allows 254 edges per feature (bin codes are bytes): when a
/// union is larger, the merge is refused, naming the feature and the two parts; training the parts
/// with shared edges (`ForestModel.binMapper` of one reference model) avoids it.
///
/// **The merged model.** Trees in part order; parameters of the first part with `treeCount` the total
/// and `seed` = XXH64 of the parts' versions (so the version, which hashes the parameters and the
/// trees, changes with any part); metadata: rows summed, target, the latest training date, no
/// out-of-bag score (each part's out-of-bag rows are its own); impurity importances the
/// tree-count-weighted mean (they still sum to 1), permutation importances the same when every part
/// has them; origin: the caller's command line and tool, a data fingerprint hashed from the parts'
/// fingerprints, and one `ModelPart` per part. Deterministic: the same parts in the same order give
/// the same model. Cost: O(total nodes · log 254) and one copy of the trees.
public enum ForestMerge {
    /// A part to merge and the name its errors and origin use (a file name).
    public struct Part: Sendable {
        public var name: String
        public var model: ForestModel

        public init(name: String, model: ForestModel) {
            self.name = name
            self.model = model
        }
    }

    /// Why parts cannot be merged; every case names the parts involved.
    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case noParts
        case schemaDiffers(first: String, other: String, difference: String)
        case targetDiffers(first: String, other: String, firstTarget: String, otherTarget: String)
        case parametersDiffer(first: String, other: String, difference: String)
        case sameModel(first: String, other: String, version: String)
        case tooManyBinEdges(first: String, other: String, feature: String, edges: Int)
        case thresholdNotAnEdge(part: String, tree: Int, node: Int)

        public var description: String {
            switch self {
            case .noParts:
                "nothing to merge"
            case .schemaDiffers(let a, let b, let difference):
                "\(b) was trained on other features than \(a): \(difference)"
            case .targetDiffers(let a, let b, let ta, let tb):
                "\(a) predicts '\(ta)' but \(b) predicts '\(tb)'"
            case .parametersDiffer(let a, let b, let difference):
                "\(a) and \(b) were trained with different hyperparameters: \(difference)"
            case .sameModel(let a, let b, let version):
                "\(a) and \(b) are the same model (\(version)); merging would count its trees twice"
            case .tooManyBinEdges(let a, let b, let feature, let edges):
                "the bin edges of \(a) and \(b) differ: feature '\(feature)' would need \(edges) edges (at most 254); "
                    + "train the parts with shared bins (restock train --bins-from \(a))"
            case .thresholdNotAnEdge(let part, let tree, let node):
                "\(part): tree \(tree) node \(node) splits at a threshold that is not one of its bin edges"
            }
        }
    }

    /// The merged forest of `parts` (in this order); `origin` gives the command line and tool
    /// version recorded in the merged model (its data fingerprint and parts are filled in here).
    public static func merge(_ parts: [Part], commandLine: [String] = [], toolVersion: String = "") throws -> ForestModel {
        guard let first = parts.first else { throw Failure.noParts }
        let base = first.model
        var versions: [String] = []
        for part in parts {
            let m = part.model
            if let difference = m.schema.difference(from: base.schema) {
                throw Failure.schemaDiffers(first: first.name, other: part.name, difference: difference)
            }
            if m.metadata.targetName != base.metadata.targetName {
                throw Failure.targetDiffers(first: first.name, other: part.name, firstTarget: base.metadata.targetName,
                                            otherTarget: m.metadata.targetName)
            }
            if let difference = parameterDifference(base.parameters, m.parameters) {
                throw Failure.parametersDiffer(first: first.name, other: part.name, difference: difference)
            }
            let version = m.version.description
            if let seen = versions.firstIndex(of: version) {
                throw Failure.sameModel(first: parts[seen].name, other: part.name, version: version)
            }
            versions.append(version)
        }
        let edges = try unionEdges(parts)
        var trees: [DecisionTree] = []
        trees.reserveCapacity(parts.reduce(0) { $0 + $1.model.trees.count })
        var records: [ModelPart] = []
        for (k, part) in parts.enumerated() {
            records.append(ModelPart(name: part.name, version: versions[k], firstTree: trees.count, treeCount: part.model.trees.count,
                                     rowCount: part.model.metadata.rowCount, seed: part.model.parameters.seed,
                                     dataFingerprint: part.model.origin?.dataFingerprint, commandLine: part.model.origin?.commandLine,
                                     toolVersion: part.model.origin?.toolVersion))
            for (t, tree) in part.model.trees.enumerated() {
                trees.append(try renumbered(tree, edges: edges, part: part.name, treeIndex: t))
            }
        }
        let seed = hashOfTexts(versions)
        var parameters = base.parameters
        parameters.treeCount = trees.count
        parameters.seed = seed
        let metadata = TrainingMetadata(rowCount: parts.reduce(0) { $0 + $1.model.metadata.rowCount },
                                        targetName: base.metadata.targetName, outOfBagRSquared: nil, outOfBagRowCount: 0,
                                        trainedAt: parts.map(\.model.metadata.trainedAt).max() ?? "", seed: seed)
        let fingerprint = hashOfTexts(parts.map { $0.model.origin?.dataFingerprint ?? $0.model.version.description })
        let origin = ModelOrigin(dataFingerprint: "xxh64:" + hex16(fingerprint), commandLine: commandLine,
                                 toolVersion: toolVersion, parts: records)
        return ForestModel(schema: base.schema, binMapper: BinMapper(edges: edges), parameters: parameters, metadata: metadata,
                           trees: trees, importances: mergedImportances(parts, treeCount: trees.count), origin: origin)
    }

    /// The first hyperparameter (other than the tree count and the seed) that differs, as text.
    static func parameterDifference(_ a: ForestParameters, _ b: ForestParameters) -> String? {
        let pairs: [(String, String, String)] = [
            ("maxFeatures", "\(a.maxFeatures)", "\(b.maxFeatures)"),
            // an automatic min leaf depends on each part's rows: the rule must agree, not the number
            ("minSamplesLeaf", a.minSamplesLeafIsAutomatic && b.minSamplesLeafIsAutomatic ? "automatic" : "\(a.minSamplesLeaf)",
             a.minSamplesLeafIsAutomatic && b.minSamplesLeafIsAutomatic ? "automatic" : "\(b.minSamplesLeaf)"),
            ("maxDepth", "\(a.maxDepth)", "\(b.maxDepth)"),
            ("maxBins", "\(a.maxBins)", "\(b.maxBins)"),
            ("sampleFraction", "\(a.sampleFraction)", "\(b.sampleFraction)"),
            ("minImpurityDecrease", "\(a.minImpurityDecrease)", "\(b.minImpurityDecrease)"),
            ("leafSmoothing", "\(a.leafSmoothing)", "\(b.leafSmoothing)"),
            ("leafShrinkage", "\(a.leafShrinkage)", "\(b.leafShrinkage)"),
            ("bootstrap", "\(a.bootstrap)", "\(b.bootstrap)"),
        ]
        return pairs.first { $0.1 != $0.2 }.map { "\($0.0) \($0.1) vs \($0.2)" }
    }

    /// Per feature, the sorted union of the parts' edges; throws when one exceeds 254 edges.
    static func unionEdges(_ parts: [Part]) throws -> [[Float]] {
        let base = parts[0].model.binMapper.edges
        var union = base
        for part in parts.dropFirst() {
            let edges = part.model.binMapper.edges
            for j in union.indices where union[j] != edges[j] {
                let merged = sortedUnion(union[j], edges[j])
                if merged.count > 254 {
                    throw Failure.tooManyBinEdges(first: parts[0].name, other: part.name,
                                                  feature: parts[0].model.schema.names[j], edges: merged.count)
                }
                union[j] = merged
            }
        }
        return union
    }

    /// The strictly increasing union of two strictly increasing arrays.
    static func sortedUnion(_ a: [Float], _ b: [Float]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: Float
            if j == b.count || (i < a.count && a[i] < b[j]) {
                next = a[i]
                i += 1
            } else if i == a.count || b[j] < a[i] {
                next = b[j]
                j += 1
            } else {
                next = a[i]
                i += 1
                j += 1
            }
            out.append(next)
        }
        return out
    }

    /// `tree` with each split's bin renumbered in the merged edges (thresholds unchanged).
    static func renumbered(_ tree: DecisionTree, edges: [[Float]], part: String, treeIndex: Int) throws -> DecisionTree {
        var copy = tree
        for i in 0..<tree.nodeCount where tree.feature[i] >= 0 {
            let e = edges[Int(tree.feature[i])], t = tree.threshold[i]
            if t == .infinity {
                copy.thresholdBin[i] = UInt8(e.count)
                continue
            }
            var lo = 0, hi = e.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if e[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            guard lo < e.count, e[lo] == t else { throw Failure.thresholdNotAnEdge(part: part, tree: treeIndex, node: i) }
            copy.thresholdBin[i] = UInt8(lo)
        }
        return copy
    }

    /// Tree-count-weighted means of the parts' importances (permutation ones only when all have them).
    static func mergedImportances(_ parts: [Part], treeCount: Int) -> FeatureImportances {
        let p = parts[0].model.schema.count
        var impurity = [Double](repeating: 0, count: p)
        let allPermutation = parts.allSatisfy { $0.model.importances.permutation.count == p }
        var permutation = [Double](repeating: 0, count: allPermutation ? p : 0)
        var permutationRows = 0
        for part in parts {
            let weight = Double(part.model.trees.count) / Double(max(1, treeCount))
            let imp = part.model.importances
            for j in 0..<p where j < imp.impurity.count { impurity[j] += weight * imp.impurity[j] }
            if allPermutation {
                for j in 0..<p { permutation[j] += weight * imp.permutation[j] }
                permutationRows += imp.permutationRowCount
            }
        }
        return FeatureImportances(impurity: impurity, permutation: permutation, permutationRowCount: permutationRows)
    }

    /// XXH64 (seed 0) of the texts, each as a UInt64 UTF-8 byte count and the bytes.
    static func hashOfTexts(_ texts: [String]) -> UInt64 {
        var hasher = XXHash64()
        for text in texts {
            let bytes = Array(text.utf8)
            hasher.update(UInt64(bytes.count))
            hasher.update(contentsOf: bytes)
        }
        return hasher.value
    }

    static func hex16(_ v: UInt64) -> String {
        let hex = String(v, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
