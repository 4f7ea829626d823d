/// Row-level ("pair") scores of one model's out-of-fold predictions.
public struct PairScores: Sendable, Codable, Equatable {
    public var r2: Double
    public var mae: Double
    public var auc: Double
    public var logloss: Double
    /// Mean per-group F1 of the basket {items with p ≥ 0.2} ("None" when empty).
    public var f1At02: Double
    /// Mean per-group F1 of the basket that maximises each group's expected F1.
    public var f1Expected: Double

    enum CodingKeys: String, CodingKey {
        case r2, mae, auc, logloss
        case f1At02 = "f1_at_0_2"
        case f1Expected = "f1_expected"
    }
}

/// Item-level ("demand") scores: R² and MAE of Σp against Σy per item.
public struct DemandScores: Sendable, Codable, Equatable {
    public var r2: Double
    public var mae: Double
    /// Items with at least one row.
    public var products: Int
}

/// Both levels for one model.
public struct ModelScores: Sendable, Codable, Equatable {
    public var pair: PairScores
    public var demand: DemandScores
}

extension ModelScores {
    /// Scores out-of-fold predictions `p` against labels `y`, grouping rows by `groups` (for the
    /// basket F1s) and by `items` (for demand). Cost O(n log n).
    /// `baskets`: the basket F1s when already computed (`BasketF1.perGroup` of these rows' clipped
    /// probabilities, averaged), which skips the quadratic expected-F1 search.
    public static func score(predictions p: [Double], labels y: [Double], groups: [Int32], items: [Int32],
                             threshold: Double = 0.2, baskets given: (threshold: Double, expected: Double)? = nil) -> ModelScores {
        let clipped = p.map { min(max($0, 0), 1) }
        let baskets = given ?? BasketF1.mean(probabilities: clipped, labels: y, groups: groups, threshold: threshold)
        let pair = PairScores(r2: Metrics.rSquared(y, p), mae: Metrics.meanAbsoluteError(y, p),
                              auc: Metrics.areaUnderROC(labels: y, scores: p),
                              logloss: Metrics.logLoss(labels: y, probabilities: clipped),
                              f1At02: baskets.threshold, f1Expected: baskets.expected)
        let demand = DemandAggregation(items: items, probabilities: clipped, labels: y)
        return ModelScores(pair: pair, demand: DemandScores(r2: demand.rSquared, mae: demand.meanAbsoluteError,
                                                            products: demand.items.count))
    }
}
