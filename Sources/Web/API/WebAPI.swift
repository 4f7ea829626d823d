import Foundation
import Hummingbird
import Serve

/// The routes of `restock serve` (docs/api.md) as one pure function from `WebRequest` to
/// `WebResponse`: the HTTP server only adapts its types, times the call and records the metrics,
/// so every route is tested without a socket. Each request reads the current state once.
///
/// Errors are `{"error": {"code", "message"}}`: 400 for a bad parameter (named), 401 for a missing
/// or wrong bearer token on a write endpoint, 404 for an unknown route, user or product, 405 for a
/// known path with another method, 413 for a body over `maximumBodyBytes`.
public struct WebAPI: Sendable {
    public let holder: ServeStateHolder
    public let metrics: ServeMetrics
    public let token: BearerToken?
    public let maximumBodyBytes: Int
    /// Builds the state of a new model (the path given, or the one being served when nil); nil
    /// disables `POST /api/model/reload`.
    public let reload: (@Sendable (_ modelPath: String?) throws -> ServeState)?
    /// Whether the dashboard refreshes itself (set when the data moves, e.g. live orders).
    public var refreshSeconds: Int?

    public init(holder: ServeStateHolder, metrics: ServeMetrics = ServeMetrics(), token: BearerToken? = nil,
                maximumBodyBytes: Int = 8 << 20, reload: (@Sendable (String?) throws -> ServeState)? = nil) {
        self.holder = holder
        self.metrics = metrics
        self.token = token
        self.maximumBodyBytes = maximumBodyBytes
        self.reload = reload
    }

    /// The route pattern a path belongs to (the metrics' label), or nil for no route.
    public static func route(of path: String) -> String? {
        let route = Route.match(path).route
        return route == .unmatched ? nil : route.pattern
    }

    /// Answers one request; never throws and never traps on any input.
    public func handle(_ request: WebRequest) -> WebResponse {
        let (route, id) = Route.match(request.path)
        return handle(request, route: route, id: id)
    }

    /// Answers one request whose path the caller already matched (`Route.match(request.path)`).
    public func handle(_ request: WebRequest, route: Route, id: Substring?) -> WebResponse {
        do {
            return try respond(request, route, id)
        } catch let error as APIError {
            return error.response
        } catch {
            return .error(500, "internal", "\(error)")
        }
    }

