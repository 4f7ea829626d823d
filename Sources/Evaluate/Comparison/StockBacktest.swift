import Decisions
import Foundation

/// A backtest of a stock rule on out-of-fold predictions: per product i, μᵢ = Σ p and
/// vᵢ = Σ p(1 − p) over its rows (the labelled users' candidates), the realised demand Dᵢ = Σ y (the
/// number of those users whose next order holds it), and the stock sᵢ of `StockPolicy` (rule
/// `discrete` or `normal`, variance φᵢ·vᵢ + (cᵢ·μᵢ)², `StockPolicy`). Per service level:
/// - achieved level = share of products with Dᵢ ≤ sᵢ;
/// - expected level = mean of P(Dᵢ ≤ sᵢ) under the policy's own count distribution (what the rule
///   promises: above the target by the rounding of a discrete quantile; achieved − expected measures
///   the model's and the variance's miscalibration);
/// - units short (lost sales) = Σ max(Dᵢ − sᵢ, 0), units over (waste) = Σ max(sᵢ − Dᵢ, 0).
/// Products are those with at least one row. Cost O(rows + products · levels · s̄), s̄ the mean
/// stock below μ = 50 (`CountDistribution`).
public struct StockBacktest: Sendable, Equatable {
    public struct Level: Sendable, Equatable, Codable {
        public var target: Double
        public var achieved: Double
        public var expected: Double
        public var unitsShort: Double
        public var unitsOver: Double
        public var stock: Double
        /// With a fleet target (`FleetServiceLevel`): the per-product level the stocks were set at.
        public var productLevel: Double?

        public init(target: Double, achieved: Double, expected: Double, unitsShort: Double, unitsOver: Double, stock: Double,
                    productLevel: Double? = nil) {
            self.productLevel = productLevel
            self.target = target
            self.achieved = achieved
            self.expected = expected
            self.unitsShort = unitsShort
            self.unitsOver = unitsOver
            self.stock = stock
        }

        enum CodingKeys: String, CodingKey {
            case target, achieved, expected, stock
            case unitsShort = "units_short"
            case unitsOver = "units_over"
            case productLevel = "product_level"
        }
    }

    public static let defaultLevels = [0.90, 0.95, 0.99]

    public var rule: StockPolicy.Rule
    /// φ, or the mean of the per-product φᵢ when they differ (cross-validated φ).
    public var dispersion: Double
    public var products: Int
    public var demand: Double
    public var levels: [Level]

    public init(items: [Int32], probabilities: [Double], labels: [Double], rule: StockPolicy.Rule = .standard,
                dispersion: Double = 1, levels: [Double] = defaultLevels) {
        let clipped = probabilities.map { min(max($0, 0), 1) }
        self.init(DemandAggregation(items: items, probabilities: clipped, labels: labels), rule: rule, dispersion: dispersion, levels: levels)
    }

    public init(_ demand: DemandAggregation, rule: StockPolicy.Rule = .standard, dispersion: Double = 1,
                levels: [Double] = defaultLevels) {
        self.init(demand, rule: rule, dispersions: [Double](repeating: dispersion, count: demand.items.count), levels: levels)
    }

    /// One φᵢ per product (aligned with `demand.items`), and one mean error cᵢ per product (none:
    /// 0). `fleet`: each target is the share of products to cover, and the discrete rule runs at the
    /// per-product level `FleetServiceLevel` finds for it (the rule must be `discrete`).
    public init(_ demand: DemandAggregation, rule: StockPolicy.Rule, dispersions: [Double], meanErrors: [Double]? = nil,
                levels: [Double] = defaultLevels, fleet: Bool = false) {
        precondition(!fleet || rule == .discrete, "StockBacktest: a fleet target needs the discrete rule")
        precondition(dispersions.count == demand.items.count, "StockBacktest: one dispersion per product")
        precondition(meanErrors == nil || meanErrors?.count == demand.items.count, "StockBacktest: one mean error per product")
        let errors = meanErrors ?? [Double](repeating: 0, count: demand.items.count)
        self.rule = rule
        dispersion = dispersions.isEmpty ? 1 : dispersions.reduce(0, +) / Double(dispersions.count)
        products = demand.items.count
        self.demand = demand.observed.reduce(0, +)
        self.levels = levels.map { target in
            var level = target, productLevel: Double?
            if fleet {
                let distributions = demand.items.indices.map {
                    StockPolicy(serviceLevel: target, dispersion: dispersions[$0], meanError: errors[$0])
                        .distribution(expectedDemand: demand.predicted[$0], variance: demand.variance[$0])
                }
                level = FleetServiceLevel.productLevel(distributions, target: target)
                productLevel = level
            }
            var policies: [PolicyKey: StockPolicy] = [:]
            var covered = 0, expected = 0.0, short = 0.0, over = 0.0, stock = 0.0
            for i in demand.items.indices {
                let key = PolicyKey(dispersion: dispersions[i], meanError: errors[i])
                let policy = policies[key] ?? StockPolicy(serviceLevel: level, dispersion: key.dispersion, meanError: key.meanError, rule: rule)
                policies[key] = policy
                let s = policy.recommendedStock(expectedDemand: demand.predicted[i], variance: demand.variance[i])
                expected += policy.distribution(expectedDemand: demand.predicted[i], variance: demand.variance[i]).cumulative(s)
                let d = demand.observed[i], units = Double(s)
                if d <= units { covered += 1 }
                short += max(d - units, 0)
                over += max(units - d, 0)
                stock += units
            }
            let n = Double(demand.items.count)
            return Level(target: target, achieved: demand.items.isEmpty ? .nan : Double(covered) / n,
                         expected: demand.items.isEmpty ? .nan : expected / n, unitsShort: short, unitsOver: over, stock: stock,
                         productLevel: productLevel)
        }
    }

