/// The hyperparameters of a Random Forest for regression with the MSE criterion.
///
/// Each name is in Swift words; the doc comment names the same knob in scikit-learn, ranger and
/// LightGBM so a reader can carry settings across. Defaults: 100 trees, mtry = 1/3 of the features,
/// unlimited depth, bootstrap with replacement (all as TASK.md), a minimum leaf size chosen from the
/// training rows (`automaticMinSamplesLeaf(rowCount:)`, 39 rows at 18,000 rows, 129 at 633,000) and
/// leaf smoothing m = 10, chosen by grouped cross-validation for better probabilities
/// (docs/forest.md). `ForestParameters.scikitLearn()` restores TASK.md's min leaf 5 and plain means.
public struct ForestParameters: Sendable, Equatable, Codable {
    /// Number of trees (scikit-learn `n_estimators`, ranger `num.trees`, LightGBM `num_iterations`).
    public var treeCount: Int
    /// Features drawn at each node: a fraction of the features when in (0, 1], or an absolute count
    /// when > 1 (scikit-learn `max_features`, ranger `mtry`, LightGBM `feature_fraction_bynode`).
    /// Resolved by `resolvedMaxFeatures(featureCount:)`. As in scikit-learn, the search goes on past
    /// this many features while every feature drawn so far is constant in the node.
    public var maxFeatures: Double
    /// Minimum number of distinct training rows in a leaf (scikit-learn `min_samples_leaf`, ranger
    /// `min.bucket`, LightGBM `min_data_in_leaf`). Bootstrap duplicates count once, as in scikit-learn.
    /// 0 is automatic: `automaticMinSamplesLeaf(rowCount:)` of the training rows, resolved by the
    /// trainer (`resolved(rowCount:)`), so a saved model always holds the number used.
    public var minSamplesLeaf: Int
    /// Maximum depth of a tree, the root being depth 0; 0 means unlimited (scikit-learn `max_depth`
    /// = None, ranger `max.depth` = 0).
    public var maxDepth: Int
    /// Maximum number of value bins per feature, 2...255, plus one bin for missing values
    /// (LightGBM `max_bin`, XGBoost `max_bin`).
    public var maxBins: Int
    /// Rows drawn per tree as a fraction of the rows (scikit-learn `max_samples`, ranger
    /// `sample.fraction`): with replacement when `bootstrap`, else without (at most 1).
    public var sampleFraction: Double
    /// A node is split only when the weighted impurity decrease
    /// `W_t / W * (impurity_t - W_L / W_t * impurity_L - W_R / W_t * impurity_R)` is at least this
    /// (scikit-learn `min_impurity_decrease`; W = bootstrap weight of the root).
    public var minImpurityDecrease: Double
    /// Master seed: tree i is grown from the i-th value of a SplitMix64 stream started at this seed.
    public var seed: UInt64
    /// m-estimate smoothing of leaf values (Cestnik 1990; Provost & Domingos 2003 for probability
    /// estimation trees): a child of a node with mean μ gets (S + m·μ) / (W + m) instead of S / W
    /// (S, W: its bootstrap-weighted target sum and weight). 0 is the plain mean, as in scikit-learn;
    /// the splits do not depend on it. Saved in the model only when not 0 (a file without it is 0).
    /// Default 10, twice the default leaf size (scripts/bench/README.md compares it with 0 by
    /// cross-validation).
    public var leafSmoothing: Double
    /// Hierarchical shrinkage λ (Agarwal et al., ICML 2022): a child's value is its parent's value
    /// plus the change of mean shrunk by the parent's weight, v_child = v_parent + (μ̃_child − μ_parent)
    /// / (1 + λ / W_parent), μ̃ the child's (m-smoothed) mean and W the bootstrap weight; so a leaf
    /// is the root mean plus every split's increment on its path, each shrunk more where the node
    /// was small. 0 is off (the leaf is μ̃ itself). Like `leafSmoothing` it changes only values, not
    /// splits, and costs nothing at training or prediction time. Saved only when not 0.
    public var leafShrinkage: Double
    /// Draw each tree's rows with replacement (scikit-learn `bootstrap`, ranger `replace`), or
    /// `sampleFraction` of the distinct rows without (subsampling). Saved only when false.
    public var bootstrap: Bool
    /// Whether `minSamplesLeaf` was chosen by `automaticMinSamplesLeaf(rowCount:)` (set by
    /// `resolved(rowCount:)`): forests grown on different rows (shards) then share the rule, not the
    /// number, and still merge. Saved only when true.
    public var minSamplesLeafIsAutomatic = false

    public init(treeCount: Int = 100, maxFeatures: Double = 1.0 / 3.0, minSamplesLeaf: Int = 0,
                maxDepth: Int = 0, maxBins: Int = 255, sampleFraction: Double = 1.0,
                minImpurityDecrease: Double = 0, seed: UInt64 = 0, leafSmoothing: Double = 10, leafShrinkage: Double = 0,
                bootstrap: Bool = true) {
        self.treeCount = treeCount
        self.maxFeatures = maxFeatures
        self.minSamplesLeaf = minSamplesLeaf
        self.maxDepth = maxDepth
        self.maxBins = maxBins
        self.sampleFraction = sampleFraction
        self.minImpurityDecrease = minImpurityDecrease
        self.seed = seed
        self.leafSmoothing = leafSmoothing
        self.leafShrinkage = leafShrinkage
        self.bootstrap = bootstrap
    }

