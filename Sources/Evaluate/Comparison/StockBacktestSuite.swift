import Decisions

/// The stock backtest of `evaluate` for several policies side by side. A policy is a probability
/// per labelled row (aligned with `items` and `labels`): a model's out-of-fold predictions, or a
/// naive rate. Each policy is backtested three ways:
/// - `normal`, φ = 1: TASK.md's ⌈μ + zσ⌉ with σ² = Σ p(1 − p) (the rule before issue 16);
/// - `discrete`, φ = 1: the smallest s with P(D ≤ s) ≥ level (`CountDistribution`);
/// - `discrete`, φ by cross-validation over products (`StockBacktest.crossValidatedDispersion`);
/// - `fleet`, φ = 1: the discrete rule at the per-product level that covers the target share of
///   products in expectation (`FleetServiceLevel`).
/// Cost O(policies · (rows + products · levels · s̄)).
public struct StockBacktestSuite: Sendable {
    public struct Run: Sendable, Codable {
        public var policy: String
        /// "normal", "discrete" or "fleet".
        public var rule: String
        /// "1" (independent coin flips) or "cv" (φ cross-validated over products).
        public var variance: String
        public var dispersion: Double
        /// Per fold of products, when `variance` is "cv".
        public var dispersionFolds: [Double]?
        public var levels: [StockBacktest.Level]

        enum CodingKeys: String, CodingKey {
            case policy, rule, variance, dispersion, levels
            case dispersionFolds = "dispersion_folds"
        }
    }

    public var products: Int
    public var demand: Double
    public var runs: [Run]

    public init(policies: [(name: String, probabilities: [Double])], items: [Int32], labels: [Double],
                levels: [Double] = StockBacktest.defaultLevels, folds: Int = 5) {
        var products = 0, demandUnits = 0.0
        var runs: [Run] = []
        for (name, p) in policies {
            let clipped = p.map { $0.isNaN ? 0 : min(max($0, 0), 1) }
            let demand = DemandAggregation(items: items, probabilities: clipped, labels: labels)
            products = demand.items.count
            demandUnits = demand.observed.reduce(0, +)
            let before = StockBacktest(demand, rule: .normal, dispersion: 1, levels: levels)
            let discrete = StockBacktest(demand, rule: .discrete, dispersion: 1, levels: levels)
            let phi = StockBacktest.crossValidatedDispersion(demand, folds: folds)
            let widened = StockBacktest(demand, rule: .discrete, dispersions: phi.perProduct, levels: levels)
            runs.append(Run(policy: name, rule: "normal", variance: "1", dispersion: 1, dispersionFolds: nil, levels: before.levels))
            runs.append(Run(policy: name, rule: "discrete", variance: "1", dispersion: 1, dispersionFolds: nil, levels: discrete.levels))
            runs.append(Run(policy: name, rule: "discrete", variance: "cv", dispersion: widened.dispersion,
                            dispersionFolds: phi.folds, levels: widened.levels))
            let fleet = StockBacktest(demand, rule: .discrete, dispersions: [Double](repeating: 1, count: demand.items.count),
                                      levels: levels, fleet: true)
            runs.append(Run(policy: name, rule: "fleet", variance: "1", dispersion: 1, dispersionFolds: nil, levels: fleet.levels))
        }
        self.products = products
        demand = demandUnits
        self.runs = runs
    }
}

extension StockBacktestSuite: Codable {}
