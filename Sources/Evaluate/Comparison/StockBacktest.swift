import Decisions

/// A backtest of the stock rule on out-of-fold predictions: per product i, μᵢ = Σ p and
/// vᵢ = Σ p(1 − p) over its rows (the labelled users' candidates), the realised demand Dᵢ = Σ y (the
/// number of those users whose next order holds it), and the stock sᵢ = ⌈μᵢ + z √(φ vᵢ)⌉
/// (`StockPolicy`). Per service level: achieved level = share of products with Dᵢ ≤ sᵢ, units short
/// (lost sales) = Σ max(Dᵢ − sᵢ, 0), units over (waste) = Σ max(sᵢ − Dᵢ, 0). Products are those
/// with at least one row. Cost O(rows + products · levels).
public struct StockBacktest: Sendable, Equatable {
    public struct Level: Sendable, Equatable, Codable {
        public var target: Double
        public var achieved: Double
        public var unitsShort: Double
        public var unitsOver: Double
        public var stock: Double

        public init(target: Double, achieved: Double, unitsShort: Double, unitsOver: Double, stock: Double) {
            self.target = target
            self.achieved = achieved
            self.unitsShort = unitsShort
            self.unitsOver = unitsOver
            self.stock = stock
        }

        enum CodingKeys: String, CodingKey {
            case target, achieved, stock
            case unitsShort = "units_short"
            case unitsOver = "units_over"
        }
    }

    public static let defaultLevels = [0.90, 0.95, 0.99]

    public var dispersion: Double
    public var products: Int
    public var demand: Double
    public var levels: [Level]

    public init(items: [Int32], probabilities: [Double], labels: [Double], dispersion: Double = 1,
                levels: [Double] = defaultLevels) {
        let clipped = probabilities.map { min(max($0, 0), 1) }
        self.init(DemandAggregation(items: items, probabilities: clipped, labels: labels), dispersion: dispersion, levels: levels)
    }

    public init(_ demand: DemandAggregation, dispersion: Double = 1, levels: [Double] = defaultLevels) {
        self.dispersion = dispersion
        products = demand.items.count
        self.demand = demand.observed.reduce(0, +)
        self.levels = levels.map { level in
            let policy = StockPolicy(serviceLevel: level, dispersion: dispersion)
            var covered = 0, short = 0.0, over = 0.0, stock = 0.0
            for i in demand.items.indices {
                let s = Double(policy.recommendedStock(expectedDemand: demand.predicted[i], variance: demand.variance[i]))
                let d = demand.observed[i]
                if d <= s { covered += 1 }
                short += max(d - s, 0)
                over += max(s - d, 0)
                stock += s
            }
            return Level(target: level, achieved: demand.items.isEmpty ? .nan : Double(covered) / Double(demand.items.count),
                         unitsShort: short, unitsOver: over, stock: stock)
        }
    }

    /// The overdispersion φ̂ = Σᵢ (Dᵢ − μᵢ)² / Σᵢ vᵢ (a moment estimator: E(D − μ)² = φ v when the
    /// variance is φ times the Bernoulli one), over products with vᵢ > 0; 1 when there are none.
    /// On out-of-fold predictions it measures how far demand is from independent coin flips.
    public static func dispersion(_ demand: DemandAggregation) -> Double {
        var residual = 0.0, bernoulli = 0.0
        for i in demand.items.indices where demand.variance[i] > 0 {
            let e = demand.observed[i] - demand.predicted[i]
            residual += e * e
            bernoulli += demand.variance[i]
        }
        return bernoulli > 0 ? residual / bernoulli : 1
    }
}
