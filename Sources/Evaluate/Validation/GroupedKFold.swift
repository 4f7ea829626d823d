import Tabular

/// k-fold cross-validation grouped by an integer key (a user id, say): row r is in fold
/// `group[r] mod k`, so no group is ever on both sides of a split. Cost O(n) per split.
public struct GroupedKFold: Sendable {
    public let folds: Int
    /// The fold of each row.
    public let foldOfRow: [Int]

    public init(groups: [Int32], folds: Int) {
        precondition(folds >= 2, "GroupedKFold: at least 2 folds")
        self.folds = folds
        self.foldOfRow = groups.map { Int(($0 % Int32(folds) + Int32(folds)) % Int32(folds)) }
    }

    /// Training rows (every other fold) and held-out rows of fold f, ascending.
    public func split(_ fold: Int) -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        for (r, f) in foldOfRow.enumerated() {
            if f == fold { test.append(r) } else { train.append(r) }
        }
        return (train, test)
    }

    /// Out-of-fold predictions: for each fold f, `fit` is called on the other folds' rows and its
    /// predictor applied to fold f's rows; every row gets exactly one prediction, from a model that
    /// never saw its group. A fold with no rows is skipped. Cost: k fits.
    ///
    /// - Parameter fit: trains on (features, target) and returns a function predicting a matrix.
    public func outOfFoldPredictions(
        features: FeatureMatrix, target: [Float],
        fit: (_ fold: Int, FeatureMatrix, [Float]) throws -> (FeatureMatrix) -> [Double]
    ) rethrows -> [Double] {
        precondition(target.count == features.rowCount && foldOfRow.count == features.rowCount,
                     "outOfFoldPredictions: one target and one group per row")
        return try outOfFoldPredictions { fold, trainRows, testRows in
            let predict = try fit(fold, features.selectingRows(trainRows), trainRows.map { target[$0] })
            return predict(features.selectingRows(testRows))
        }
    }

    /// The same, by row indices: `fit` gets a fold's training and held-out rows (ascending) and
    /// returns one prediction per held-out row, so a model that reads the matrix in place needs no
    /// copy of either side. Cost: k fits.
    public func outOfFoldPredictions(
        fit: (_ fold: Int, _ train: [Int], _ test: [Int]) throws -> [Double]
    ) rethrows -> [Double] {
        var predictions = [Double](repeating: .nan, count: foldOfRow.count)
        for fold in 0..<folds {
            let (trainRows, testRows) = split(fold)
            guard !testRows.isEmpty, !trainRows.isEmpty else { continue }
            let held = try fit(fold, trainRows, testRows)
            for (i, r) in testRows.enumerated() { predictions[r] = held[i] }
        }
        return predictions
    }
}
