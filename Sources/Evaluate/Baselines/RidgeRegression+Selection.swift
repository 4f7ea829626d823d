import Tabular

extension RidgeRegression {
    /// The default λ grid (on standardised features, so λ is comparable to the row count).
    public static let defaultLambdas: [Double] = [0.01, 0.1, 1, 10, 100, 1000, 10000]

    /// Chooses λ by inner grouped k-fold cross-validation (lowest mean squared error over the
    /// held-out rows), then refits on all rows with it. Cost: (folds + 1) × λs ridge fits, each
    /// O(n·p² + p³).
    public static func fitSelectingLambda(features: FeatureMatrix, target: [Float], groups: [Int32],
                                          lambdas: [Double] = defaultLambdas, folds: Int = 3) throws -> RidgeRegression {
        precondition(!lambdas.isEmpty, "fitSelectingLambda: no λ to try")
        let kfold = GroupedKFold(groups: groups, folds: folds)
        var squaredError = [Double](repeating: 0, count: lambdas.count)
        for fold in 0..<folds {
            let (trainRows, testRows) = kfold.split(fold)
            guard !trainRows.isEmpty, !testRows.isEmpty else { continue }
            let trainFeatures = features.selectingRows(trainRows)
            let trainTarget = trainRows.map { target[$0] }
            let testFeatures = features.selectingRows(testRows)
            for (i, lambda) in lambdas.enumerated() {
                let model = try fit(features: trainFeatures, target: trainTarget, lambda: lambda)
                let predicted = model.predict(testFeatures)
                for (k, r) in testRows.enumerated() {
                    let e = predicted[k] - Double(target[r])
                    squaredError[i] += e * e
                }
            }
        }
        let best = squaredError.indices.min { squaredError[$0] < squaredError[$1] } ?? 0
        return try fit(features: features, target: target, lambda: lambdas[best])
    }
}
