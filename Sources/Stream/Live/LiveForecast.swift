import Decisions
import Features
import Forest
import Tabular

/// The stock forecast that moves as orders arrive (issue 13, `stream --model`): every user's
/// history and the product totals (`LiveOrderHistory`), the current reorder probability of every
/// candidate (user, product) under one model, and per product the demand sums μ = Σ p and
/// σ² = Σ p(1 − p) over all users' next orders (the horizon `all` of `recommend`), from which
/// `stock()` gives the stock of `StockPolicy` (by default the smallest s with P(D ≤ s) ≥ the level).
///
/// `apply(events)` appends each order to its user's history (a prior order becomes history, a train
/// or test order the user's target order), moves the totals of the products it holds, recomputes
/// the candidate rows of the users it touched with the batch builder's own per-user routine,
/// re-scores them with the forest and moves μ and σ² by the difference between their old and new
/// rows. An order also changes the product features (p_orders, p_reorder_ratio, ...) of every
/// other user holding its products; re-scoring all of those per event would cost a full re-score
/// per order, so they are brought up to date by `refresh()`, which re-scores every user with a
/// candidate among the products whose totals changed since the last refresh.
///
/// Exactness: right after `apply`, the rows of the users it touched are exact (the product totals
/// they read are current); other users' rows may lag on product features. After `refresh()` every
/// row is exactly the row `ReorderFeatureBuilder.build` gives on the data holding all the applied
/// orders, every probability has the bits the batch `recommend` gives, and μ, σ² equal the batch
/// sums to within Double rounding (about 1e-15 relative: the sums are kept in exact fixed point,
/// `ExactDemandSum`, so no amount of deltas drifts; the batch sums in row order). Users without a
/// train or test order have no candidates, as in batch.
///
/// Pure: no I/O, one owner (not thread-safe). Memory: `LiveOrderHistory`, plus 8 bytes per
/// candidate row (product number, probability) and ~50 bytes per user, plus 36 bytes per product;
/// a re-score holds one chunk of rows (`chunkRows` × 30 features × 4 bytes). Cost: O(the user's
/// rows) per event plus the forest over the re-scored rows (O(rows · trees · depth)).
public final class LiveForecast {
    /// One candidate of a user: product number and its probability.
    struct Candidate: Sendable {
        var product: Int32
        var probability: Float
    }

    /// What one `apply` or `refresh` did.
    public struct Step: Sendable, Equatable {
        public var events = 0
        public var duplicateNumbers = 0
        public var usersRescored = 0
        public var rowsScored = 0
        public var changedProducts = 0

        public init() {}
    }

    /// One product's current forecast.
    public struct Row: Sendable, Equatable {
        public var productID: Int32
        /// μ = Σ p over the product's candidate rows.
        public var expectedDemand: Double
        /// σ = √Σ p(1 − p).
        public var standardDeviation: Double
        /// The stock of `StockPolicy` (discrete rule by default).
        public var recommendedStock: Int
        public var candidates: Int
    }

    public let history: LiveOrderHistory
    public let policy: StockPolicy
    public let modelVersion: String
    /// Counts the changes of the forecast (each `apply` or `refresh` that re-scored a user).
    public private(set) var revision = 0
    private let predictor: ForestPredictor
    private let threads: Int
    private let chunkRows: Int
    private var candidates: [[Candidate]]
    private var mu: [ExactDemandSum] = []
    private var variance: [ExactDemandSum] = []
    private var rowCounts: [Int32] = []

    /// Builds the state from `data` and scores every candidate row once (chunked, `threads` for the
    /// forest). Throws `ForestError.schemaMismatch` when the model was not trained on the builder's
    /// features (`ReorderFeature.all`, in order).
    public init(data: InstacartData, model: ForestModel, serviceLevel: Double = 0.95, threads: Int = 1,
                chunkRows: Int = 65_536) throws {
        history = LiveOrderHistory(data: data)
        policy = StockPolicy(serviceLevel: serviceLevel)
        modelVersion = model.version.description
        predictor = ForestPredictor(model)
        if let difference = FeatureSchema(names: ReorderFeature.names).difference(from: predictor.schema) {
            throw ForestError.schemaMismatch(difference)
        }
        self.threads = max(1, threads)
        self.chunkRows = max(1, chunkRows)
        candidates = [[Candidate]](repeating: [], count: history.userCount)
        try rescore(users: Array(0..<history.userCount))
    }

    public var userCount: Int { history.userCount }

