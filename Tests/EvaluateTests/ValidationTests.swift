import Evaluate
import Tabular
import Testing
import TestSupport

@Test func groupedFoldsNeverSplitAGroup() {
    let groups: [Int32] = [1, 1, 2, 3, 5, 6, 10, 11]
    let kfold = GroupedKFold(groups: groups, folds: 5)
    #expect(kfold.foldOfRow == [1, 1, 2, 3, 0, 1, 0, 1])
    for fold in 0..<5 {
        let (train, test) = kfold.split(fold)
        #expect(Set(train.map { groups[$0] }).isDisjoint(with: test.map { groups[$0] }))
        #expect(train.count + test.count == groups.count)
    }
}

@Test func outOfFoldPredictionsComeFromModelsThatNeverSawTheRow() {
    // The "model" predicts the mean target of its training rows; each row's group has a distinct
    // target, so a leak would show up as the row's own value being included.
    let groups: [Int32] = [0, 1, 2, 3, 0, 1]
    let target: [Float] = [10, 20, 30, 40, 10, 20]
    let features = FeatureMatrix(schema: FeatureSchema(names: ["x"]), columns: [[0, 1, 2, 3, 4, 5]])
    var seenFolds: [Int] = []
    let oof = GroupedKFold(groups: groups, folds: 2).outOfFoldPredictions(features: features, target: target) { fold, _, y in
        seenFolds.append(fold)
        let mean = y.reduce(0, +) / Float(y.count)
        return { m in [Double](repeating: Double(mean), count: m.rowCount) }
    }
    #expect(seenFolds == [0, 1])
    // fold 0 = groups 0, 2 (targets 10, 30, 10) → trained on 20, 40, 20 → mean 80/3
    #expect(isClose(oof[0], 80.0 / 3, tolerance: 1e-5))
    #expect(isClose(oof[1], 50.0 / 3, tolerance: 1e-5))
}

@Test func demandSumsProbabilitiesAndLabelsPerItem() {
    let d = DemandAggregation(items: [7, 3, 7, 7], probabilities: [0.5, 0.2, 0.25, 1], labels: [1, 0, 0, 1])
    #expect(d.items == [3, 7])
    #expect(d.predicted == [0.2, 1.75])
    #expect(d.observed == [0, 2])
    #expect(isClose(d.variance[1], 0.25 + 0.1875 + 0))
    #expect(d.rows == [1, 3])
    #expect(isClose(d.meanAbsoluteError, (0.2 + 0.25) / 2))
}

@Test func demandOfTheLargestItemIdsIsSummedWithoutATableOfThatSize() {
    let p = [0.5, 0.2, 0.25, 1, 0.125], y = [1.0, 0, 0, 1, 1]
    let small = DemandAggregation(items: [7, 3, 7, 7, 9], probabilities: p, labels: y)
    let large = DemandAggregation(items: [Int32.max, 3, Int32.max, Int32.max, 9], probabilities: p, labels: y)
    #expect(large.items == [3, 9, Int32.max])
    #expect(large.predicted == [small.predicted[0], small.predicted[2], small.predicted[1]])
    #expect(large.observed == [small.observed[0], small.observed[2], small.observed[1]])
    #expect(large.variance == [small.variance[0], small.variance[2], small.variance[1]])
    #expect(large.rows == [1, 1, 3])
}
