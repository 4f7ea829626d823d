import Evaluate

/// Turns per-row reorder probabilities into one `StockRecommendation` per product.
///
/// The rows are the candidates (user, product) of the horizon's orders, one order per user. Per
/// product, `DemandAggregation` sums μ = Σ p and σ² = Σ p(1 − p) (the demand is a sum of
/// independent Bernoulli variables), and `StockPolicy` gives ⌈μ + z σ⌉. Products without a
/// candidate row are not listed (μ = σ = 0, stock 0). The list is sorted by expected demand,
/// largest first, ties by product_id ascending. Pure; cost O(rows + products · log products).
public struct StockRecommender: Sendable {
    public let policy: StockPolicy
    public let modelVersion: String

    public init(policy: StockPolicy, modelVersion: String) {
        self.policy = policy
        self.modelVersion = modelVersion
    }

    public func recommend(products rowProducts: [Int32], probabilities: [Float],
                          catalog: ProductCatalog) -> [StockRecommendation] {
        precondition(rowProducts.count == probabilities.count, "StockRecommender: one probability per row")
        let demand = DemandAggregation(items: rowProducts, probabilities: probabilities.map { Double($0) })
        let order = demand.items.indices.sorted { a, b in
            demand.predicted[a] != demand.predicted[b] ? demand.predicted[a] > demand.predicted[b] : demand.items[a] < demand.items[b]
        }
        return order.map { i in
            let mu = demand.predicted[i], variance = demand.variance[i]
            return StockRecommendation(
                productID: demand.items[i], product: catalog.entry(productID: demand.items[i]), expectedDemand: mu,
                standardDeviation: max(variance, 0).squareRoot(),
                recommendedStock: policy.recommendedStock(expectedDemand: mu, variance: variance),
                serviceLevel: policy.serviceLevel, modelVersion: modelVersion, candidates: demand.rows[i])
        }
    }
}
