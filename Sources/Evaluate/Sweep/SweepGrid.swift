import Forest
import Tabular

/// A hyperparameter grid for the forest, parsed from `"trees=50,100 max-features=0.2,0.33"`:
/// space-separated `name=v1,v2,…` terms, names as the command-line options. Its configurations are
/// the Cartesian product in the order the terms are written (the last term varies fastest), or a
/// seeded random subset of them.
public struct SweepGrid: Sendable, Equatable {
    public struct Axis: Sendable, Equatable {
        public let name: String
        public let values: [Double]
    }

    public static let knownNames = ["trees", "max-features", "min-samples-leaf", "max-depth", "max-bins",
                                    "sample-fraction", "min-impurity-decrease", "leaf-smoothing", "leaf-shrinkage", "bootstrap"]

    public let axes: [Axis]

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(parsing text: String) throws {
        var axes: [Axis] = []
        for term in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            let parts = term.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ParseError(description: "grid term '\(term)' is not name=v1,v2,...") }
            let name = String(parts[0])
            guard SweepGrid.knownNames.contains(name) else {
                throw ParseError(description: "unknown grid name '\(name)'; known: \(SweepGrid.knownNames.joined(separator: ", "))")
            }
            guard !axes.contains(where: { $0.name == name }) else { throw ParseError(description: "grid name '\(name)' appears twice") }
            var values: [Double] = []
            for v in parts[1].split(separator: ",") {
                guard let x = Double(v), x.isFinite else { throw ParseError(description: "grid value '\(v)' of \(name) is not a number") }
                values.append(x)
            }
            guard !values.isEmpty else { throw ParseError(description: "grid name '\(name)' has no values") }
            axes.append(Axis(name: name, values: values))
        }
        guard !axes.isEmpty else { throw ParseError(description: "the grid is empty") }
        self.axes = axes
    }

    /// Number of configurations in the full grid.
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Every configuration as (name → value), in grid order.
    public func configurations() -> [[String: Double]] {
        var out: [[String: Double]] = [[:]]
        for axis in axes {
            out = out.flatMap { partial in axis.values.map { v in partial.merging([axis.name: v]) { $1 } } }
        }
        return out
    }

    /// `count` configurations drawn without replacement (a seeded shuffle), in grid order.
    public func randomConfigurations(_ count: Int, seed: UInt64) -> [[String: Double]] {
        let all = configurations()
        var generator = SplitMix64(seed: seed)
        var indices = Array(all.indices)
        indices.shuffle(using: &generator)
        return indices.prefix(count).sorted().map { all[$0] }
    }

    /// The parameters of one configuration on top of `base`.
    public static func parameters(_ configuration: [String: Double], base: ForestParameters) -> ForestParameters {
        var p = base
        for (name, v) in configuration {
            switch name {
            case "trees": p.treeCount = Int(v)
            case "max-features": p.maxFeatures = v
            case "min-samples-leaf": p.minSamplesLeaf = Int(v)
            case "max-depth": p.maxDepth = Int(v)
            case "max-bins": p.maxBins = Int(v)
            case "sample-fraction": p.sampleFraction = v
            case "min-impurity-decrease": p.minImpurityDecrease = v
            case "leaf-smoothing": p.leafSmoothing = v
            case "leaf-shrinkage": p.leafShrinkage = v
            case "bootstrap": p.bootstrap = v != 0
            default: break
            }
        }
        return p
    }

    /// A stable key for a configuration: `name=value` terms in grid order.
    public func key(_ configuration: [String: Double]) -> String {
        axes.map { "\($0.name)=\(SweepGrid.text(configuration[$0.name] ?? .nan))" }.joined(separator: " ")
    }

    /// The configuration a `key(_:)` describes.
    public static func configuration(fromKey key: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for term in key.split(separator: " ") {
            let parts = term.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let v = Double(parts[1]) { out[String(parts[0])] = v }
        }
        return out
    }

    static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
