/// The stock to hold for one product over a horizon of next orders (TASK.md): expected demand
/// μ = Σ p over the product's candidate rows, standard deviation σ = √Σ p(1 − p), and
/// ⌈μ + z σ⌉ for the service level, with the model that produced the probabilities.
public struct StockRecommendation: Sendable, Equatable {
    public var productID: Int32
    public var product: ProductCatalog.Entry
    /// μ: the expected number of the horizon's orders that hold the product.
    public var expectedDemand: Double
    /// σ: the standard deviation of that number (independent Bernoulli orders).
    public var standardDeviation: Double
    /// The stock of `StockPolicy`: the smallest s with P(D ≤ s) ≥ the service level (⌈μ + z σ⌉ under `--stock-rule normal`).
    public var recommendedStock: Int
    public var serviceLevel: Double
    public var modelVersion: String
    /// Candidate rows (users who may reorder the product) behind μ and σ.
    public var candidates: Int

    public init(productID: Int32, product: ProductCatalog.Entry, expectedDemand: Double, standardDeviation: Double,
                recommendedStock: Int, serviceLevel: Double, modelVersion: String, candidates: Int) {
        self.productID = productID
        self.product = product
        self.expectedDemand = expectedDemand
        self.standardDeviation = standardDeviation
        self.recommendedStock = recommendedStock
        self.serviceLevel = serviceLevel
        self.modelVersion = modelVersion
        self.candidates = candidates
    }
}
