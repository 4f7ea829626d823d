import Decisions

/// Turns per-row reorder probabilities into one `StockRecommendation` per product.
///
/// The rows are the candidates (user, product) of the horizon's orders, one order per user. Per
/// product, `DemandAccumulator` sums μ = Σ p and σ² = Σ p(1 − p) (the demand is a sum of
/// independent Bernoulli variables), and `StockPolicy` gives the stock (by default the smallest s
/// with P(D ≤ s) ≥ the service level; ⌈μ + z σ⌉ under the `normal` rule). Products without a
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
        var demand = DemandAccumulator()
        demand.add(products: rowProducts, probabilities: probabilities)
        return recommend(demand, catalog: catalog)
    }

    /// The recommendations of sums already added up (rows streamed in chunks). Same order and
    /// rule as above; cost O(products · log products).
    public func recommend(_ demand: DemandAccumulator, catalog: ProductCatalog) -> [StockRecommendation] {
        let totals = demand.totals
        let order = totals.indices.sorted { a, b in
            totals[a].expectedDemand != totals[b].expectedDemand
                ? totals[a].expectedDemand > totals[b].expectedDemand : totals[a].product < totals[b].product
        }
        return order.map { i in
            let t = totals[i]
            return StockRecommendation(
                productID: t.product, product: catalog.entry(productID: t.product), expectedDemand: t.expectedDemand,
                standardDeviation: max(t.variance, 0).squareRoot(),
                recommendedStock: policy.recommendedStock(expectedDemand: t.expectedDemand, variance: t.variance),
                serviceLevel: policy.serviceLevel, modelVersion: modelVersion, candidates: t.rows)
        }
    }
}
