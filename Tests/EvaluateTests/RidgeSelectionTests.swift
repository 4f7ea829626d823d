import Evaluate
import Tabular
import Testing

/// The λ selection as it was before the block Grams: one `fit` per (inner fold, λ) on the rows,
/// kept here as the naive twin of `fitSelectingLambda`.
private func referenceSelection(features: FeatureMatrix, target: [Float], groups: [Int32],
                                lambdas: [Double], folds: Int) throws -> RidgeRegression {
    let kfold = GroupedKFold(groups: groups, folds: folds)
    var squaredError = [Double](repeating: 0, count: lambdas.count)
    for fold in 0..<folds {
        let (trainRows, testRows) = kfold.split(fold)
        let trainFeatures = features.selectingRows(trainRows)
        let testFeatures = features.selectingRows(testRows)
        for (i, lambda) in lambdas.enumerated() {
            let model = try RidgeRegression.fit(features: trainFeatures, target: trainRows.map { target[$0] }, lambda: lambda)
            for (k, r) in testRows.enumerated() {
                let e = model.predict(testFeatures)[k] - Double(target[r])
                squaredError[i] += e * e
            }
        }
    }
    let best = squaredError.indices.min { squaredError[$0] < squaredError[$1] }!
    return try RidgeRegression.fit(features: features, target: target, lambda: lambdas[best])
}

/// 300 rows, 4 features on different scales and offsets (one with 10 % missing, one constant),
/// a noisy 0/1 target, 60 groups.
private func sample(seed: UInt64) -> (FeatureMatrix, [Float], [Int32]) {
    var rng = SplitMix64(seed: seed)
    let n = 300
    var columns = [[Float]](repeating: [], count: 4)
    var target: [Float] = [], groups: [Int32] = []
    for r in 0..<n {
        let a = Float.random(in: 0...1, using: &rng), b = Float.random(in: 0...30, using: &rng) + 1000
        let c: Float = Double.random(in: 0...1, using: &rng) < 0.1 ? .nan : Float.random(in: -5...5, using: &rng)
        columns[0].append(a); columns[1].append(b); columns[2].append(c); columns[3].append(7)
        let score = 0.8 * a + 0.01 * (b - 1000) + (c.isNaN ? 0 : 0.05 * c)
        target.append(Double.random(in: 0...1.6, using: &rng) < Double(score) ? 1 : 0)
        groups.append(Int32(r % 60))
    }
    return (FeatureMatrix(schema: FeatureSchema(names: ["a", "b", "c", "k"]), columns: columns), target, groups)
}

@Test(arguments: [UInt64(1), 2, 3])
func blockGramSelectionMatchesRowByRowFits(seed: UInt64) throws {
    let (features, target, groups) = sample(seed: seed)
    for lambdas in [RidgeRegression.defaultLambdas, [0.5], [30, 60, 120]] {
        let fast = try RidgeRegression.fitSelectingLambda(features: features, target: target, groups: groups, lambdas: lambdas)
        let slow = try referenceSelection(features: features, target: target, groups: groups, lambdas: lambdas, folds: 3)
        #expect(fast.lambda == slow.lambda)
        let interceptGap: Double = abs(fast.intercept - slow.intercept)
        #expect(interceptGap <= 1e-12)
        for j in 0..<4 {
            let meanGap: Double = abs(fast.means[j] - slow.means[j]) / max(1, abs(slow.means[j]))
            let scaleGap: Double = abs(fast.scales[j] - slow.scales[j]) / slow.scales[j]
            let coefficientGap: Double = abs(fast.coefficients[j] - slow.coefficients[j]) / max(1e-3, abs(slow.coefficients[j]))
            #expect(meanGap <= 1e-9)
            #expect(scaleGap <= 1e-9)
            #expect(coefficientGap <= 1e-9)
        }
        let a = fast.predict(features), b = slow.predict(features)
        let predictionGap: Double = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(predictionGap <= 1e-10)
    }
}

@Test(arguments: [UInt64(4), 5])
func fittingRowsInPlaceEqualsFittingTheirCopy(seed: UInt64) throws {
    let (features, target, groups) = sample(seed: seed)
    // every third row out, and one more labelled row marked unlabelled
    var rows = Array(0..<features.rowCount).filter { $0 % 3 != 0 }
    rows.removeLast(5)
    var subsetTarget = rows.map { target[$0] }
    subsetTarget[7] = .nan
    let subsetGroups = rows.map { groups[$0] }
    let copied = try RidgeRegression.fitSelectingLambda(features: features.selectingRows(rows), target: subsetTarget, groups: subsetGroups)
    let inPlace = try RidgeRegression.fitSelectingLambda(features: features, rows: rows, target: subsetTarget, groups: subsetGroups)
    #expect(inPlace == copied)
    let held = Array(0..<features.rowCount).filter { $0 % 3 == 0 }
    #expect(inPlace.predict(features, rows: held) == copied.predict(features.selectingRows(held)))
}
