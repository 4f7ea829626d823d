import Serve

/// The parameters of `GET /api/recommendations` (docs/api.md), already validated.
public struct RecommendationQuery: Sendable, Equatable {
    public enum SortKey: String, Sendable, CaseIterable {
        case expectedDemand = "expected_demand"
        case stddev
        case recommendedStock = "recommended_stock"
        case productID = "product_id"
        case name
        case candidates

        /// Negative, zero or positive as a is below, equal to or above b on this key.
        func compare(_ a: StockRecommendation, _ b: StockRecommendation) -> Int {
            func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
            switch self {
            case .expectedDemand: return sign(a.expectedDemand, b.expectedDemand)
            case .stddev: return sign(a.standardDeviation, b.standardDeviation)
            case .recommendedStock: return sign(a.recommendedStock, b.recommendedStock)
            case .productID: return sign(a.productID, b.productID)
            case .name: return sign(a.product.name, b.product.name)
            case .candidates: return sign(a.candidates, b.candidates)
            }
        }
    }

    public static let maximumLimit = 10_000

    public var department: String?
    public var aisle: String?
    /// A case-insensitive substring of the product name.
    public var search: String?
    public var sort: SortKey = .expectedDemand
    public var ascending = false
    public var limit = 50
    public var offset = 0
    /// nil: the state's own service level.
    public var serviceLevel: Double?

    public init() {}
}
