import Tabular

extension RidgeRegression {
    /// The default λ grid (on standardised features, so λ is comparable to the row count).
    public static let defaultLambdas: [Double] = [0.01, 0.1, 1, 10, 100, 1000, 10000]

    /// Chooses λ by inner grouped k-fold cross-validation (lowest mean squared error over the
    /// held-out rows), then refits on all rows with it. The normal equations come from one pass over
    /// the rows (`RidgeBlockGrams`: per inner fold the Gram of its rows; a training set's Gram is the
    /// sum of the other folds'), then each (fold, λ) is a p×p Cholesky solve, and its held-out squared
    /// error comes from the held-out fold's Gram (`heldOutSquaredErrorOffset`). Cost O(n·q² +
    /// folds·λs·(p³ + q²)): one pass over the rows, instead of (folds + 1)·λs passes of O(n·p²) (and,
    /// before issue 16's item 5, λs·n·p for the held-out predictions). Same models as fitting each
    /// training set with `fit` (up to rounding).
    ///
    /// `rows`: fit on these rows of `features` only (nil: all), read in place; `target` and `groups`
    /// then hold one value per entry of `rows`.
    public static func fitSelectingLambda(features: FeatureMatrix, rows: [Int]? = nil, target: [Float], groups: [Int32],
                                          lambdas: [Double] = defaultLambdas, folds: Int = 3) throws -> RidgeRegression {
        precondition(!lambdas.isEmpty, "fitSelectingLambda: no λ to try")
        precondition(target.count == (rows?.count ?? features.rowCount) && groups.count == target.count,
                     "fitSelectingLambda: one target and one group per row")
        let kfold = GroupedKFold(groups: groups, folds: folds)
        let grams = RidgeBlockGrams(features: features, rows: rows, target: target, blockOfRow: kfold.foldOfRow, blocks: folds)
        var squaredError = [Double](repeating: 0, count: lambdas.count)
        for fold in 0..<folds {
            let (trainRows, testRows) = kfold.split(fold)
            guard trainRows.contains(where: { !target[$0].isNaN }), !testRows.isEmpty else { continue }
            let models = try grams.fit(blocks: (0..<folds).filter { $0 != fold }, lambdas: lambdas)
            for (i, model) in models.enumerated() {
                squaredError[i] += grams.heldOutSquaredErrorOffset(block: fold, model: model)
            }
        }
        let best = squaredError.indices.min { squaredError[$0] < squaredError[$1] } ?? 0
        return try grams.fit(blocks: Array(0..<folds), lambdas: [lambdas[best]])[0]
    }
}
