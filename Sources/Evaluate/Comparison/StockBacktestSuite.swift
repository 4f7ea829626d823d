import Decisions
import Foundation

/// The stock backtest of `evaluate` for several policies side by side. A policy is a probability
/// per labelled row (aligned with `items` and `labels`): a model's out-of-fold predictions, or a
/// naive rate. Each policy is backtested three ways:
/// - `normal`, φ = 1: TASK.md's ⌈μ + zσ⌉ with σ² = Σ p(1 − p) (the rule before issue 16);
/// - `discrete`, φ = 1: the smallest s with P(D ≤ s) ≥ level (`CountDistribution`);
/// - `discrete`, φ by cross-validation over products (`StockBacktest.crossValidatedDispersion`);
/// - `fleet`, φ = 1: the discrete rule at the per-product level that covers the target share of
///   products in expectation (`FleetServiceLevel`);
/// - `discrete` and `fleet` with variance v + (c·μ)², the mean error c cross-validated over
///   products (`StockBacktest.crossValidatedMeanError`): variance "mean-error".
/// Cost O(policies · (rows + products · levels · s̄)).
public struct StockBacktestSuite: Sendable {
    public struct Run: Sendable, Codable {
        public var policy: String
        /// "normal", "discrete" or "fleet".
        public var rule: String
        /// "1" (independent coin flips), "cv" (φ cross-validated over products) or "mean-error"
        /// (v + (c·μ)², c cross-validated over products).
        public var variance: String
        public var dispersion: Double
        /// Per fold of products, when `variance` is "cv".
        public var dispersionFolds: [Double]?
        /// c (the mean over products), when `variance` is "mean-error".
        public var meanError: Double?
        /// Per fold of products, when `variance` is "mean-error".
        public var meanErrorFolds: [Double]?
        public var levels: [StockBacktest.Level]

        public init(policy: String, rule: String, variance: String, dispersion: Double = 1, dispersionFolds: [Double]? = nil,
                    meanError: Double? = nil, meanErrorFolds: [Double]? = nil, levels: [StockBacktest.Level]) {
            self.policy = policy
            self.rule = rule
            self.variance = variance
            self.dispersion = dispersion
            self.dispersionFolds = dispersionFolds
            self.meanError = meanError
            self.meanErrorFolds = meanErrorFolds
            self.levels = levels
        }

        /// The variance column of tables: "1", "φ cv 1.234" or "c cv 0.123".
        public var varianceLabel: String {
            switch variance {
            case "cv": String(format: "φ cv %.3f", dispersion)
            case "mean-error": String(format: "c cv %.3f", meanError ?? 0)
            default: "1"
            }
        }

        enum CodingKeys: String, CodingKey {
            case policy, rule, variance, dispersion, levels
            case dispersionFolds = "dispersion_folds"
            case meanError = "mean_error"
            case meanErrorFolds = "mean_error_folds"
        }
    }

    public var products: Int
    public var demand: Double
    public var runs: [Run]

    public init(policies: [(name: String, probabilities: [Double])], items: [Int32], labels: [Double],
                levels: [Double] = StockBacktest.defaultLevels, folds: Int = 5) {
        // One task per policy (independent; the cross-validated φ and c dominate the cost).
        let perPolicy = ParallelMap.map(count: policies.count) { index in
            Self.runs(policy: policies[index].name, probabilities: policies[index].probabilities, items: items, labels: labels,
                      levels: levels, folds: folds)
        }
        let products = perPolicy.last?.products ?? 0, demandUnits = perPolicy.last?.demand ?? 0
        let runs = perPolicy.flatMap(\.runs)
        self.products = products
        demand = demandUnits
        self.runs = runs
    }
}

extension StockBacktestSuite {
    /// One policy's six runs (normal, discrete, discrete with cross-validated φ, fleet, and discrete
    /// and fleet with the cross-validated mean error c), with the policy's product count and demand.
    static func runs(policy name: String, probabilities p: [Double], items: [Int32], labels: [Double], levels: [Double],
                     folds: Int) -> (runs: [Run], products: Int, demand: Double) {
        let clipped = p.map { $0.isNaN ? 0 : min(max($0, 0), 1) }
        let demand = DemandAggregation(items: items, probabilities: clipped, labels: labels)
        let before = StockBacktest(demand, rule: .normal, dispersion: 1, levels: levels)
        let discrete = StockBacktest(demand, rule: .discrete, dispersion: 1, levels: levels)
        let phi = StockBacktest.crossValidatedDispersion(demand, folds: folds)
        let widened = StockBacktest(demand, rule: .discrete, dispersions: phi.perProduct, levels: levels)
        let ones = [Double](repeating: 1, count: demand.items.count)
        var runs: [Run] = []
        runs.append(Run(policy: name, rule: "normal", variance: "1", levels: before.levels))
        runs.append(Run(policy: name, rule: "discrete", variance: "1", levels: discrete.levels))
        runs.append(Run(policy: name, rule: "discrete", variance: "cv", dispersion: widened.dispersion,
                        dispersionFolds: phi.folds, levels: widened.levels))
        let fleet = StockBacktest(demand, rule: .discrete, dispersions: ones, levels: levels, fleet: true)
        runs.append(Run(policy: name, rule: "fleet", variance: "1", levels: fleet.levels))
        let c = StockBacktest.crossValidatedMeanError(demand, folds: folds)
        let meanC = c.perProduct.isEmpty ? 0 : c.perProduct.reduce(0, +) / Double(c.perProduct.count)
        for fleetTarget in [false, true] {
            let run = StockBacktest(demand, rule: .discrete, dispersions: ones, meanErrors: c.perProduct, levels: levels,
                                    fleet: fleetTarget)
            runs.append(Run(policy: name, rule: fleetTarget ? "fleet" : "discrete", variance: "mean-error", meanError: meanC,
                            meanErrorFolds: c.folds, levels: run.levels))
        }
        return (runs, demand.items.count, demand.observed.reduce(0, +))
    }
}

extension StockBacktestSuite: Codable {}
