import Decisions
import TestSupport
import Testing

@Test func normalQuantileMatchesTables() {
    #expect(isClose(NormalQuantile.z(0.95), 1.6448536269514722, tolerance: 1e-12))
    #expect(isClose(NormalQuantile.z(0.5), 0, tolerance: 1e-15))
    #expect(isClose(NormalQuantile.z(0.025), -1.959963984540054, tolerance: 1e-12))
    #expect(isClose(NormalQuantile.z(1e-10), -6.361340902404056, tolerance: 1e-9))
}

@Test func recommendedStockIsTheCeilingOfMeanPlusZSigma() {
    let policy = StockPolicy(serviceLevel: 0.95)
    // four orders with p = 0.5: μ = 2, σ² = 1 → 2 + 1.645 = 3.645 → 4
    #expect(policy.recommendedStock(expectedDemand: 2, variance: 1) == 4)
    #expect(policy.recommendedStock(expectedDemand: 3, variance: 0) == 3)
    #expect(policy.recommendedStock(expectedDemand: 0, variance: 0) == 0)
    #expect(StockPolicy(serviceLevel: 0.5).recommendedStock(expectedDemand: 2.2, variance: 4) == 3)
}
