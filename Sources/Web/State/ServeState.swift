import Decisions
import Foundation
import Hummingbird
import Serve

/// Everything `restock serve` answers from, computed once per model: per product μ, σ and stock,
/// per user the candidate probabilities and the expected-F1 basket, the department totals, the
/// model's description and the data's KPIs. Immutable and `Sendable`: a reload builds a new state and
/// swaps it in whole (`ServeStateHolder`), so a request always sees one model's numbers.
///
/// Queries are pure functions of the state and their parameters (`recommendations(_:)`); the HTTP
/// layer only parses parameters and renders. Memory: O(products + candidate rows).
public struct ServeState: Sendable {
    /// Per product, largest expected demand first (`StockRecommender`'s order), at `serviceLevel`.
    public let recommendations: [StockRecommendation]
    /// Each product's position in `recommendations`.
    public let recommendationIndex: [Int32: Int]
    /// Every product of the catalog (also those without a candidate row).
    public let catalog: [Int32: ProductCatalog.Entry]
    /// Per catalog product, its JSON members `"product_id":…,"product_name":…,"aisle":…`, rendered
    /// once so that a basket's candidate list is a concatenation (built lazily, on first use).
    let productJSON: ProductJSONCache
    public let users: [Int32: UserForecast]
    public let departments: [DepartmentDemand]
    public let model: ModelSummary
    public let kpis: DataKPIs
    /// The service level the stored stock was computed for (a query may ask for another).
    public let serviceLevel: Double
    public let candidateRows: Int
    /// The model's packed trees and features, for `POST /api/score`.
    public let scorer: StreamingScorer
    /// The live stream's figures when serving from ClickHouse with a `live_stock` poller; nil otherwise.
    public var live: LiveStatus? = nil
    /// `GET /api/recommendations` with no filter, sort or cut asked for (the dashboard's and a
    /// shop's usual call), rendered once with the state: served without rendering.
    private(set) var defaultRecommendationsAnswer = ByteBuffer()
    /// Each user's rendered basket answer, kept once asked for (shared by the live updates of one
    /// model, whose baskets do not change).
    let basketAnswers: BasketAnswerCache

    public init(recommendations: [StockRecommendation], catalog: [Int32: ProductCatalog.Entry], users: [Int32: UserForecast],
                model: ModelSummary, kpis: DataKPIs, serviceLevel: Double, candidateRows: Int, scorer: StreamingScorer) {
        self.init(recommendations: recommendations, catalog: catalog, users: users, model: model, kpis: kpis,
                  serviceLevel: serviceLevel, candidateRows: candidateRows, scorer: scorer, basketAnswers: BasketAnswerCache())
    }

    init(recommendations: [StockRecommendation], catalog: [Int32: ProductCatalog.Entry], users: [Int32: UserForecast],
         model: ModelSummary, kpis: DataKPIs, serviceLevel: Double, candidateRows: Int, scorer: StreamingScorer,
         basketAnswers: BasketAnswerCache) {
        self.basketAnswers = basketAnswers
        self.scorer = scorer
        self.recommendations = recommendations
        var index: [Int32: Int] = [:]
        index.reserveCapacity(recommendations.count)
        for (i, r) in recommendations.enumerated() { index[r.productID] = i }
        recommendationIndex = index
        self.catalog = catalog
        productJSON = ProductJSONCache(catalog: catalog)
        self.users = users
        self.model = model
        self.kpis = kpis
        self.serviceLevel = serviceLevel
        self.candidateRows = candidateRows
        departments = DepartmentDemand.totals(recommendations)
        defaultRecommendationsAnswer = ByteBuffer(string: APIRendering.recommendations(self, RecommendationQuery()))
    }

    /// The product's recommendation, or one with μ = σ = 0 for a catalog product without candidates;
    /// nil for an id outside the catalog.
    public func product(_ id: Int32) -> StockRecommendation? {
        if let i = recommendationIndex[id] { return recommendations[i] }
        guard let entry = catalog[id] else { return nil }
        return StockRecommendation(productID: id, product: entry, expectedDemand: 0, standardDeviation: 0, recommendedStock: 0,
                                   serviceLevel: serviceLevel, modelVersion: model.version, candidates: 0)
    }

