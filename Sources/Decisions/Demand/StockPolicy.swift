/// TASK.md's stock rule for one product over a horizon of next orders, each holding the product
/// independently with probability pᵢ: demand D = Σ Bernoulli(pᵢ), μ = Σ pᵢ, σ² = Σ pᵢ(1 − pᵢ),
/// and the recommended stock is ⌈μ + z σ⌉ with z = Φ⁻¹(service level) (the normal approximation
/// of D; 95 % gives z = 1.645). Cost O(1) per product once μ and σ² are summed.
///
/// `dispersion` φ scales the variance, σ² = φ·Σ pᵢ(1 − pᵢ), for demand more variable than
/// independent coin flips (φ = 1, the default, is TASK.md's rule; `StockBacktest.dispersion`
/// estimates φ from out-of-fold residuals).
public struct StockPolicy: Sendable, Equatable {
    public let serviceLevel: Double
    public let z: Double
    public let dispersion: Double

    public init(serviceLevel: Double = 0.95, dispersion: Double = 1) {
        precondition(serviceLevel > 0 && serviceLevel < 1, "StockPolicy: service level must be in (0, 1)")
        precondition(dispersion > 0 && dispersion.isFinite, "StockPolicy: dispersion must be positive")
        self.serviceLevel = serviceLevel
        self.z = NormalQuantile.z(serviceLevel)
        self.dispersion = dispersion
    }

    /// ⌈μ + z √(φ σ²)⌉, never below 0. A tiny tolerance keeps exact integers (μ = 3, σ = 0) at 3.
    public func recommendedStock(expectedDemand mu: Double, variance: Double) -> Int {
        let level = mu + z * (dispersion * max(variance, 0)).squareRoot()
        return max(0, Int((level - 1e-9).rounded(.up)))
    }
}