    private enum CodingKeys: String, CodingKey {
        case treeCount, maxFeatures, minSamplesLeaf, maxDepth, maxBins, sampleFraction, minImpurityDecrease, seed, leafSmoothing, leafShrinkage, bootstrap, minSamplesLeafIsAutomatic
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(treeCount: try c.decode(Int.self, forKey: .treeCount), maxFeatures: try c.decode(Double.self, forKey: .maxFeatures),
                  minSamplesLeaf: try c.decode(Int.self, forKey: .minSamplesLeaf), maxDepth: try c.decode(Int.self, forKey: .maxDepth),
                  maxBins: try c.decode(Int.self, forKey: .maxBins), sampleFraction: try c.decode(Double.self, forKey: .sampleFraction),
                  minImpurityDecrease: try c.decode(Double.self, forKey: .minImpurityDecrease),
                  seed: try c.decode(UInt64.self, forKey: .seed),
                  leafSmoothing: try c.decodeIfPresent(Double.self, forKey: .leafSmoothing) ?? 0,
                  leafShrinkage: try c.decodeIfPresent(Double.self, forKey: .leafShrinkage) ?? 0,
                  bootstrap: try c.decodeIfPresent(Bool.self, forKey: .bootstrap) ?? true)
        minSamplesLeafIsAutomatic = try c.decodeIfPresent(Bool.self, forKey: .minSamplesLeafIsAutomatic) ?? false
    }

    /// As the synthesized encoding, with `leafSmoothing` and `leafShrinkage` only when not 0 (so files of plain forests
    /// keep their bytes).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(treeCount, forKey: .treeCount)
        try c.encode(maxFeatures, forKey: .maxFeatures)
        try c.encode(minSamplesLeaf, forKey: .minSamplesLeaf)
        try c.encode(maxDepth, forKey: .maxDepth)
        try c.encode(maxBins, forKey: .maxBins)
        try c.encode(sampleFraction, forKey: .sampleFraction)
        try c.encode(minImpurityDecrease, forKey: .minImpurityDecrease)
        try c.encode(seed, forKey: .seed)
        if leafSmoothing != 0 { try c.encode(leafSmoothing, forKey: .leafSmoothing) }
        if leafShrinkage != 0 { try c.encode(leafShrinkage, forKey: .leafShrinkage) }
        if !bootstrap { try c.encode(bootstrap, forKey: .bootstrap) }
        if minSamplesLeafIsAutomatic { try c.encode(true, forKey: .minSamplesLeafIsAutomatic) }
    }

    /// The number of features drawn per node for `featureCount` features: `maxFeatures` itself when
    /// it is above 1, else `max(1, floor(maxFeatures * featureCount))` (scikit-learn's rule), never more
    /// than `featureCount`.
    public func resolvedMaxFeatures(featureCount: Int) -> Int {
        // the 1e-9 keeps 1/3 of 30 features at 10 whatever the rounding of 1/3
        let raw = maxFeatures > 1 ? Int(maxFeatures.rounded(.down)) : Int((maxFeatures * Double(featureCount) + 1e-9).rounded(.down))
        return min(max(1, raw), max(1, featureCount))
    }

    /// `problem()`, and a `maxFeatures` count above `featureCount` (a fraction always fits).
    public func problem(featureCount: Int) -> String? {
        if let problem = problem() { return problem }
        if maxFeatures > 1, maxFeatures > Double(featureCount) {
            return "maxFeatures \(Int(maxFeatures)) is more than the \(featureCount) features of the matrix"
        }
        return nil
    }

    /// Nil when the parameters are usable, else the first problem in words.
    public func problem() -> String? {
        if treeCount < 1 { return "treeCount must be at least 1 (got \(treeCount))" }
        if !(maxFeatures > 0) || !maxFeatures.isFinite { return "maxFeatures must be above 0 (got \(maxFeatures))" }
        if maxFeatures > 1, maxFeatures != maxFeatures.rounded(.down) {
            return "maxFeatures above 1 is a number of features and must be whole (got \(maxFeatures))"
        }
        if minSamplesLeaf < 0 { return "minSamplesLeaf must be 0 (automatic) or more (got \(minSamplesLeaf))" }
        if maxDepth < 0 { return "maxDepth must be 0 (unlimited) or more (got \(maxDepth))" }
        if !(2...255).contains(maxBins) { return "maxBins must be in 2...255 (got \(maxBins))" }
        if !(sampleFraction > 0 && sampleFraction <= 10) { return "sampleFraction must be in (0, 10] (got \(sampleFraction))" }
        if !bootstrap && sampleFraction > 1 { return "sampleFraction must be at most 1 without bootstrap (got \(sampleFraction))" }
        if !(minImpurityDecrease >= 0) { return "minImpurityDecrease must be 0 or more (got \(minImpurityDecrease))" }
        if !(leafSmoothing >= 0 && leafSmoothing.isFinite) { return "leafSmoothing must be 0 or more (got \(leafSmoothing))" }
        if !(leafShrinkage >= 0 && leafShrinkage.isFinite) { return "leafShrinkage must be 0 or more (got \(leafShrinkage))" }
        return nil
    }
}
