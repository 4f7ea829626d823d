import ArgumentParser
import Forest

/// The forest hyperparameters as command-line options, shared by `train` and later by `evaluate` and
/// `sweep` (`@OptionGroup var forest: ForestOptions`).
struct ForestOptions: ParsableArguments {
    /// The starting point that the options below override.
    enum Preset: String, ExpressibleByArgument, CaseIterable {
        /// `ForestParameters()`: Restock's defaults, chosen by grouped cross-validation (docs/forest.md).
        case restock
        /// `ForestParameters.scikitLearn`: TASK.md's min leaf 5, mtry 1/3, bootstrap, plain leaf means.
        case scikitLearn = "scikit-learn"

        var parameters: ForestParameters {
            switch self {
            case .restock: ForestParameters()
            case .scikitLearn: ForestParameters.scikitLearn()
            }
        }
    }

    @Option(parsing: .unconditional, help: "Defaults to start from: restock (chosen by cross-validation, docs/forest.md) or scikit-learn (the original task's, which were scikit-learn's: min leaf 5, mtry 1/3, bootstrap, no leaf smoothing); the options below override it.")
    var preset: Preset = .restock

    @Option(parsing: .unconditional, help: "Number of trees (n_estimators, num.trees). Default 100.")
    var trees: Int?

    @Option(parsing: .unconditional, help: "Features drawn per node: a fraction of the features if ≤ 1, else a count (max_features, mtry). Default: the preset's.")
    var maxFeatures: Double?

    @Option(parsing: .unconditional, help: "Minimum distinct training rows per leaf (min_samples_leaf, min.bucket); 0 = automatic, from the training rows (docs/forest.md). Default: the preset's.")
    var minSamplesLeaf: Int?

    @Option(parsing: .unconditional, help: "Maximum tree depth; 0 = unlimited (max_depth). Default 0.")
    var maxDepth: Int?

    @Option(parsing: .unconditional, help: "Maximum value bins per feature, 2...255, plus one for missing values (max_bin). Default 255.")
    var maxBins: Int?

    @Option(parsing: .unconditional, help: "Rows drawn per tree as a fraction of the rows (max_samples, sample.fraction); at most 1 with --no-bootstrap. Default: the preset's.")
    var sampleFraction: Double?

    @Flag(inversion: .prefixedNo, help: "Draw each tree's rows with replacement (bootstrap), or without (--no-bootstrap: subsampling). Default: the preset's.")
    var bootstrap: Bool?

    @Option(parsing: .unconditional, help: "Minimum weighted impurity decrease of a split (min_impurity_decrease). Default 0.")
    var minImpurityDecrease: Double?

    @Option(parsing: .unconditional, help: "Master random seed. Default 0.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Leaf smoothing m: a leaf holds (S + m·parent mean) / (W + m), S and W its rows' target sum and weight; 0 = the plain mean (scikit-learn's forest). Default: the preset's.")
    var leafSmoothing: Double?

    @Option(parsing: .unconditional, help: "Hierarchical shrinkage λ: a child's value is its parent's value plus the change of mean divided by 1 + λ/W_parent (W: the parent's bootstrap weight); 0 = off. Default: the preset's.")
    var leafShrinkage: Double?

    /// The preset's parameters with every option given on the command line in place.
    var parameters: ForestParameters {
        var p = preset.parameters
        p.seed = seed
        if let trees { p.treeCount = trees }
        if let maxFeatures { p.maxFeatures = maxFeatures }
        if let minSamplesLeaf { p.minSamplesLeaf = minSamplesLeaf }
        if let maxDepth { p.maxDepth = maxDepth }
        if let maxBins { p.maxBins = maxBins }
        if let sampleFraction { p.sampleFraction = sampleFraction }
        if let bootstrap { p.bootstrap = bootstrap }
        if let minImpurityDecrease { p.minImpurityDecrease = minImpurityDecrease }
        if let leafSmoothing { p.leafSmoothing = leafSmoothing }
        if let leafShrinkage { p.leafShrinkage = leafShrinkage }
        return p
    }

    /// The parameters by their Swift names, as text (the lineage model facet's `parameters`).
    var parameterStrings: [String: String] {
        Dictionary(uniqueKeysWithValues: Mirror(reflecting: parameters).children.compactMap { child in
            child.label.map { ($0, "\(child.value)") }
        })
    }

    /// Throws a usage error when `--max-features` is a count above the `featureCount` features of
    /// the matrix read (a fraction always fits). Called once the matrix is known.
    func check(featureCount: Int) throws {
        let maxFeatures = parameters.maxFeatures
        if maxFeatures > 1, maxFeatures > Double(featureCount) {
            throw UsageError("--max-features \(OptionCheck.text(maxFeatures)) is more than the \(featureCount) features of the matrix")
        }
    }

    /// Every range `ForestParameters.problem()` checks, in option names; `--max-features` against
    /// the feature count is checked by the forest once the matrix is read.
    func validate() throws {
        let p = parameters
        try OptionCheck.atLeast(1, p.treeCount, "--trees")
        try OptionCheck.maxFeatures(p.maxFeatures)
        try OptionCheck.atLeast(0, p.minSamplesLeaf, "--min-samples-leaf")
        try OptionCheck.atLeast(0, p.maxDepth, "--max-depth")
        try OptionCheck.within(2...255, p.maxBins, "--max-bins")
        try OptionCheck.above(0, p.sampleFraction, "--sample-fraction")
        try OptionCheck.within(0...(p.bootstrap ? 10 : 1), p.sampleFraction, "--sample-fraction")
        try OptionCheck.finiteAtLeast(0, p.minImpurityDecrease, "--min-impurity-decrease")
        try OptionCheck.finiteAtLeast(0, p.leafSmoothing, "--leaf-smoothing")
        try OptionCheck.finiteAtLeast(0, p.leafShrinkage, "--leaf-shrinkage")
        if let problem = p.problem() { throw ValidationError(problem) }
    }
}
