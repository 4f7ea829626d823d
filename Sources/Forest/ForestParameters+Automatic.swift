import Foundation

/// Row-dependent defaults and the scikit-learn preset.
extension ForestParameters {
    /// The minimum leaf size used when `minSamplesLeaf` is 0 (automatic), for n training rows:
    /// max(5, round(1.5 · ∛n)). 18,000 rows (600 generated users, one of 5 folds) give 39, 96,000
    /// (3,000 users) 69, 633,000 (20,000 users) 129, 8.26M (full scale) 303. A leaf's value is a
    /// probability estimated from its rows, whose noise falls as 1/√(rows), while a larger leaf
    /// averages over more different users; grouped cross-validation on generated data at 600, 3,000
    /// and 20,000 users (docs/forest.md) put the best pair AUC and log loss at a leaf size that grows
    /// with the rows, and the demand R² falling past it. O(1).
    public static func automaticMinSamplesLeaf(rowCount: Int) -> Int {
        max(5, Int((1.5 * cbrt(Double(max(rowCount, 0)))).rounded()))
    }

    /// These parameters with an automatic `minSamplesLeaf` replaced by its value for `rowCount`
    /// training rows (unchanged otherwise); what the trainer grows and saves.
    public func resolved(rowCount: Int) -> ForestParameters {
        guard minSamplesLeaf == 0 else { return self }
        var p = self
        p.minSamplesLeaf = ForestParameters.automaticMinSamplesLeaf(rowCount: rowCount)
        p.minSamplesLeafIsAutomatic = true
        return p
    }

    /// TASK.md's defaults, which were scikit-learn's `RandomForestRegressor`'s of its comparison runs:
    /// mtry 1/3, min leaf 5, bootstrap with replacement of n rows, unlimited depth, plain leaf means
    /// (no smoothing, no shrinkage), for side-by-side runs with scikit-learn.
    public static func scikitLearn(treeCount: Int = 100, seed: UInt64 = 0) -> ForestParameters {
        ForestParameters(treeCount: treeCount, maxFeatures: 1.0 / 3.0, minSamplesLeaf: 5, maxDepth: 0, maxBins: 255,
                         sampleFraction: 1, minImpurityDecrease: 0, seed: seed, leafSmoothing: 0, leafShrinkage: 0, bootstrap: true)
    }
}
