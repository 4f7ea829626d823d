import ArgumentParser
import Forest

/// The forest hyperparameters as command-line options, shared by `train` and later by `evaluate` and
/// `sweep` (`@OptionGroup var forest: ForestOptions`).
struct ForestOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Number of trees (n_estimators, num.trees).")
    var trees = 100

    @Option(parsing: .unconditional, help: "Features drawn per node: a fraction of the features if ≤ 1, else a count (max_features, mtry).")
    var maxFeatures = 1.0 / 3.0

    @Option(parsing: .unconditional, help: "Minimum distinct training rows per leaf (min_samples_leaf, min.bucket).")
    var minSamplesLeaf = 5

    @Option(parsing: .unconditional, help: "Maximum tree depth; 0 = unlimited (max_depth).")
    var maxDepth = 0

    @Option(parsing: .unconditional, help: "Maximum value bins per feature, 2...255, plus one for missing values (max_bin).")
    var maxBins = 255

    @Option(parsing: .unconditional, help: "Bootstrap draws with replacement as a fraction of the rows (max_samples, sample.fraction).")
    var sampleFraction = 1.0

    @Option(parsing: .unconditional, help: "Minimum weighted impurity decrease of a split (min_impurity_decrease).")
    var minImpurityDecrease = 0.0

    @Option(parsing: .unconditional, help: "Master random seed.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Leaf smoothing m: a leaf holds (S + m·parent mean) / (W + m), S and W its rows' target sum and weight; 0 = the plain mean (scikit-learn's forest).")
    var leafSmoothing = 10.0

    @Option(parsing: .unconditional, help: "Hierarchical shrinkage λ: a child's value is its parent's value plus the change of mean divided by 1 + λ/W_parent (W: the parent's bootstrap weight); 0 = off.")
    var leafShrinkage = 0.0

    var parameters: ForestParameters {
        ForestParameters(treeCount: trees, maxFeatures: maxFeatures, minSamplesLeaf: minSamplesLeaf, maxDepth: maxDepth,
                         maxBins: maxBins, sampleFraction: sampleFraction, minImpurityDecrease: minImpurityDecrease, seed: seed, leafSmoothing: leafSmoothing,
                         leafShrinkage: leafShrinkage)
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
        if maxFeatures > 1, maxFeatures > Double(featureCount) {
            throw UsageError("--max-features \(OptionCheck.text(maxFeatures)) is more than the \(featureCount) features of the matrix")
        }
    }

    /// Every range `ForestParameters.problem()` checks, in option names; `--max-features` against
    /// the feature count is checked by the forest once the matrix is read.
    func validate() throws {
        try OptionCheck.atLeast(1, trees, "--trees")
        try OptionCheck.maxFeatures(maxFeatures)
        try OptionCheck.atLeast(1, minSamplesLeaf, "--min-samples-leaf")
        try OptionCheck.atLeast(0, maxDepth, "--max-depth")
        try OptionCheck.within(2...255, maxBins, "--max-bins")
        try OptionCheck.above(0, sampleFraction, "--sample-fraction")
        try OptionCheck.within(0...10, sampleFraction, "--sample-fraction")
        try OptionCheck.finiteAtLeast(0, minImpurityDecrease, "--min-impurity-decrease")
        try OptionCheck.finiteAtLeast(0, leafSmoothing, "--leaf-smoothing")
        try OptionCheck.finiteAtLeast(0, leafShrinkage, "--leaf-shrinkage")
        if let problem = parameters.problem() { throw ValidationError(problem) }
    }
}
