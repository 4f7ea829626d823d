import Decisions
import Forest
import Serve
import Tabular

/// Scores `ServeInputs` with a model into a `ServeState`, with Serve's and Decisions' own steps:
/// the scorer's schema check (`StreamingScorer.check`: same features in the same order, both keys),
/// `PredictionRange.requireProbabilities`, `ForestPredictor`, `StockRecommender` (μ, σ, the stock of `StockPolicy`)
/// and `NextBasket.choose` (expected F1). The horizon is every user's next order, as
/// `restock recommend --horizon all`. Cost O(rows · trees · depth) plus O(rows log rows) for the baskets.
public enum ServeStateBuilder {
    public static func state(inputs: ServeInputs, model: ForestModel, modelPath: String, serviceLevel: Double, threads: Int,
                             progress: (@Sendable (String) -> Void)? = nil) throws -> ServeState {
        try PredictionRange.requireProbabilities(model, path: modelPath)
        let scorer = StreamingScorer(model: model, threads: threads)
        let matrix = inputs.matrix
        try scorer.check(schema: matrix.features.schema, keyNames: matrix.keys.names, input: inputs.source)
        let version = model.version.description
        progress?("scoring \(matrix.rowCount) candidate rows with model \(version)")
        let probabilities = try scorer.predictor.predict(matrix.features, threads: threads)
        let users = matrix.keys.column(named: "user_id")!
        let products = matrix.keys.column(named: "product_id")!
        let recommender = StockRecommender(policy: StockPolicy(serviceLevel: serviceLevel), modelVersion: version)
        let recommendations = recommender.recommend(products: products, probabilities: probabilities, catalog: inputs.catalog)
        let baskets = NextBasket.choose(users: users, products: products, probabilities: probabilities, nextOrder: inputs.nextOrder)
        var forecasts: [Int32: UserForecast] = [:]
        forecasts.reserveCapacity(baskets.count)
        let order = users.indices.sorted { (users[$0], -probabilities[$0], products[$0]) < (users[$1], -probabilities[$1], products[$1]) }
        var i = 0, b = 0
        while i < order.count {
            let user = users[order[i]]
            var j = i
            while j < order.count && users[order[j]] == user { j += 1 }
            while b < baskets.count && baskets[b].userID < user { b += 1 }
            let rows = order[i..<j]
            forecasts[user] = UserForecast(userID: user, orderID: inputs.nextOrder[user], products: rows.map { products[$0] },
                                           probabilities: rows.map { probabilities[$0] }, basket: baskets[b])
            i = j
        }
        return ServeState(recommendations: recommendations, catalog: inputs.catalogEntries, users: forecasts,
                          model: ModelSummary(model, path: modelPath), kpis: inputs.kpis, serviceLevel: serviceLevel,
                          candidateRows: matrix.rowCount, scorer: StreamingScorer(model: model, threads: 1))
    }
}