    /// Applies the orders in sequence (see the type). An order whose user already has an order of the
    /// same order_number changes nothing (counted in `duplicateNumbers`).
    @discardableResult
    public func apply(_ events: [OrderEvent]) throws -> Step {
        var step = Step()
        var touched: [Int] = []
        var seen = Set<Int>()
        for event in events {
            let lines = event.lines.map {
                LiveOrderHistory.Line(productID: $0.productID, addToCartOrder: $0.addToCartOrder,
                                      reordered: $0.reordered.map { $0 ? 1 : 0 })
            }
            let (u, outcome) = history.append(userID: event.userID, evalSet: event.evalSet, orderNumber: event.orderNumber,
                                              dow: event.dow, hour: event.hour, daysSincePrior: event.daysSincePrior, lines: lines)
            step.events += 1
            if outcome == .duplicateNumber {
                step.duplicateNumbers += 1
                continue
            }
            if seen.insert(u).inserted { touched.append(u) }
        }
        step.usersRescored = touched.count
        step.rowsScored = try rescore(users: touched)
        return step
    }

    /// Re-scores every user with a candidate among the products whose totals changed since the last
    /// refresh (see the type: afterwards every row is exact). Cost O(all candidate rows) to find them,
    /// plus the forest over their rows.
    @discardableResult
    public func refresh() throws -> Step {
        var step = Step()
        let changedProducts = history.takeChangedProducts()
        step.changedProducts = changedProducts.count
        guard !changedProducts.isEmpty else { return step }
        var changed = [Bool](repeating: false, count: history.productCount)
        for p in changedProducts { changed[Int(p)] = true }
        var users: [Int] = []
        for u in candidates.indices where candidates[u].contains(where: { changed[Int($0.product)] }) { users.append(u) }
        step.usersRescored = users.count
        step.rowsScored = try rescore(users: users)
        return step
    }

    /// Re-scores every user (the same result as `refresh` when nothing is stale).
    @discardableResult
    public func rescoreAll() throws -> Step {
        _ = history.takeChangedProducts()
        var step = Step()
        step.usersRescored = history.userCount
        step.rowsScored = try rescore(users: Array(0..<history.userCount))
        return step
    }

    /// Recomputes and re-scores `users`' rows, chunk by chunk, moving the sums by the difference.
    /// Returns the rows scored.
    @discardableResult
    private func rescore(users: [Int]) throws -> Int {
        if candidates.count < history.userCount {
            candidates += [[Candidate]](repeating: [], count: history.userCount - candidates.count)
        }
        growSums()
        if !users.isEmpty { revision += 1 }
        var scored = 0
        var chunk: [Int] = []
        var chunkWeight = 0
        for (k, u) in users.enumerated() {
            for c in candidates[u] { remove(c) }
            candidates[u] = []
            if history.hasTarget(u) {
                chunk.append(u)
                chunkWeight += history.priorRowCount(u)
            }
            if !chunk.isEmpty && (chunkWeight >= 2 * chunkRows || k == users.count - 1) {
                scored += try score(chunk)
                chunk.removeAll(keepingCapacity: true)
                chunkWeight = 0
            }
        }
        if !chunk.isEmpty { scored += try score(chunk) }
        return scored
    }

    private func score(_ users: [Int]) throws -> Int {
        let (matrix, rowStart) = history.candidateRows(users: users)
        let probabilities = try predictor.predict(matrix.features, threads: matrix.rowCount >= 4096 ? threads : 1)
        let products = matrix.keys.columns[1]
        for (k, u) in users.enumerated() {
            var list: [Candidate] = []
            list.reserveCapacity(rowStart[k + 1] - rowStart[k])
            for r in rowStart[k]..<rowStart[k + 1] {
                let c = Candidate(product: products[r], probability: probabilities[r])
                list.append(c)
                add(c)
            }
            candidates[u] = list
        }
        return matrix.rowCount
    }

    private func growSums() {
        let n = history.productCount
        guard mu.count < n else { return }
        mu += [ExactDemandSum](repeating: .init(), count: n - mu.count)
        variance += [ExactDemandSum](repeating: .init(), count: n - variance.count)
        rowCounts += [Int32](repeating: 0, count: n - rowCounts.count)
    }

    @inline(__always)
    private func add(_ c: Candidate) {
        let p = Double(c.probability), i = Int(c.product)
        mu[i].add(p)
        variance[i].add(p * (1 - p))
        rowCounts[i] += 1
    }

    @inline(__always)
    private func remove(_ c: Candidate) {
        let p = Double(c.probability), i = Int(c.product)
        mu[i].subtract(p)
        variance[i].subtract(p * (1 - p))
        rowCounts[i] -= 1
    }

    /// One row per product with at least one candidate, ascending by product_id. O(products log products).
    public func stock() -> [Row] {
        var rows: [Row] = []
        for p in rowCounts.indices where rowCounts[p] > 0 {
            let m = mu[p].value, v = variance[p].value
            rows.append(Row(productID: history.productIDs[p], expectedDemand: m, standardDeviation: max(v, 0).squareRoot(),
                            recommendedStock: policy.recommendedStock(expectedDemand: m, variance: v),
                            candidates: Int(rowCounts[p])))
        }
        rows.sort { $0.productID < $1.productID }
        return rows
    }

    /// Candidate rows in all.
    public var candidateRowCount: Int { rowCounts.reduce(0) { $0 + Int($1) } }
}