    /// The recommendations that match `query`, sorted and cut as it asks, with the stock recomputed
    /// when it names another service level. Works on row indices and builds only the rows returned:
    /// O(products) to filter (nothing without a filter), plus the sort of the matches when another
    /// order than the stored one is asked for.
    public func recommendations(_ query: RecommendationQuery) -> (total: Int, rows: [StockRecommendation]) {
        let department = query.department?.lowercased(), aisle = query.aisle?.lowercased(), search = query.search?.lowercased()
        var indices: [Int]? = nil
        if department != nil || aisle != nil || search != nil {
            indices = recommendations.indices.filter { i in
                let p = recommendations[i].product
                return (department.map { p.department.lowercased() == $0 } ?? true) && (aisle.map { p.aisle.lowercased() == $0 } ?? true)
                    && (search.map { p.name.lowercased().contains($0) } ?? true)
            }
        }
        let policy = query.serviceLevel.flatMap { $0 == serviceLevel ? nil : StockPolicy(serviceLevel: $0) }
        func row(_ i: Int) -> StockRecommendation {
            var r = recommendations[i]
            if let policy {
                r.recommendedStock = policy.recommendedStock(expectedDemand: r.expectedDemand, variance: r.standardDeviation * r.standardDeviation)
                r.serviceLevel = policy.serviceLevel
            }
            return r
        }
        if query.sort != .expectedDemand || query.ascending {
            var order = indices ?? Array(recommendations.indices)
            let stock = query.sort == .recommendedStock && policy != nil ? order.map { row($0).recommendedStock } : nil
            let position = stock.map { s in Dictionary(uniqueKeysWithValues: zip(order, s)) }
            order.sort { a, b in
                let c: Int
                if let position { c = position[a]! < position[b]! ? -1 : (position[a]! > position[b]! ? 1 : 0) }
                else { c = query.sort.compare(recommendations[a], recommendations[b]) }
                if c != 0 { return query.ascending ? c < 0 : c > 0 }
                return recommendations[a].productID < recommendations[b].productID
            }
            indices = order
        }
        let total = indices?.count ?? recommendations.count
        let lo = min(query.offset, total), hi = min(total, lo + query.limit)
        return (total, (lo..<hi).map { row(indices?[$0] ?? $0) })
    }
}

/// One department's expected demand: the sum of its products' μ, and of their σ² (independent).
public struct DepartmentDemand: Sendable, Equatable {
    public var name: String
    public var expectedDemand: Double
    public var variance: Double
    public var recommendedStock: Int
    public var products: Int

    /// Departments by expected demand, largest first (ties by name). Cost O(products).
    static func totals(_ recommendations: [StockRecommendation]) -> [DepartmentDemand] {
        var byName: [String: DepartmentDemand] = [:]
        for r in recommendations {
            let name = r.product.department.isEmpty ? "unknown" : r.product.department
            var d = byName[name] ?? DepartmentDemand(name: name, expectedDemand: 0, variance: 0, recommendedStock: 0, products: 0)
            d.expectedDemand += r.expectedDemand
            d.variance += r.standardDeviation * r.standardDeviation
            d.recommendedStock += r.recommendedStock
            d.products += 1
            byName[name] = d
        }
        return byName.values.sorted { $0.expectedDemand != $1.expectedDemand ? $0.expectedDemand > $1.expectedDemand : $0.name < $1.name }
    }
}

/// One user's forecast: the candidate products of their next order with probabilities (most
/// probable first) and the expected-F1 basket chosen from them.
public struct UserForecast: Sendable, Equatable {
    public var userID: Int32
    public var orderID: Int32?
    public var products: [Int32]
    public var probabilities: [Float]
    public var basket: NextBasket

    public init(userID: Int32, orderID: Int32?, products: [Int32], probabilities: [Float], basket: NextBasket) {
        self.userID = userID
        self.orderID = orderID
        self.products = products
        self.probabilities = probabilities
        self.basket = basket
    }
}

/// The JSON members of each catalog product, rendered on first use and kept (the catalog never
/// changes while the server runs). Thread-safe; a lookup is one dictionary read under a lock.
final class ProductJSONCache: @unchecked Sendable {
    private let catalog: [Int32: ProductCatalog.Entry]
    private var rendered: [Int32: String] = [:]
    private let lock = NSLock()

    init(catalog: [Int32: ProductCatalog.Entry]) {
        self.catalog = catalog
    }

    func members(_ id: Int32) -> String {
        lock.lock()
        if let text = rendered[id] { lock.unlock(); return text }
        lock.unlock()
        let entry = catalog[id]
        var text = "\"product_id\":\(id),\"product_name\":"
        JSONText.appendQuoted(entry?.name ?? "", to: &text)
        text += ",\"aisle\":"
        JSONText.appendQuoted(entry?.aisle ?? "", to: &text)
        lock.lock()
        rendered[id] = text
        lock.unlock()
        return text
    }
}
