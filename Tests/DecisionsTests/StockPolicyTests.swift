import Decisions
import Foundation
import Tabular
import TestSupport
import Testing

@Test func normalQuantileMatchesTables() {
    #expect(isClose(NormalQuantile.z(0.95), 1.6448536269514722, tolerance: 1e-12))
    #expect(isClose(NormalQuantile.z(0.5), 0, tolerance: 1e-15))
    #expect(isClose(NormalQuantile.z(0.025), -1.959963984540054, tolerance: 1e-12))
    #expect(isClose(NormalQuantile.z(1e-10), -6.361340902404056, tolerance: 1e-9))
}

@Test func normalRuleIsTheCeilingOfMeanPlusZSigma() {
    let policy = StockPolicy(serviceLevel: 0.95, rule: .normal)
    // four orders with p = 0.5: μ = 2, σ² = 1 → 2 + 1.645 = 3.645 → 4
    #expect(policy.recommendedStock(expectedDemand: 2, variance: 1) == 4)
    #expect(policy.recommendedStock(expectedDemand: 3, variance: 0) == 3)
    #expect(policy.recommendedStock(expectedDemand: 0, variance: 0) == 0)
    #expect(StockPolicy(serviceLevel: 0.5, rule: .normal).recommendedStock(expectedDemand: 2.2, variance: 4) == 3)
}

/// The discrete rule by hand, one case per shape of `CountDistribution`.
@Test func discreteRuleIsTheSmallestStockReachingTheLevel() {
    // Binomial(4, ½) (μ 2, σ² 1): P(D ≤ 3) = 15/16 = 0.9375, so 3 at 0.90 and 4 at 0.95.
    #expect(StockPolicy(serviceLevel: 0.90).recommendedStock(expectedDemand: 2, variance: 1) == 3)
    #expect(StockPolicy(serviceLevel: 0.95).recommendedStock(expectedDemand: 2, variance: 1) == 4)
    #expect(CountDistribution(mean: 2, variance: 1).shape == .binomial(n: 4, p: 0.5))
    // φ = 4 makes σ² = 4 > μ: a negative binomial of size 2, P(D ≤ 5) = 0.9375, P(D ≤ 6) = 0.96484375.
    let wide = StockPolicy(serviceLevel: 0.95, dispersion: 4)
    #expect(wide.recommendedStock(expectedDemand: 2, variance: 1) == 6)
    #expect(StockPolicy(serviceLevel: 0.90, dispersion: 4).recommendedStock(expectedDemand: 2, variance: 1) == 5)
    #expect(isClose(wide.distribution(expectedDemand: 2, variance: 1).cumulative(6), 0.96484375, tolerance: 1e-12))
    // Poisson(2): P(D ≤ 4) = 0.9473, P(D ≤ 5) = 0.9834.
    #expect(StockPolicy(serviceLevel: 0.95, dispersion: 2).recommendedStock(expectedDemand: 2, variance: 1) == 5)
    // One user at p = 0.04: P(D = 0) = 0.96 covers 0.95 with no stock (the normal rule stocks 1).
    #expect(StockPolicy(serviceLevel: 0.95).recommendedStock(expectedDemand: 0.04, variance: 0.0384) == 0)
    #expect(StockPolicy(serviceLevel: 0.95, rule: .normal).recommendedStock(expectedDemand: 0.04, variance: 0.0384) == 1)
    #expect(StockPolicy(serviceLevel: 0.99).recommendedStock(expectedDemand: 0.04, variance: 0.0384) == 1)
    // σ² = 0: every p is 0 or 1, the demand is μ.
    #expect(StockPolicy(serviceLevel: 0.99).recommendedStock(expectedDemand: 3, variance: 0) == 3)
    #expect(StockPolicy(serviceLevel: 0.99).recommendedStock(expectedDemand: 0, variance: 0) == 0)
}

/// P(D = k) by listing all 2ⁿ outcomes.
private func bruteForceDistribution(_ p: [Double]) -> [Double] {
    var pmf = [Double](repeating: 0, count: p.count + 1)
    for outcome in 0..<(1 << p.count) {
        var probability = 1.0, k = 0
        for (i, pi) in p.enumerated() {
            if outcome & (1 << i) != 0 { probability *= pi; k += 1 } else { probability *= 1 - pi }
        }
        pmf[k] += probability
    }
    return pmf
}

@Test func poissonBinomialMatchesBruteForceEnumeration() {
    var rng = SplitMix64(seed: 11)
    for _ in 0..<200 {
        let p = (0..<Int.random(in: 1...10, using: &rng)).map { _ in Double.random(in: 0...1, using: &rng) }
        let exact = bruteForceDistribution(p)
        let dp = PoissonBinomial.probabilities(p)
        #expect(zip(exact, dp).allSatisfy { abs($0 - $1) < 1e-12 })
        // Truncation keeps the low masses exact.
        #expect(zip(exact.prefix(3), PoissonBinomial.probabilities(p, truncatedAt: 2)).allSatisfy { abs($0 - $1) < 1e-12 })
        for level in [0.5, 0.9, 0.95, 0.99] {
            var total = 0.0
            let s = exact.firstIndex { total += $0; return total >= level - 1e-12 } ?? p.count
            #expect(PoissonBinomial.quantile(p, level: level) == s)
        }
    }
}

