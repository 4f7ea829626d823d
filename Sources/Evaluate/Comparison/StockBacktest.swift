import Decisions

/// A backtest of a stock rule on out-of-fold predictions: per product i, μᵢ = Σ p and
/// vᵢ = Σ p(1 − p) over its rows (the labelled users' candidates), the realised demand Dᵢ = Σ y (the
/// number of those users whose next order holds it), and the stock sᵢ of `StockPolicy` (rule
/// `discrete` or `normal`, variance φᵢ·vᵢ). Per service level:
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

    /// One φᵢ per product (aligned with `demand.items`). `fleet`: each target is the share of
    /// products to cover, and the discrete rule runs at the per-product level `FleetServiceLevel`
    /// finds for it (the rule must be `discrete`).
    public init(_ demand: DemandAggregation, rule: StockPolicy.Rule, dispersions: [Double], levels: [Double] = defaultLevels,
                fleet: Bool = false) {
        precondition(!fleet || rule == .discrete, "StockBacktest: a fleet target needs the discrete rule")
        precondition(dispersions.count == demand.items.count, "StockBacktest: one dispersion per product")
        self.rule = rule
        dispersion = dispersions.isEmpty ? 1 : dispersions.reduce(0, +) / Double(dispersions.count)
        products = demand.items.count
        self.demand = demand.observed.reduce(0, +)
        self.levels = levels.map { target in
            var level = target, productLevel: Double?
            if fleet {
                let distributions = demand.items.indices.map {
                    CountDistribution(mean: demand.predicted[$0], variance: dispersions[$0] * demand.variance[$0])
                }
                level = FleetServiceLevel.productLevel(distributions, target: target)
                productLevel = level
            }
            var policies: [Double: StockPolicy] = [:]
            var covered = 0, expected = 0.0, short = 0.0, over = 0.0, stock = 0.0
            for i in demand.items.indices {
                let phi = dispersions[i]
                let policy = policies[phi] ?? StockPolicy(serviceLevel: level, dispersion: phi, rule: rule)
                policies[phi] = policy
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
        precondition(folds >= 2, "StockBacktest: at least two folds")
        let fold = demand.items.map { Int((Int64($0) % Int64(folds) + Int64(folds)) % Int64(folds)) }
        let values = (0..<folds).map { k in max(1, dispersion(demand) { fold[$0] != k }) }
        return (fold.map { values[$0] }, values)
    }
}
