/// Item-level demand from row-level probabilities: for each item, predicted demand
/// μ = Σ p over its rows and observed demand = Σ y over its rows (y ∈ {0, 1}), with the variance
/// of a sum of independent Bernoulli variables σ² = Σ p(1 − p). Items are listed ascending.
/// Cost O(n + items) with a dense table when item ids are small, as product ids are; O(n log n) by
/// a stable sort when they are not (negative, or the largest ≥ max(2²⁰, 8n)): the sums are taken in
/// row order within each item either way, so both give the same bits.
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
        guard let maxItem = rowItems.max(), let minItem = rowItems.min() else {
            self.init(items: [], predicted: [], observed: [], variance: [], rows: [])
            return
        }
        if minItem < 0 || Int(maxItem) >= max(1 << 20, 8 * rowItems.count) {
            self.init(sparseItems: rowItems, probabilities: probabilities, labels: labels)
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

    /// The same sums through a stable sort of the rows by item (for ids too large for a table).
    private init(sparseItems rowItems: [Int32], probabilities: [Double], labels: [Double]?) {
        let order = rowItems.indices.sorted { (rowItems[$0], $0) < (rowItems[$1], $1) }
        var items: [Int32] = [], predicted: [Double] = [], observed: [Double] = [], variance: [Double] = [], rows: [Int] = []
        for r in order {
            let p = probabilities[r]
            if items.last != rowItems[r] {
                items.append(rowItems[r]); predicted.append(0); observed.append(0); variance.append(0); rows.append(0)
            }
            let k = items.count - 1
            predicted[k] += p
            variance[k] += p * (1 - p)
            rows[k] += 1
            if let labels { observed[k] += labels[r] }
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
