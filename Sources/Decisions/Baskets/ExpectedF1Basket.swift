/// The basket that maximises expected F1 for one user, given independent reorder probabilities of
/// the user's candidate items, with the Kaggle Instacart "None" rule: when the true basket holds no
/// candidate the true set is {None}, and a prediction may include None as an item.
///
/// Method: Ye, Chai, Lee & Chieu, "Optimizing F-measures: a tale of two approaches" (ICML 2012),
/// after Jansche (2007): under independence the optimal set is the top-k items by probability for
/// some k, and E[F1] of every top-k set follows from two dynamic programmes:
/// - P(TPₖ = a), the Poisson–binomial law of the positives among the k most probable items,
///   built forward: P₀ = δ₀, Pₖ(a) = (1 − pₖ) Pₖ₋₁(a) + pₖ Pₖ₋₁(a − 1);
/// - gₖ(m) = E[1 / (m + Rₖ)], Rₖ the positives among items k+1…n, built backward:
///   gₙ(m) = 1/m, gₖ₋₁(m) = (1 − pₖ) gₖ(m) + pₖ gₖ(m + 1).
/// Then, with c = 1 when None is predicted and 0 otherwise,
///   E[F1 | top-k, c] = Σₐ Pₖ(a) · 2a · gₖ(k + c + a)  +  c · P(no positive) · 2 / (k + 2),
/// since TPₖ and Rₖ are independent, and an empty truth scores only through the None item.
/// The empty prediction is not allowed (Kaggle requires at least None).
/// Cost O(n²) time and O(n²) memory for n candidates (a few hundred at most per user).
public struct ExpectedF1Basket: Sendable, Equatable {
    /// Indices into the input probabilities of the chosen items, most probable first.
    public let items: [Int]
    /// Whether "None" is part of the prediction.
    public let includesNone: Bool
    /// The expected F1 of this prediction.
    public let expectedF1: Double

    /// Chooses the basket for one user. `probabilities` are P(item in next order), each in [0, 1].
    public static func choose(probabilities: [Double]) -> ExpectedF1Basket {
        let n = probabilities.count
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
        let p = order.map { min(max(probabilities[$0], 0), 1) }
        // tp[k][a] = P(a positives among the k most probable items), row-major (n+1)×(n+1).
        var tp = [Double](repeating: 0, count: (n + 1) * (n + 1))
        tp[0] = 1
        for k in 1...max(n, 1) where k <= n {
            let q = p[k - 1]
            for a in 0...k {
                let stay = tp[(k - 1) * (n + 1) + a] * (1 - q)
                let gain = a > 0 ? tp[(k - 1) * (n + 1) + a - 1] * q : 0
                tp[k * (n + 1) + a] = stay + gain
            }
        }
        let noPositive = tp[n * (n + 1)]
        // g[m] = E[1/(m + R_k)] for m = 1...2n+2, updated from k = n down to 0.
        var g = [Double](repeating: 0, count: 2 * n + 4)
        for m in 1..<g.count { g[m] = 1 / Double(m) }
        var bestK = 0, bestNone = true, best = noPositive            // k = 0 with None: F1 = P(no positive)
        for k in stride(from: n, through: 0, by: -1) {
            var withoutNone = 0.0, withNone = 0.0
            if k > 0 {
                for a in 1...k {
                    let w = tp[k * (n + 1) + a]
                    if w == 0 { continue }
                    withoutNone += w * 2 * Double(a) * g[k + a]
                    withNone += w * 2 * Double(a) * g[k + 1 + a]
                }
            }
            withNone += noPositive * 2 / Double(k + 2)
            if k > 0 && withoutNone > best + 1e-12 || (k > 0 && withoutNone == best && !bestNone && k < bestK) {
                best = withoutNone; bestK = k; bestNone = false
            }
            if withNone > best + 1e-12 { best = withNone; bestK = k; bestNone = true }
            if k > 0 {
                let q = p[k - 1]
                for m in 1..<(g.count - 1) { g[m] = (1 - q) * g[m] + q * g[m + 1] }
            }
        }
        return ExpectedF1Basket(items: Array(order.prefix(bestK)), includesNone: bestNone, expectedF1: best)
    }

    /// The naive twin, for tests: E[F1] of a given prediction by enumerating all 2ⁿ outcomes.
    /// Cost O(2ⁿ · n); use only for n ≤ 16.
    public static func expectedF1ByEnumeration(probabilities: [Double], predicted: Set<Int>, includesNone: Bool) -> Double {
        let n = probabilities.count
        precondition(n <= 16, "enumeration is exponential")
        var total = 0.0
        for outcome in 0..<(1 << n) {
            var weight = 1.0
            var truth = Set<Int>()
            for i in 0..<n {
                if outcome & (1 << i) != 0 { weight *= probabilities[i]; truth.insert(i) } else { weight *= 1 - probabilities[i] }
            }
            let noneIndex = -1
            let actual = truth.isEmpty ? [noneIndex] : truth
            let guess = includesNone ? predicted.union([noneIndex]) : predicted
            total += weight * f1Score(predicted: guess, actual: actual)
        }
        return total
    }

    /// F1 of a predicted set against the actual set: 2·|P ∩ A| / (|P| + |A|); 1 when both are empty,
    /// 0 when exactly one is. Cost O(|P| + |A|).
    public static func f1Score<T: Hashable>(predicted: Set<T>, actual: Set<T>) -> Double {
        if predicted.isEmpty && actual.isEmpty { return 1 }
        let hits = predicted.intersection(actual).count
        return 2 * Double(hits) / Double(predicted.count + actual.count)
    }
}
