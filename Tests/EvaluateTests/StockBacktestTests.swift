import Evaluate
import Foundation
import Tabular
import Testing

/// Three products by hand: A (p 0.5, 0.5; both bought: μ 1, v 0.5, D 2), B (p 0.1 ×4; three bought:
/// μ 0.4, v 0.36, D 3), C (p 0; not bought: stock 0, D 0).
private let items: [Int32] = [1, 1, 2, 2, 2, 2, 3]
private let p = [0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0]
private let y: [Double] = [1, 1, 1, 1, 1, 0, 0]

@Test func backtestCountsCoverageShortAndOverByHandUnderTheNormalRule() {
    let backtest = StockBacktest(items: items, probabilities: p, labels: y, rule: .normal)
    #expect(backtest.products == 3)
    #expect(backtest.demand == 5)
    // 0.90: A ⌈1 + 1.2816·0.7071⌉ = 2, B ⌈0.4 + 1.2816·0.6⌉ = 2 (1 short), C 0.
    // 0.95: A ⌈2.163⌉ = 3 (1 over), B ⌈1.387⌉ = 2 (1 short). 0.99: A ⌈2.645⌉ = 3, B ⌈1.796⌉ = 2.
    #expect(backtest.levels.map(\.target) == [0.90, 0.95, 0.99])
    let twoThirds: Double = 2.0 / 3
    #expect(backtest.levels.map(\.achieved) == [twoThirds, twoThirds, twoThirds])
    let short: [Double] = [1, 1, 1], over: [Double] = [0, 1, 1], stock: [Double] = [4, 5, 5]
    #expect(backtest.levels.map(\.unitsShort) == short)
    #expect(backtest.levels.map(\.unitsOver) == over)
    #expect(backtest.levels.map(\.stock) == stock)
    // φ = 4 doubles σ: at 0.95 A ⌈1 + 1.645·1.414⌉ = 4 (2 over), B ⌈0.4 + 1.645·1.2⌉ = 3 (covered).
    let wide = StockBacktest(items: items, probabilities: p, labels: y, rule: .normal, dispersion: 4, levels: [0.95])
    #expect(wide.levels.map(\.achieved) == [1])
    #expect(wide.levels.map(\.unitsOver) == [2])
    #expect(wide.levels.map(\.stock) == [7])
    let demand = DemandAggregation(items: items, probabilities: p, labels: y)
    let expected: Double = (1 + 6.76) / 0.86
    #expect(abs(StockBacktest.dispersion(demand) - expected) < 1e-12)
}

/// The same products under the discrete rule. A is Binomial(2, ½) (P(D ≤ 1) = 0.75, so 2 at every
/// level, covered), B is Binomial(4, 0.1) (P(D ≤ 1) = 0.9477, P(D ≤ 2) = 0.9963: 1 at 0.90, 2 at
/// 0.95 and 0.99; D = 3 leaves 2, 1, 1 short), C is 0. The expected level is the mean of
/// P(D ≤ s): (1 + 0.9477 + 1)/3 and (1 + 0.9963 + 1)/3.
@Test func backtestCountsCoverageShortAndOverByHandUnderTheDiscreteRule() {
    let backtest = StockBacktest(items: items, probabilities: p, labels: y, rule: .discrete)
    let twoThirds: Double = 2.0 / 3
    #expect(backtest.levels.map(\.achieved) == [twoThirds, twoThirds, twoThirds])
    let short: [Double] = [2, 1, 1], over: [Double] = [0, 0, 0], stock: [Double] = [3, 4, 4]
    #expect(backtest.levels.map(\.unitsShort) == short)
    #expect(backtest.levels.map(\.unitsOver) == over)
    #expect(backtest.levels.map(\.stock) == stock)
    let b1 = 0.6561 + 0.2916, b2 = b1 + 0.0486
    let expected = [(2 + b1) / 3, (2 + b2) / 3, (2 + b2) / 3]
    #expect(zip(backtest.levels.map(\.expected), expected).allSatisfy { abs($0 - $1) < 1e-9 })
}

