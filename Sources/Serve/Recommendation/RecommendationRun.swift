import Decisions
import Features
import Forest
import Tabular
import TabularIO

/// `restock recommend` as one library call: read a data folder, build the candidate rows of the
/// users' next orders, score them with a model, and write one stock recommendation per product
/// (and, on request, each user's expected-F1 basket).
///
/// Steps: `InstacartReader` → `ReorderMatrix.build` → schema check → `ForestPredictor` → the
/// horizon's rows → `StockRecommender` (μ, σ, ⌈μ + zσ⌉) and `NextBasket.choose`. Both output files
/// are written to temporary names and renamed together at the end, so a failed run leaves neither.
/// Memory: the data tables and the candidate matrix (as `restock features`); cost dominated by
/// reading the CSV files and by the forest (O(rows · trees · depth)).
public struct RecommendationRun: Sendable {
    /// Which next orders the demand is summed over.
    public enum Horizon: String, CaseIterable, Sendable {
        /// Every user's next order (train and test orders).
        case all
        /// Only the unlabelled test orders: the orders still to come in the Instacart layout.
        case test
    }

    public struct Configuration: Sendable {
        public var modelPath: String
        public var dataDirectory: String
        public var outPath: String
        public var basketsPath: String?
        public var serviceLevel: Double
        public var horizon: Horizon
        public var threads: Int
        /// φ: the stock's variance is φ·Σ p(1 − p) (`StockPolicy`); 1 is the independent-orders rule.
        public var dispersion: Double = 1
        /// The model's relative error on μ, c: σ² = φ·Σ p(1 − p) + (c·μ)² (`StockPolicy`).
        public var meanError: Double = 0
        /// `discrete` (default) or `normal` (`StockPolicy.Rule`).
        public var stockRule = StockPolicy.Rule.standard

        public init(modelPath: String, dataDirectory: String, outPath: String, basketsPath: String? = nil,
                    serviceLevel: Double = 0.95, horizon: Horizon = .all, threads: Int = 1) {
            self.modelPath = modelPath
            self.dataDirectory = dataDirectory
            self.outPath = outPath
            self.basketsPath = basketsPath
            self.serviceLevel = serviceLevel
            self.horizon = horizon
            self.threads = threads
        }
    }

    public struct Result: Sendable {
        public var recommendations: [StockRecommendation]
        public var baskets: Int
        public var users: Int
        public var candidateRows: Int
        public var modelVersion: String
        public var seconds: (read: Double, features: Double, predict: Double, write: Double)

        public init(recommendations: [StockRecommendation], baskets: Int, users: Int, candidateRows: Int, modelVersion: String,
                    seconds: (read: Double, features: Double, predict: Double, write: Double)) {
            self.recommendations = recommendations
            self.baskets = baskets
            self.users = users
            self.candidateRows = candidateRows
            self.modelVersion = modelVersion
            self.seconds = seconds
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let c = configuration
        let clock = ContinuousClock()
        var start = clock.now
        func lap() -> Double {
            let d = clock.now - start
            start = clock.now
            return Elapsed.seconds(d)
        }
        let model = try ForestModel.load(from: c.modelPath)
        try PredictionRange.requireProbabilities(model, path: c.modelPath)
        let version = model.version.description
        let data = try InstacartReader.read(directory: c.dataDirectory, threads: c.threads)
        let read = lap()
        let (matrix, _) = ReorderMatrix.build(data, blocks: max(64, c.threads * 16))
        let features = lap()
        let scorer = StreamingScorer(model: model, threads: c.threads)
        try scorer.check(schema: matrix.features.schema, keyNames: matrix.keys.names, input: c.dataDirectory)
        progress?("scoring \(matrix.rowCount) candidate rows with model \(version)")
        let probabilities = try scorer.predictor.predict(matrix.features, threads: c.threads)
        let predict = lap()

        let rows = c.horizon == .all ? Array(0..<matrix.rowCount) : matrix.target.indices.filter { matrix.target[$0].isNaN }
        let users = rows.map { matrix.keys.columns[0][$0] }
        let products = rows.map { matrix.keys.columns[1][$0] }
        let p = rows.map { probabilities[$0] }
        let recommender = StockRecommender(policy: StockPolicy(serviceLevel: c.serviceLevel, dispersion: c.dispersion, meanError: c.meanError, rule: c.stockRule), modelVersion: version)
        let recommendations = recommender.recommend(products: products, probabilities: p, catalog: ProductCatalog(data))

        var writers: [AtomicFileWriter] = []
        var basketCount = 0
        do {
            let out = try AtomicFileWriter.opening(c.outPath)
            writers.append(out)
            try RecommendationWriter.write(recommendations, to: out)
            if let basketsPath = c.basketsPath {
                var nextOrder: [Int32: Int32] = [:]
                for r in 0..<data.orders.count where data.orders.evalSet(atRow: r) != .prior {
                    nextOrder[data.orders.userID[r]] = data.orders.orderID[r]
                }
                let baskets = NextBasket.choose(users: users, products: products, probabilities: p, nextOrder: nextOrder)
                basketCount = baskets.count
                let writer = try AtomicFileWriter.opening(basketsPath)
                writers.append(writer)
                try RecommendationWriter.write(baskets, to: writer)
            }
            for writer in writers { try writer.finishWithoutRename() }
            try AtomicFileWriter.renameAll(writers)
        } catch {
            for writer in writers { writer.abandon() }
            throw error
        }
        let write = lap()
        return Result(recommendations: recommendations, baskets: basketCount, users: Set(users).count, candidateRows: rows.count,
                      modelVersion: version, seconds: (read, features, predict, write))
    }
}
