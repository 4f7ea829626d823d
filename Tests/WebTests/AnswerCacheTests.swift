import Foundation
import NIOCore
import Testing
@testable import Web

/// The answers kept per state (`ServeState.defaultRecommendationsAnswer`, `BasketAnswerCache`) are
/// byte-identical to rendering them afresh, are shared by the live updates of one model and not by
/// a reloaded one, and stay within their memory budget; routes are matched once, as before.
@Test func cachedAnswersAreByteIdenticalToFreshRenderings() throws {
    let f = WebFixture.shared
    let api = f.api()
    let fresh = APIRendering.recommendations(f.state, RecommendationQuery())
    #expect(get(api, "/api/recommendations").body == fresh)
    #expect(get(api, "/api/recommendations?limit=50&offset=0&sort=expected_demand&order=desc").body == fresh)
    #expect(get(api, "/api/recommendations?limit=49").body != fresh)
    let users = f.state.users.keys.sorted()
    #expect(users.count > 10)
    for user in users.prefix(10) + users.prefix(3) {
        let rendered = APIRendering.basket(f.state.users[user]!, f.state, candidates: WebAPI.defaultBasketCandidates)
        #expect(get(api, "/api/users/\(user)/basket").body == rendered)
        #expect(get(api, "/api/users/\(user)/basket?candidates=100").body == rendered)
        #expect(get(api, "/api/users/\(user)/basket?candidates=3").body
                == APIRendering.basket(f.state.users[user]!, f.state, candidates: 3))
    }
    #expect(f.state.basketAnswers.bytesKept > 0)
    // a HEAD of a cached answer has its status and no body (the server drops it) and the same type
    #expect(api.handle(WebRequest(method: "HEAD", path: "/api/users/\(users[0])/basket")).status == 200)
}

@Test func liveUpdatesKeepTheBasketCacheAndRerenderRecommendations() throws {
    let f = WebFixture.shared
    let top = f.state.recommendations[0]
    let live = f.state.applyingLive([LiveStockRow(productID: top.productID, mu: 1234.5, sigma: 2, stock: 1238, serviceLevel: 0.95)],
                                    status: LiveStatus(orders: 1, ordersSinceStart: 0, ordersPerMinute: 0, liveProducts: 1,
                                                       streamLagSeconds: nil, liveModelVersion: nil, ordersPerMinuteHistory: []))
    #expect(live.basketAnswers === f.state.basketAnswers)
    #expect(String(buffer: live.defaultRecommendationsAnswer) == APIRendering.recommendations(live, RecommendationQuery()))
    #expect(String(buffer: live.defaultRecommendationsAnswer).contains("1234.5"))
    let reloaded = try ServeStateBuilder.state(inputs: f.inputs, model: f.model, modelPath: f.modelPath, serviceLevel: 0.95, threads: 1)
    #expect(reloaded.basketAnswers !== f.state.basketAnswers)
}

@Test func theBasketCacheKeepsNothingPastItsBudget() {
    let cache = BasketAnswerCache(maximumBytes: 10)
    var renders = 0
    for _ in 0..<3 {
        let answer = cache.answer(for: 7) { renders += 1; return ByteBuffer(string: "0123456") }
        #expect(String(buffer: answer) == "0123456")
    }
    #expect(renders == 1 && cache.bytesKept == 7)
    for _ in 0..<2 { _ = cache.answer(for: 8) { renders += 1; return ByteBuffer(string: "0123456") } }
    #expect(renders == 3 && cache.bytesKept == 7, "over the budget: rendered per request, not kept")
}

@Test func routesAreMatchedOnceWithTheirIdSegment() {
    #expect(Route.match("/api/users/12/basket") == (.userBasket, "12"))
    #expect(Route.match("/api/products/") == (.product, ""))
    #expect(Route.match("/api/users//basket") == (.userBasket, ""))
    #expect(Route.match("/users/5") == (.userPage, "5"))
    #expect(Route.match("/healthz").route == .health)
    #expect(Route.match("/").route == .dashboard)
    for unmatched in ["", "//", "/api", "/api/users/1/basket/x", "/api/users/1/baskets", "/api/users/basket", "/api/users/1/2/basket",
                      "/api/products/1/2", "/products/1/", "/healthz/", "/../etc/passwd", "/users/1/2", "/api/users/1/basket/"] {
        #expect(Route.match(unmatched).route == .unmatched, "\(unmatched)")
    }
    for route in Route.allCases where route != .unmatched {
        #expect(WebAPI.route(of: route.pattern.replacingOccurrences(of: "{id}", with: "3")) == route.pattern)
    }
    // an empty id segment is a 400 naming the id, not a trap (it trapped before)
    let api = WebFixture.shared.api()
    #expect(get(api, "/api/products/").status == 400 && errorCode(get(api, "/api/products/")) == "bad_parameter")
    #expect(get(api, "/api/users//basket").status == 400)
}

@Test func metricsCountEveryLabelAndTheHistogramIsCumulative() {
    let metrics = ServeMetrics()
    metrics.record(route: .userBasket, method: "GET", status: 200, nanoseconds: 400_000)
    metrics.record(route: .userBasket, method: "GET", status: 200, nanoseconds: 500_000)
    metrics.record(route: .userBasket, method: "GET", status: 200, nanoseconds: 20_000_000_000)
    metrics.record(route: .userBasket, method: "PATCH", status: 405, nanoseconds: 1_000)
    metrics.record(route: .unmatched, method: "VERYLONGMETHOD", status: 404, nanoseconds: 1_000)
    let text = metrics.text(modelVersion: "v", candidateRows: 0)
    #expect(text.contains(#"restock_http_requests_total{route="/api/users/{id}/basket",method="GET",status="200"} 3"#))
    #expect(text.contains(#"restock_http_requests_total{route="/api/users/{id}/basket",method="PATCH",status="405"} 1"#))
    #expect(text.contains(#"restock_http_requests_total{route="unmatched",method="OTHER",status="404"} 1"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_bucket{route="/api/users/{id}/basket",le="0.0005"} 3"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_bucket{route="/api/users/{id}/basket",le="10.0"} 3"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_bucket{route="/api/users/{id}/basket",le="+Inf"} 4"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_count{route="/api/users/{id}/basket"} 4"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_sum{route="/api/users/{id}/basket"} 20.000901"#))
    // counted from several threads at once: no count lost
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
        for _ in 0..<10_000 { metrics.record(route: .health, method: "GET", status: 200, nanoseconds: 100_000) }
    }
    #expect(metrics.text(modelVersion: "v", candidateRows: 0).contains(#"restock_http_requests_total{route="/healthz",method="GET",status="200"} 80000"#))
}
