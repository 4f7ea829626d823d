/// The stock rule for one product over a horizon of next orders, each holding the product with
/// probability pᵢ: demand D = Σ Bernoulli(pᵢ), μ = Σ pᵢ, and variance σ² = φ·Σ pᵢ(1 − pᵢ) + (c·μ)².
/// - The overdispersion φ (`dispersion`, default 1 = independent coin flips) widens the coin-flip
///   variance for demand more variable than that (`StockBacktest.dispersion` estimates it).
/// - The mean error c (`meanError`, default 0) is the model's relative error on μ: when the
///   predicted μ is off by a factor (1 ± c) the realised demand varies by about c·μ on top of the
///   coin flips, a term that grows with μ² and dominates for products with many buyers
///   (`StockBacktest.crossValidatedMeanError` estimates it; the negative binomial "NB2" form
///   Var = μ + αμ² with α = c²).
///
/// Two rules (`Rule`):
/// - `discrete` (the default): the smallest integer s with P(D ≤ s) ≥ service level, D following the
///   count distribution with mean μ and variance σ² (`CountDistribution`: binomial / Poisson /
///   negative binomial; exact below μ = 50, Cornish–Fisher above). Cost O(s) per product below
///   μ = 50, O(1) above.
/// - `normal`: TASK.md's ⌈μ + z σ⌉ with z = Φ⁻¹(service level) (95 % gives z = 1.645), O(1). It
///   overshoots the level for products with μ < 1, where rounding up adds most of a unit (measured
///   by `evaluate`'s stock backtest; docs/evaluation.md).
public struct StockPolicy: Sendable, Equatable {
    public enum Rule: String, Sendable, CaseIterable, Codable {
        case discrete
        case normal

        /// The rule `recommend`, `serve` and the live forecast use unless told otherwise.
        public static let standard = Rule.discrete
    }

    public let serviceLevel: Double
    public let z: Double
    public let dispersion: Double
    public let meanError: Double
    public let rule: Rule

    public init(serviceLevel: Double = 0.95, dispersion: Double = 1, meanError: Double = 0, rule: Rule = .standard) {
        precondition(serviceLevel > 0 && serviceLevel < 1, "StockPolicy: service level must be in (0, 1)")
        precondition(dispersion > 0 && dispersion.isFinite, "StockPolicy: dispersion must be positive")
        precondition(meanError >= 0 && meanError.isFinite, "StockPolicy: mean error must be 0 or more")
        self.serviceLevel = serviceLevel
        self.z = NormalQuantile.z(serviceLevel)
        self.dispersion = dispersion
        self.meanError = meanError
        self.rule = rule
    }

    /// The stock for expected demand μ and Bernoulli variance Σ p(1 − p), never below 0.
    /// `normal`: ⌈μ + z σ⌉ with σ² = `totalVariance` (a tiny tolerance keeps exact integers, μ = 3
    /// with σ = 0, at 3).
    public func recommendedStock(expectedDemand mu: Double, variance: Double) -> Int {
        switch rule {
        case .normal:
            let level = mu + z * totalVariance(expectedDemand: mu, variance: variance).squareRoot()
            return max(0, Int((level - 1e-9).rounded(.up)))
        case .discrete:
            return distribution(expectedDemand: mu, variance: variance).quantile(serviceLevel)
        }
    }

    /// σ² = φ·Σ p(1 − p) + (c·μ)² for expected demand μ and Bernoulli variance Σ p(1 − p).
    public func totalVariance(expectedDemand mu: Double, variance: Double) -> Double {
        dispersion * max(variance, 0) + meanError * meanError * mu * mu
    }

    /// The demand distribution this policy assumes: mean μ, variance `totalVariance`.
    public func distribution(expectedDemand mu: Double, variance: Double) -> CountDistribution {
        CountDistribution(mean: mu, variance: totalVariance(expectedDemand: mu, variance: variance))
    }
}