    /// The variance parameters of one product's policy (products that share them share a policy).
    struct PolicyKey: Hashable {
        var dispersion: Double
        var meanError: Double
    }

    /// The overdispersion φ̂ = Σᵢ (Dᵢ − μᵢ)² / Σᵢ vᵢ (a moment estimator: E(D − μ)² = φ v when the
    /// variance is φ times the Bernoulli one), over products with vᵢ > 0 and `include(i)`; 1 when
    /// there are none. On out-of-fold predictions it measures how far demand is from independent
    /// coin flips (plus the model's error on μ).
    public static func dispersion(_ demand: DemandAggregation, where include: (Int) -> Bool = { _ in true }) -> Double {
        var residual = 0.0, bernoulli = 0.0
        for i in demand.items.indices where demand.variance[i] > 0 && include(i) {
            let e = demand.observed[i] - demand.predicted[i]
            residual += e * e
            bernoulli += demand.variance[i]
        }
        return bernoulli > 0 ? residual / bernoulli : 1
    }

    /// φ by cross-validation over products: product i is in fold (product_id mod `folds`), and its
    /// φᵢ is `dispersion` over the products of the other folds, floored at 1 (a variance below
    /// the Bernoulli one is not used). Returns the per-product φᵢ and the per-fold values.
    /// Cost O(products · folds).
    public static func crossValidatedDispersion(_ demand: DemandAggregation, folds: Int = 5) -> (perProduct: [Double], folds: [Double]) {
        crossValidated(demand, folds: folds) { include in max(1, dispersion(demand, where: include)) }
    }

    /// An estimate by cross-validation over products: product i is in fold (product_id mod `folds`)
    /// and gets `estimate` over the products of the other folds. Returns the per-product values and
    /// the per-fold ones.
    static func crossValidated(_ demand: DemandAggregation, folds: Int,
                               _ estimate: (_ include: (Int) -> Bool) -> Double) -> (perProduct: [Double], folds: [Double]) {
        precondition(folds >= 2, "StockBacktest: at least two folds")
        let fold = demand.items.map { Int((Int64($0) % Int64(folds) + Int64(folds)) % Int64(folds)) }
        let values = (0..<folds).map { k in estimate { fold[$0] != k } }
        return (fold.map { values[$0] }, values)
    }

    /// The mean error ĉ of σ² = vᵢ + (c·μᵢ)²: the Pearson moment estimator of the negative
    /// binomial's α = c² in Var = μ + αμ² (Cameron and Trivedi), α solving
    /// (1/N) Σᵢ (Dᵢ − μᵢ)² / (vᵢ + α μᵢ²) = 1 over the N products with vᵢ > 0 and `include(i)`: each
    /// product counts once, as in the backtest's share of covered products, so the many small
    /// products are not outweighed by a few large ones (the ratio Σ(D − μ)²/Σv is). The left side
    /// falls as α grows, so α is bisected (60 halvings of log α on [1e-8, 100]); 0 when even α = 0
    /// gives at most 1 (coin flips already cover the residuals). Cost O(60 · products).
    public static func meanError(_ demand: DemandAggregation, where include: (Int) -> Bool = { _ in true }) -> Double {
        var residuals: [Double] = [], variances: [Double] = [], squaredMeans: [Double] = []
        for i in demand.items.indices where demand.variance[i] > 0 && include(i) {
            let e = demand.observed[i] - demand.predicted[i]
            residuals.append(e * e)
            variances.append(demand.variance[i])
            squaredMeans.append(demand.predicted[i] * demand.predicted[i])
        }
        if residuals.isEmpty { return 0 }
        func pearson(_ alpha: Double) -> Double {
            var total = 0.0
            for j in residuals.indices { total += residuals[j] / (variances[j] + alpha * squaredMeans[j]) }
            return total / Double(residuals.count)
        }
        if pearson(0) <= 1 { return 0 }
        var lo = log(1e-8), hi = log(100.0)
        if pearson(exp(hi)) > 1 { return 10 }
        if pearson(exp(lo)) <= 1 { return exp(lo / 2) }
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if pearson(exp(mid)) > 1 { lo = mid } else { hi = mid }
        }
        return exp(hi / 2)
    }

    /// c by cross-validation over products (folds of product_id mod `folds`, as for φ): product i
    /// gets `meanError` over the products of the other folds. Returns the per-product cᵢ and the
    /// per-fold values. Cost O(60 · products · folds).
    public static func crossValidatedMeanError(_ demand: DemandAggregation, folds: Int = 5) -> (perProduct: [Double], folds: [Double]) {
        crossValidated(demand, folds: folds) { include in meanError(demand, where: include) }
    }
}