    private func respond(_ request: WebRequest, _ route: Route, _ segment: Substring?) throws -> WebResponse {
        guard route != .unmatched else {
            throw APIError(404, "not_found", "no route \(WebAPI.shown(request.path))")
        }
        if request.body.count > maximumBodyBytes {
            throw APIError(413, "body_too_large", "the body is over \(maximumBodyBytes) bytes")
        }
        let writes = route.writes
        let method = request.method == "HEAD" ? "GET" : request.method
        guard method == (writes ? "POST" : "GET") else {
            throw APIError(405, "method_not_allowed", "\(route.pattern) takes \(writes ? "POST" : "GET"), not \(WebAPI.shown(request.method))")
        }
        let state = holder.current
        switch route {
        case .health:
            try noParameters(request)
            return .json(200, #"{"status":"ok"}"#)
        case .readiness:
            try noParameters(request)
            return .json(200, #"{"status":"ready","model_version":"\#(state.model.version)"}"#)
        case .metrics:
            try noParameters(request)
            return WebResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                               body: metrics.text(modelVersion: state.model.version, candidateRows: state.candidateRows, live: state.live))
        case .model:
            try noParameters(request)
            return .json(200, APIRendering.model(state))
        case .liveFragment:
            try noParameters(request)
            return .html(200, DashboardPage(state: state).liveRegion())
        case .kpis:
            try noParameters(request)
            return .json(200, APIRendering.kpis(state))
        case .departments:
            try noParameters(request)
            return .json(200, APIRendering.departments(state))
        case .recommendations:
            let query = try WebAPI.recommendationQuery(request.query)
            if query == RecommendationQuery() { return .json(200, state.defaultRecommendationsAnswer) }
            return .json(200, APIRendering.recommendations(state, query))
        case .product:
            try noParameters(request)
            let id = try WebAPI.id(String(segment ?? ""), "product_id")
            guard let product = state.product(id) else { throw APIError(404, "unknown_product", "no product \(id) in the catalog") }
            return .json(200, APIRendering.product(product, state))
        case .userBasket:
            let parameters = try QueryParameters(request.query, allowed: ["candidates"])
            let limit = try parameters.int("candidates", in: 0...1000, default: WebAPI.defaultBasketCandidates)
            let id = try WebAPI.id(String(segment ?? ""), "user_id")
            guard let user = state.users[id] else { throw APIError(404, "unknown_user", "no user \(id) with a next order to forecast") }
            if limit == WebAPI.defaultBasketCandidates {
                return .json(200, state.basketAnswers.answer(for: id) {
                    ByteBuffer(string: APIRendering.basket(user, state, candidates: limit))
                })
            }
            return .json(200, APIRendering.basket(user, state, candidates: limit))
        case .score:
            try authorize(request)
            try noParameters(request)
            let (matrix, users, products) = try ScoreRequestBody.parse(request.body, contentType: request.contentType, schema: state.scorer.schema)
            let clock = ContinuousClock()
            let start = clock.now
            let probabilities = try state.scorer.predictor.predict(matrix, threads: 1)
            let elapsed = start.duration(to: clock.now)
            metrics.recordScoring(rows: matrix.rowCount, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            return .json(200, APIRendering.scores(users: users, products: products, probabilities: probabilities, version: state.model.version))
        case .modelReload:
            try authorize(request)
            let parameters = try QueryParameters(request.query, allowed: ["path"])
            guard let reload else { throw APIError(409, "reload_unavailable", "this server cannot reload its model") }
            do {
                let (old, new) = try holder.reloading { _ in try reload(parameters["path"]) }
                metrics.recordReload(outcome: "ok")
                var json = JSONText()
                json.object { o in
                    o.field("previous_version", old.model.version)
                    o.field("model_version", new.model.version)
                    o.field("candidate_rows", new.candidateRows)
                }
                return .json(200, json.text)
            } catch {
                metrics.recordReload(outcome: "refused")
                throw APIError(422, "reload_refused", "the model was not swapped: \(error)")
            }
        case .dashboard:
            let parameters = try QueryParameters(request.query, allowed: ["q", "department"])
            return .html(200, DashboardPage(state: state, search: parameters["q"], department: parameters["department"],
                                            refreshSeconds: refreshSeconds).render())
        case .userPage:
            try noParameters(request)
            let id = try WebAPI.id(String(segment ?? ""), "user_id")
            guard let user = state.users[id] else {
                return .html(404, UserPage.notFound(id: id, state: state))
            }
            return .html(200, UserPage(user: user, state: state).render())
        case .productPage:
            try noParameters(request)
            let id = try WebAPI.id(String(segment ?? ""), "product_id")
            guard let product = state.product(id) else { throw APIError(404, "unknown_product", "no product \(id) in the catalog") }
            return .json(200, APIRendering.product(product, state))
        case .unmatched:
            throw APIError(404, "not_found", "no route \(WebAPI.shown(request.path))")
        }
    }

    /// Candidates listed by a basket answer unless `?candidates=` asks for another count.
    public static let defaultBasketCandidates = 100

    private func noParameters(_ request: WebRequest) throws(APIError) {
        _ = try QueryParameters(request.query, allowed: [])
    }

    private func authorize(_ request: WebRequest) throws(APIError) {
        guard let token else { return }
        guard token.accepts(authorization: request.authorization) else {
            throw APIError(401, "unauthorized", request.authorization == nil ? "this endpoint needs Authorization: Bearer <token>"
                                                                               : "the bearer token is wrong")
        }
    }

    /// A positive 32-bit id from a path segment (400 naming `name` otherwise).
    static func id(_ text: String, _ name: String) throws(APIError) -> Int32 {
        guard text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = Int32(text), id > 0 else {
            throw APIError.badParameter(name, "must be a positive integer id, not \(shown(text))")
        }
        return id
    }

    static func recommendationQuery(_ query: String?) throws(APIError) -> RecommendationQuery {
        let p = try QueryParameters(query, allowed: ["department", "aisle", "q", "sort", "order", "limit", "offset", "service_level"])
        var q = RecommendationQuery()
        q.department = p["department"].flatMap { $0.isEmpty ? nil : $0 }
        q.aisle = p["aisle"].flatMap { $0.isEmpty ? nil : $0 }
        q.search = p["q"].flatMap { $0.isEmpty ? nil : $0 }
        if let sort = p["sort"] {
            guard let key = RecommendationQuery.SortKey(rawValue: sort) else {
                throw APIError.badParameter("sort", "must be one of \(RecommendationQuery.SortKey.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            q.sort = key
        }
        switch p["order"] {
        case nil: q.ascending = q.sort == .name || q.sort == .productID
        case "asc": q.ascending = true
        case "desc": q.ascending = false
        default: throw APIError.badParameter("order", "must be asc or desc")
        }
        q.limit = try p.int("limit", in: 1...RecommendationQuery.maximumLimit, default: 50)
        q.offset = try p.int("offset", in: 0...10_000_000, default: 0)
        q.serviceLevel = try p.double("service_level", in: 0.5...0.9999)
        return q
    }

    /// Text from a request, cut and with control characters replaced, for an error message.
    static func shown(_ text: String) -> String {
        let cut = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return String(String.UnicodeScalarView(cut.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : $0 }))
    }
}
