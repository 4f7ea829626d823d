/// Item-level demand from row-level probabilities: for each item, predicted demand
/// μ = Σ p over its rows and observed demand = Σ y over its rows (y ∈ {0, 1}), with the variance
/// of a sum of independent Bernoulli variables σ² = Σ p(1 − p). Items are listed ascending.
/// Cost O(n + items) with a dense table when item ids are small, as product ids are.
public struct DemandAggregation: Sendable, Equatable {
    public let items: [Int32]
    public let predicted: [Double]
    public let observed: [Double]
    public let variance: [Double]
    /// Rows per item.
    public let rows: [Int]

    public init(items rowItems: [Int32], probabilities: [Double], labels: [Double]? = nil) {
        precondition(rowItems.count == probabilities.count, "DemandAggregation: one probability per row")
        precondition(labels == nil || labels!.count == rowItems.count, "DemandAggregation: one label per row")
        guard let maxItem = rowItems.max(), let minItem = rowItems.min(), minItem >= 0 else {
            self.init(items: [], predicted: [], observed: [], variance: [], rows: [])
            return
        }
        let limit = Int(maxItem) + 1
        var mu = [Double](repeating: 0, count: limit)
        var y = [Double](repeating: 0, count: limit)
        var v = [Double](repeating: 0, count: limit)
        var n = [Int](repeating: 0, count: limit)
        for r in rowItems.indices {
            let i = Int(rowItems[r]), p = probabilities[r]
            mu[i] += p
            v[i] += p * (1 - p)
            n[i] += 1
            if let labels { y[i] += labels[r] }
        }
        var items: [Int32] = [], predicted: [Double] = [], observed: [Double] = [], variance: [Double] = [], rows: [Int] = []
        for i in 0..<limit where n[i] > 0 {
            items.append(Int32(i)); predicted.append(mu[i]); observed.append(y[i]); variance.append(v[i]); rows.append(n[i])
        }
        self.init(items: items, predicted: predicted, observed: observed, variance: variance, rows: rows)
    }

    init(items: [Int32], predicted: [Double], observed: [Double], variance: [Double], rows: [Int]) {
        self.items = items
        self.predicted = predicted
        self.observed = observed
        self.variance = variance
        self.rows = rows
    }

    /// R² of predicted against observed demand over the items.
    public var rSquared: Double { Metrics.rSquared(observed, predicted) }
    /// Mean absolute error of predicted against observed demand over the items.
    public var meanAbsoluteError: Double { Metrics.meanAbsoluteError(observed, predicted) }
}