/// The moment-matched count distribution against the exact Poisson-binomial quantile, on candidate
/// probabilities like the forest's (mostly small): never more than one unit apart, and equal in
/// at least 95 % of cases (measured: 96.6 % of 3,000).
@Test func discreteRuleAgreesWithTheExactPoissonBinomialQuantile() {
    var rng = SplitMix64(seed: 5)
    var cases = 0, equal = 0, worst = 0
    for _ in 0..<1000 {
        let n = Int.random(in: 1...40, using: &rng)
        let top = Double.random(in: 0.02...0.9, using: &rng)
        let p = (0..<n).map { _ in Double.random(in: 0...top, using: &rng) }
        let mu = p.reduce(0, +), v = p.reduce(0) { $0 + $1 * (1 - $1) }
        for level in StockPolicyLevels.all {
            let rule = StockPolicy(serviceLevel: level).recommendedStock(expectedDemand: mu, variance: v)
            let exact = PoissonBinomial.quantile(p, level: level)
            cases += 1
            if rule == exact { equal += 1 }
            worst = max(worst, abs(rule - exact))
        }
    }
    #expect(worst <= 1)
    #expect(Double(equal) / Double(cases) >= 0.95, "equal in \(equal) of \(cases)")
}

private enum StockPolicyLevels { static let all = [0.90, 0.95, 0.99] }

/// Above μ = 50 the quantile is Cornish–Fisher's: against the exact one (P(k) summed in log space
/// from k = 0) for binomial, Poisson and negative binomial demand it is never more than one unit off.
@Test func cornishFisherQuantileIsWithinOneUnitOfTheExactOne() {
    var rng = SplitMix64(seed: 3)
    var cases = 0, equal = 0
    for _ in 0..<300 {
        let mu = Double.random(in: 51...600, using: &rng)
        let ratio = Double.random(in: 0.3...3, using: &rng)
        let distribution = CountDistribution(mean: mu, variance: mu * ratio)
        for level in StockPolicyLevels.all {
            let approximate = distribution.quantile(level)
            let exact = logSpaceQuantile(distribution, level: level)
            #expect(abs(approximate - exact) <= 1, "μ \(mu), σ²/μ \(ratio), level \(level): \(approximate) vs \(exact)")
            cases += 1
            if approximate == exact { equal += 1 }
        }
    }
    #expect(Double(equal) / Double(cases) >= 0.8, "equal in \(equal) of \(cases)")
}

private func logSpaceQuantile(_ d: CountDistribution, level: Double) -> Int {
    func logP(_ k: Int) -> Double {
        let x = Double(k)
        switch d.shape {
        case .point(let m): return k == m ? 0 : -.infinity
        case .poisson: return x * log(d.mean) - d.mean - lgamma(x + 1)
        case .binomial(let n, let p):
            return x > n ? -.infinity : lgamma(n + 1) - lgamma(x + 1) - lgamma(n - x + 1) + x * log(p) + (n - x) * log1p(-p)
        case .negativeBinomial(let r):
            let q = d.mean / (r + d.mean)
            return lgamma(x + r) - lgamma(r) - lgamma(x + 1) + r * log1p(-q) + x * log(q)
        }
    }
    var total = 0.0, k = 0
    while true {
        total += exp(logP(k))
        if total >= level - 1e-12 { return k }
        k += 1
    }
}

/// 50 products at p = 0.5 (F(0) = 0.5, F(1) = 1) and 50 at p = 0.05 (F(0) = 0.95): covering 90 % of
/// the products needs stock 1 for the first half only, so the per-product level is just above 0.5
/// (mean coverage (1 + 0.95)/2 = 0.975; at 0.5 or below it is (0.5 + 0.95)/2 = 0.725).
@Test func fleetLevelIsTheLowestPerProductLevelThatCoversTheTargetShare() {
    let half = [CountDistribution](repeating: CountDistribution(mean: 0.5, variance: 0.25), count: 50)
    let rare = [CountDistribution](repeating: CountDistribution(mean: 0.05, variance: 0.0475), count: 50)
    let t = FleetServiceLevel.productLevel(half + rare, target: 0.9)
    #expect(t > 0.5 - 1e-9 && t < 0.5 + 1e-9, "\(t)")
    #expect(StockPolicy(serviceLevel: t).recommendedStock(expectedDemand: 0.5, variance: 0.25) == 1)
    #expect(StockPolicy(serviceLevel: t).recommendedStock(expectedDemand: 0.05, variance: 0.0475) == 0)
    // Only rare products: stock 0 already covers 95 % of them.
    #expect(FleetServiceLevel.productLevel(rare, target: 0.9) < 1e-6)
}

/// σ² = φ·Σp(1 − p) + (c·μ)² in both rules: μ = 10, Σp(1 − p) = 4, c = 0.5 gives σ² = 29; the normal
/// rule at 0.95 stocks ⌈10 + 1.6449·√29⌉ = 19.
@Test func stockPolicyAddsTheMeanErrorToTheVariance() {
    let policy = StockPolicy(serviceLevel: 0.95, meanError: 0.5, rule: .normal)
    #expect(abs(policy.totalVariance(expectedDemand: 10, variance: 4) - 29) < 1e-12)
    #expect(policy.recommendedStock(expectedDemand: 10, variance: 4) == 19)
    #expect(StockPolicy(serviceLevel: 0.95, meanError: 0.5).distribution(expectedDemand: 10, variance: 4).variance == 29)
}
