/// A service level for a range of products rather than for each one: the per-product level t at
/// which the discrete rule's stocks cover, on average over the products, the target share.
///
/// With a per-product level L, the discrete rule stocks sᵢ = min{s : Fᵢ(s) ≥ L} and covers product
/// i with probability Fᵢ(sᵢ) ≥ L, often far above L for products with μ < 1 (one user at p = 0.02
/// is covered with 0.98 by a stock of 0). The share of products in stock then overshoots L. This
/// finds the smallest t ≤ L with (1/N) Σᵢ Fᵢ(sᵢ(t)) ≥ L, so the expected share of products whose
/// demand ≤ stock is L (to within the step of one product), with less stock than per-product L.
///
/// Method: per product the CDF values Fᵢ(0…sᵢ(L)); the mean coverage is a non-decreasing step
/// function of t, bisected 50 times on (0, L]. Cost O(Σᵢ sᵢ(L)² for μᵢ ≤ 50 + 50 · N log s̄).
public enum FleetServiceLevel {
    public static func productLevel(_ distributions: [CountDistribution], target: Double) -> Double {
        precondition(target > 0 && target < 1, "FleetServiceLevel: target must be in (0, 1)")
        guard !distributions.isEmpty else { return target }
        var offsets = [0], cdf: [Double] = []
        for d in distributions {
            let top = d.quantile(target)
            for s in 0...top { cdf.append(d.cumulative(s)) }
            offsets.append(cdf.count)
        }
        func meanCoverage(_ t: Double) -> Double {
            var total = 0.0
            for i in distributions.indices {
                var lo = offsets[i], hi = offsets[i + 1] - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cdf[mid] >= t - 1e-12 { hi = mid } else { lo = mid + 1 }
                }
                total += cdf[lo]
            }
            return total / Double(distributions.count)
        }
        var lo = 0.0, hi = target
        if meanCoverage(lo) >= target { return 1e-9 }
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            if meanCoverage(mid) >= target { hi = mid } else { lo = mid }
        }
        return min(hi, target)
    }
}
