import Evaluate
import Tabular
import TestSupport
import Testing

@Test func rSquaredMatchesAHandComputedValue() {
    // y = [1,2,3,4], ŷ = [1,2,2,5]: SSres = 0+0+1+1 = 2, SStot = 5 → R² = 0.6
    #expect(isClose(Metrics.rSquared([1, 2, 3, 4], [1, 2, 2, 5]), 0.6))
}

@Test func rSquaredOfAConstantTargetFollowsScikitLearn() {
    #expect(Metrics.rSquared([2, 2, 2], [2, 2, 2]) == 1)
    #expect(Metrics.rSquared([2, 2, 2], [1, 2, 3]) == 0)
    #expect(Metrics.rSquared([], []).isNaN)
}

@Test func errorsMatchHandComputedValues() {
    #expect(isClose(Metrics.meanAbsoluteError([1, 2, 3], [2, 2, 5]), 1))
    #expect(isClose(Metrics.rootMeanSquaredError([1, 2, 3], [2, 2, 5]), (5.0 / 3).squareRoot()))
}

@Test func aucCountsTiesAsOneHalf() {
    // positives score 0.8, 0.4; negatives 0.4, 0.1. Pairs: (0.8>0.4) 1, (0.8>0.1) 1, (0.4=0.4) ½, (0.4>0.1) 1 → 3.5/4
    #expect(isClose(Metrics.areaUnderROC(labels: [1, 1, 0, 0], scores: [0.8, 0.4, 0.4, 0.1]), 0.875))
    #expect(Metrics.areaUnderROC(labels: [1, 0], scores: [0.1, 0.9]) == 0)
    #expect(Metrics.areaUnderROC(labels: [1, 1], scores: [0.1, 0.9]).isNaN)
}

@Test func logLossClipsConfidentMistakes() {
    // −(ln 0.8 + ln 0.6)/2
    let expected = -(0.8.logValue + 0.6.logValue) / 2
    #expect(isClose(Metrics.logLoss(labels: [1, 0], probabilities: [0.8, 0.4]), expected, tolerance: 1e-12))
    let clipped = Metrics.logLoss(labels: [1], probabilities: [0])
    #expect(clipped.isFinite && clipped > 34 && clipped < 35)
}

@Test func f1OfSets() {
    #expect(Metrics.f1Score(predicted: Set([1, 2]), actual: Set([2, 3])) == 0.5)
    #expect(Metrics.f1Score(predicted: Set<Int>(), actual: Set<Int>()) == 1)
    #expect(Metrics.f1Score(predicted: Set([1]), actual: Set<Int>()) == 0)
}

extension Double {
    var logValue: Double {
        // ln via the series-free identity ln x = 2 atanh((x−1)/(x+1)), enough for a test oracle.
        let t = (self - 1) / (self + 1)
        var sum = 0.0, power = t
        for k in stride(from: 1, to: 200, by: 2) { sum += power / Double(k); power *= t * t }
        return 2 * sum
    }
}

/// Rows in group order skip the sort; shuffled rows take it: both give the same mean F1s, and the
/// AUC of shuffled rows is that of the sorted ones (it depends on the pairs, not on their order).
@Test func basketF1AndAUCDoNotDependOnTheRowOrder() {
    var rng = SplitMix64(seed: 23)
    var p: [Double] = [], y: [Double] = [], groups: [Int32] = []
    for group in 0..<200 {
        for _ in 0..<Int.random(in: 1...15, using: &rng) {
            let probability = (Double.random(in: 0...1, using: &rng) * 20).rounded() / 20   // ties on purpose
            p.append(probability); y.append(Double.random(in: 0..<1, using: &rng) < probability ? 1 : 0); groups.append(Int32(group))
        }
    }
    let shuffled = p.indices.shuffled(using: &rng)
    let inOrder = BasketF1.mean(probabilities: p, labels: y, groups: groups, threshold: 0.2)
    let mixed = BasketF1.mean(probabilities: shuffled.map { p[$0] }, labels: shuffled.map { y[$0] },
                              groups: shuffled.map { groups[$0] }, threshold: 0.2)
    #expect(abs(inOrder.threshold - mixed.threshold) < 1e-12 && abs(inOrder.expected - mixed.expected) < 1e-12)
    let auc = Metrics.areaUnderROC(labels: y, scores: p)
    #expect(auc == Metrics.areaUnderROC(labels: shuffled.map { y[$0] }, scores: shuffled.map { p[$0] }))
    #expect(auc > 0.5 && auc < 1)
}
