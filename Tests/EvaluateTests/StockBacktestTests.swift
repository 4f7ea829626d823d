import Evaluate
import Tabular
import Testing

/// Three products by hand: A (p 0.5, 0.5; both bought: μ 1, v 0.5, D 2), B (p 0.1 ×4; three bought:
/// μ 0.4, v 0.36, D 3), C (p 0; not bought: stock 0, D 0).
@Test func backtestCountsCoverageShortAndOverByHand() {
    let items: [Int32] = [1, 1, 2, 2, 2, 2, 3]
    let p = [0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0]
    let y: [Double] = [1, 1, 1, 1, 1, 0, 0]
    let backtest = StockBacktest(items: items, probabilities: p, labels: y)
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
    let wide = StockBacktest(items: items, probabilities: p, labels: y, dispersion: 4, levels: [0.95])
    #expect(wide.levels == [StockBacktest.Level(target: 0.95, achieved: 1, unitsShort: 0, unitsOver: 2, stock: 7)])
    let demand = DemandAggregation(items: items, probabilities: p, labels: y)
    let expected: Double = (1 + 6.76) / 0.86
    #expect(abs(StockBacktest.dispersion(demand) - expected) < 1e-12)
}

/// Demand made of clumps: each product has 10 clumps of `clump` rows with one p, and a clump's rows
/// are all bought or none, so Var D = clump · Σ p(1 − p): the estimator should find φ = clump.
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
    let phi = StockBacktest.dispersion(DemandAggregation(items: items, probabilities: p, labels: y))
    let gap: Double = abs(phi - Double(clump)) / Double(clump)
    #expect(gap < 0.1)
}
