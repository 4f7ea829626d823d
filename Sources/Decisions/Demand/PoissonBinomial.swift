/// The exact distribution of D = Σ Bernoulli(pᵢ), independent (the Poisson-binomial), by the
/// dynamic programme P_{j}(k) = P_{j−1}(k)(1 − p_j) + P_{j−1}(k − 1) p_j over the pᵢ one at a
/// time. Cost O(n · (n + 1)) time and O(n) memory for n probabilities; `truncatedAt` bounds the
/// support kept to 0…K (the mass of k ≤ K is exact, as none flows back from above), O(n · K).
/// The reference the moment-matched `CountDistribution` is tested against, and the backtest's
/// "exact" check where every pᵢ is at hand.
public enum PoissonBinomial {
    /// P(D = k) for k = 0…min(n, K).
    public static func probabilities(_ p: [Double], truncatedAt limit: Int = .max) -> [Double] {
        let top = min(p.count, max(limit, 0))
        var pmf = [Double](repeating: 0, count: top + 1)
        pmf[0] = 1
        var reach = 0
        for pi in p {
            let q = min(max(pi, 0), 1)
            reach = min(reach + 1, top)
            var k = reach
            while k > 0 {
                pmf[k] = pmf[k] * (1 - q) + pmf[k - 1] * q
                k -= 1
            }
            pmf[0] *= 1 - q
        }
        return pmf
    }

    /// The smallest integer s with P(D ≤ s) ≥ level (0 < level < 1). O(n · (s + 1)) by growing
    /// the truncation until the level is reached.
    public static func quantile(_ p: [Double], level: Double) -> Int {
        var limit = 8
        while true {
            let pmf = probabilities(p, truncatedAt: limit)
            var total = 0.0
            for (k, mass) in pmf.enumerated() {
                total += mass
                if total >= level - 1e-12 { return k }
            }
            if pmf.count <= limit { return pmf.count - 1 }
            limit *= 2
        }
    }
}