/// Demand made of clumps: each product has 10 clumps of `clump` rows with one p, and a clump's rows
/// are all bought or none, so Var D = clump · Σ p(1 − p): the estimator should find φ = clump, in
/// sample and cross-validated over products.
@Test(arguments: [1, 3])
func dispersionEstimatorRecoversAKnownOverdispersion(clump: Int) {
    var rng = SplitMix64(seed: 7)
    var items: [Int32] = [], p: [Double] = [], y: [Double] = []
    for product in 0..<2000 {
        let probability = Double.random(in: 0.05...0.5, using: &rng)
        for _ in 0..<10 {
            let bought: Double = Double.random(in: 0..<1, using: &rng) < probability ? 1 : 0
            for _ in 0..<clump { items.append(Int32(product)); p.append(probability); y.append(bought) }
        }
    }
    let demand = DemandAggregation(items: items, probabilities: p, labels: y)
    let phi = StockBacktest.dispersion(demand)
    #expect(abs(phi - Double(clump)) / Double(clump) < 0.1)
    let cv = StockBacktest.crossValidatedDispersion(demand, folds: 5)
    #expect(cv.folds.count == 5 && cv.perProduct.count == 2000)
    #expect(cv.folds.allSatisfy { abs($0 - Double(clump)) / Double(clump) < 0.1 }, "\(cv.folds)")
    // With the recovered φ the discrete rule's achieved level lands near its promise; with φ = 1
    // it falls short when the demand is clumped.
    let widened = StockBacktest(demand, rule: .discrete, dispersions: cv.perProduct, levels: [0.95])
    #expect(abs(widened.levels[0].achieved - widened.levels[0].expected) < 0.02, "\(widened.levels)")
    if clump > 1 {
        let narrow = StockBacktest(demand, rule: .discrete, dispersion: 1, levels: [0.95])
        #expect(narrow.levels[0].achieved < narrow.levels[0].expected - 0.03, "\(narrow.levels)")
    }
}

/// Demand drawn from the predicted probabilities themselves (a calibrated model): the per-product
/// discrete rule keeps its promise (achieved ≈ expected) but overshoots the target share, as most
/// products have μ < 1; the fleet target brings the expected share to the target and the achieved
/// share within a point of it, with less stock.
@Test func fleetTargetCoversTheTargetShareOfProducts() {
    var rng = SplitMix64(seed: 19)
    var items: [Int32] = [], p: [Double] = [], y: [Double] = []
    for product in 0..<4000 {
        let users = Int.random(in: 1...12, using: &rng)
        for _ in 0..<users {
            let probability = Double.random(in: 0...0.3, using: &rng)
            items.append(Int32(product)); p.append(probability)
            y.append(Double.random(in: 0..<1, using: &rng) < probability ? 1 : 0)
        }
    }
    let demand = DemandAggregation(items: items, probabilities: p, labels: y)
    let ones = [Double](repeating: 1, count: demand.items.count)
    let perProduct = StockBacktest(demand, rule: .discrete, dispersion: 1, levels: [0.90, 0.95])
    let fleet = StockBacktest(demand, rule: .discrete, dispersions: ones, levels: [0.90, 0.95], fleet: true)
    for (a, b) in zip(perProduct.levels, fleet.levels) {
        #expect(abs(a.achieved - a.expected) < 0.015, "\(a)")
        #expect(a.expected > a.target + 0.02, "\(a)")
        #expect(abs(b.expected - b.target) < 0.002, "\(b)")
        #expect(abs(b.achieved - b.target) < 0.01, "\(b)")
        #expect(b.stock < a.stock && (b.productLevel ?? 1) < b.target)
    }
}

/// A model whose μ is off by a random factor per product: demand is drawn from probabilities
/// p·(1 + ε), ε normal with sd 0.3 (clipped at −0.9), while the backtest sees p. Products have 1 to
/// 400 users, so the large ones' error on μ far exceeds √Σp(1 − p). The Pearson estimator should
/// find c near 0.3; with it the discrete rule's achieved level lands near its promise, which
/// without it (φ = 1) falls short; and on unbiased data (ε = 0) c stays near 0.
@Test func meanErrorEstimatorRecoversTheModelsRelativeError() {
    func demand(sd: Double) -> DemandAggregation {
        var rng = SplitMix64(seed: 23)
        var items: [Int32] = [], p: [Double] = [], y: [Double] = []
        for product in 0..<3000 {
            let users = product % 3 == 0 ? Int.random(in: 100...400, using: &rng) : Int.random(in: 1...30, using: &rng)
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
            let epsilon = max(-0.9, sd * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
            for _ in 0..<users {
                let probability = Double.random(in: 0.02...0.4, using: &rng)
                items.append(Int32(product)); p.append(probability)
                y.append(Double.random(in: 0..<1, using: &rng) < min(1, probability * (1 + epsilon)) ? 1 : 0)
            }
        }
        return DemandAggregation(items: items, probabilities: p, labels: y)
    }
    let biased = demand(sd: 0.3)
    let c = StockBacktest.meanError(biased)
    #expect(abs(c - 0.3) < 0.05, "c = \(c)")
    let cv = StockBacktest.crossValidatedMeanError(biased, folds: 5)
    #expect(cv.folds.count == 5 && cv.folds.allSatisfy { abs($0 - 0.3) < 0.06 }, "\(cv.folds)")
    let ones = [Double](repeating: 1, count: biased.items.count)
    let withError = StockBacktest(biased, rule: .discrete, dispersions: ones, meanErrors: cv.perProduct, levels: [0.90])
    let without = StockBacktest(biased, rule: .discrete, dispersion: 1, levels: [0.90])
    #expect(abs(withError.levels[0].achieved - withError.levels[0].expected) < 0.02, "\(withError.levels)")
    #expect(without.levels[0].achieved < without.levels[0].expected - 0.05, "\(without.levels)")
    #expect(StockBacktest.meanError(demand(sd: 0)) < 0.05)
}
