/// The routes of `restock serve` (docs/api.md), each with its pattern (the metrics' label) and a
/// dense index (the metrics' counters are arrays indexed by it, so recording a request formats no
/// string). `Route.match` reads a path once, without allocating, and returns the route with its id
/// segment (the `{id}` of the pattern) when it has one. Cost O(path length).
public enum Route: Int, CaseIterable, Sendable {
    case dashboard, health, readiness, metrics, model, modelReload, recommendations, score, kpis, departments, liveFragment
    case product, userBasket, userPage, productPage
    /// No route: the metrics' label of a 404 for an unknown path.
    case unmatched

    /// The label in `/metrics` (a pattern for the routes with an id).
    public var pattern: String {
        switch self {
        case .dashboard: "/"
        case .health: "/healthz"
        case .readiness: "/readyz"
        case .metrics: "/metrics"
        case .model: "/api/model"
        case .modelReload: "/api/model/reload"
        case .recommendations: "/api/recommendations"
        case .score: "/api/score"
        case .kpis: "/api/kpis"
        case .departments: "/api/departments"
        case .liveFragment: "/fragments/live"
        case .product: "/api/products/{id}"
        case .userBasket: "/api/users/{id}/basket"
        case .userPage: "/users/{id}"
        case .productPage: "/products/{id}"
        case .unmatched: "unmatched"
        }
    }

    /// Whether the route changes something (POST with the bearer token); the others are GET.
    var writes: Bool { self == .modelReload || self == .score }

    /// Routes whose work (milliseconds to seconds) must not hold an event loop.
    public var runsOffTheEventLoop: Bool { writes }

    private static let fixed: [String: Route] = Dictionary(
        uniqueKeysWithValues: Route.allCases.filter { !$0.pattern.contains("{") && $0 != .unmatched }.map { ($0.pattern, $0) })

    /// The route of `path` and its id segment (nil for routes without one); `.unmatched` for none.
    /// Segments are split on "/", empty ones kept, exactly as the patterns are written; compared as
    /// UTF-8 bytes with no allocation (the id is a slice of `path`).
    public static func match(_ path: String) -> (route: Route, id: Substring?) {
        if let route = fixed[path] { return (route, nil) }
        let bytes = path.utf8
        /// The rest of the path after `prefix`, when it starts with it.
        func rest(after prefix: StaticString) -> Substring? {
            let head = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            guard bytes.starts(with: head) else { return nil }
            return path[bytes.index(bytes.startIndex, offsetBy: head.count)...]
        }
        func oneSegment(_ s: Substring) -> Substring? { s.utf8.contains(UInt8(ascii: "/")) ? nil : s }
        if let r = rest(after: "/api/products/"), let id = oneSegment(r) { return (.product, id) }
        if let r = rest(after: "/api/users/") {
            let suffix = "/basket".utf8
            guard r.utf8.count >= suffix.count, r.utf8.reversed().starts(with: suffix.reversed()),
                  let id = oneSegment(r.dropLast(suffix.count)) else { return (.unmatched, nil) }
            return (.userBasket, id)
        }
        if let r = rest(after: "/users/"), let id = oneSegment(r) { return (.userPage, id) }
        if let r = rest(after: "/products/"), let id = oneSegment(r) { return (.productPage, id) }
        return (.unmatched, nil)
    }
}
