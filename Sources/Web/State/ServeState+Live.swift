import Serve

extension ServeState {
    /// This state with `rows` (the content of `live_stock`) in place of its products' μ, σ and
    /// stock, and `status` as its live information. Products of the catalog that are in `rows` but
    /// had no candidate row get one; products not in `rows` keep the model's numbers. Baskets and
    /// users are unchanged (they come from the model), and so are their kept answers. The result is sorted as `recommendations`
    /// always is (largest μ first, then product id). Cost O(products log products); the caller
    /// swaps the result in (`ServeStateHolder`).
    public func applyingLive(_ rows: [LiveStockRow], status: LiveStatus) -> ServeState {
        var merged = recommendations
        var index = recommendationIndex
        for row in rows {
            if let i = index[row.productID] {
                merged[i].expectedDemand = row.mu
                merged[i].standardDeviation = row.sigma
                merged[i].recommendedStock = row.stock
                merged[i].serviceLevel = row.serviceLevel
            } else if let entry = catalog[row.productID] {
                index[row.productID] = merged.count
                merged.append(StockRecommendation(productID: row.productID, product: entry, expectedDemand: row.mu,
                                                  standardDeviation: row.sigma, recommendedStock: row.stock,
                                                  serviceLevel: row.serviceLevel, modelVersion: model.version, candidates: 0))
            }
        }
        merged.sort { $0.expectedDemand != $1.expectedDemand ? $0.expectedDemand > $1.expectedDemand : $0.productID < $1.productID }
        var next = ServeState(recommendations: merged, catalog: catalog, users: users, model: model, kpis: kpis,
                              serviceLevel: serviceLevel, candidateRows: candidateRows, scorer: scorer,
                              basketAnswers: basketAnswers)
        next.live = status
        return next
    }
}
