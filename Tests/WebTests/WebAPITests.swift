import Decisions
import Foundation
import Serve
import Testing
import Web

@Test func healthReadinessAndModelDescribeTheServedModel() {
    let f = WebFixture.shared
    let api = f.api()
    #expect(get(api, "/healthz").status == 200)
    let ready = object(get(api, "/readyz"))
    #expect(ready["model_version"] as? String == f.model.version.description)
    let model = object(get(api, "/api/model"))
    #expect(model["model_version"] as? String == f.model.version.description)
    #expect(model["trees"] as? Int == 6)
    #expect((model["features"] as? [String]) == f.model.schema.names)
    let importances = model["importances"] as? [[String: Any]] ?? []
    #expect(importances.count == f.model.schema.count)
    #expect((model["parameters"] as? [String: Any])?["tree_count"] as? Int == 6)
}

@Test func recommendationsEqualTheServeLibrarysStockRecommender() {
    let f = WebFixture.shared
    let body = object(get(f.api(), "/api/recommendations?limit=10000"))
    let rows = body["recommendations"] as? [[String: Any]] ?? []
    let expected = f.state.recommendations
    #expect(rows.count == expected.count && !rows.isEmpty)
    #expect(body["total"] as? Int == expected.count)
    #expect(rows.map { $0["product_id"] as? Int } == expected.map { Int($0.productID) })
    #expect(rows.map { $0["recommended_stock"] as? Int } == expected.map(\.recommendedStock))
    // demand sums over every candidate row: Σ μ equals Σ p of the state's users
    let users = f.state.users.values.reduce(0.0) { $0 + $1.probabilities.reduce(0.0) { $0 + Double($1) } }
    #expect(abs(expected.reduce(0) { $0 + $1.expectedDemand } - users) < 1e-3)
}

@Test func serviceLevelIsRecomputedAndFiltersSortsAndLimitsApply() {
    let f = WebFixture.shared
    let api = f.api()
    let top = f.state.recommendations[0]
    let high = object(get(api, "/api/recommendations?limit=1&service_level=0.99"))
    let row = (high["recommendations"] as? [[String: Any]])?.first ?? [:]
    let expected = StockPolicy(serviceLevel: 0.99).recommendedStock(expectedDemand: top.expectedDemand,
                                                                   variance: top.standardDeviation * top.standardDeviation)
    #expect(row["recommended_stock"] as? Int == expected)
    #expect(row["service_level"] as? Double == 0.99)

    let department = top.product.department
    let filtered = object(get(api, "/api/recommendations?department=\(DashboardEscape.query(department))&limit=10000"))
    let rows = filtered["recommendations"] as? [[String: Any]] ?? []
    #expect(!rows.isEmpty && rows.allSatisfy { $0["department"] as? String == department })
    #expect(filtered["total"] as? Int == f.state.recommendations.filter { $0.product.department == department }.count)

    let byID = object(get(api, "/api/recommendations?sort=product_id&limit=5"))
    let ids = (byID["recommendations"] as? [[String: Any]] ?? []).compactMap { $0["product_id"] as? Int }
    #expect(ids == f.state.recommendations.map { Int($0.productID) }.sorted().prefix(5).map { $0 })
    let byStock = object(get(api, "/api/recommendations?sort=recommended_stock&order=asc&limit=3&offset=2"))
    #expect((byStock["recommendations"] as? [[String: Any]])?.count == 3)
}

@Test func badParametersAreA400NamingTheParameter() {
    let api = WebFixture.shared.api()
    for (target, name) in [("/api/recommendations?limit=0", "limit"), ("/api/recommendations?limit=abc", "limit"),
                           ("/api/recommendations?limit=99999999999999999999", "limit"),
                           ("/api/recommendations?service_level=1.5", "service_level"),
                           ("/api/recommendations?service_level=nan", "service_level"),
                           ("/api/recommendations?sort=price", "sort"), ("/api/recommendations?order=up", "order"),
                           ("/api/recommendations?lmit=3", "lmit"), ("/api/recommendations?limit=1&limit=2", "limit"),
                           ("/api/products/-4", "product_id"), ("/api/products/abc", "product_id"),
                           ("/api/products/99999999999", "product_id"), ("/api/users/0/basket", "user_id"),
                           ("/api/users/1/basket?candidates=-1", "candidates"), ("/healthz?x=1", "x")] {
        let response = get(api, target)
        #expect(response.status == 400, "\(target)")
        #expect(errorCode(response) == "bad_parameter", "\(target)")
        let message = ((object(response)["error"] as? [String: Any])?["message"] as? String) ?? ""
        #expect(message.hasPrefix(name + ":"), "\(target): \(message)")
    }
}

@Test func malformedQueriesAndInvalidUTF8AreRefusedCleanly() {
    let api = WebFixture.shared.api()
    for query in ["limit=%", "limit=%zz", "department=%ff%fe", "q=%c3%28", "%80=1"] {
        let response = get(api, "/api/recommendations?\(query)")
        #expect(response.status == 400, "\(query)")
        #expect(errorCode(response) == "bad_query", "\(query)")
    }
    // an over-long value, and control characters, never reach a message unbounded or raw
    let long = get(api, "/api/recommendations?q=" + String(repeating: "a", count: 5000))
    #expect(long.status == 400)
    let control = get(api, "/api/products/1%0a2")
    #expect(control.status == 400 && !control.body.contains("\n"))
}

@Test func unknownUsersProductsAndRoutesAre404AndPathTraversalFindsNothing() {
    let api = WebFixture.shared.api()
    #expect(errorCode(get(api, "/api/users/99999/basket")) == "unknown_user")
    #expect(errorCode(get(api, "/api/products/999999")) == "unknown_product")
    for path in ["/../../etc/passwd", "/static/../../etc/passwd", "/api/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                 "/users/..%2f..%2fetc%2fpasswd", "/api/products/..", "/api/users/1/../../../etc/passwd", "//etc/passwd"] {
        let response = get(api, path)
        #expect([400, 404].contains(response.status), "\(path)")
        #expect(!response.body.contains("root:"), "\(path)")
    }
    #expect(get(api, "/nope").status == 404)
    #expect(api.handle(WebRequest(method: "DELETE", path: "/api/kpis")).status == 405)
    #expect(api.handle(WebRequest(method: "GET", path: "/api/score")).status == 405)
}

@Test func aUsersBasketIsTheExpectedF1ChoiceOfItsCandidates() throws {
    let f = WebFixture.shared
    let user = try #require(f.state.users.values.max { $0.products.count < $1.products.count })
    let body = object(get(f.api(), "/api/users/\(user.userID)/basket?candidates=1000"))
    let chosen = ExpectedF1Basket.choose(probabilities: user.probabilities.map(Double.init))
    let basket = (body["basket"] as? [[String: Any]] ?? []).compactMap { $0["product_id"] as? Int }
    #expect(basket == chosen.items.map { Int(user.products[$0]) })
    #expect(body["includes_none"] as? Bool == chosen.includesNone)
    #expect((body["candidates"] as? [[String: Any]])?.count == user.products.count)
    let p = (body["candidates"] as? [[String: Any]] ?? []).compactMap { $0["probability"] as? Double }
    #expect(p == p.sorted(by: >))
}

@Test func kpisCountTheData() {
    let f = WebFixture.shared
    let kpis = object(get(f.api(), "/api/kpis"))
    #expect(kpis["orders"] as? Int == f.state.kpis.orders && f.state.kpis.orders > 0)
    #expect(kpis["users"] as? Int == 80)
    let rate = kpis["reorder_rate"] as? Double ?? -1
    #expect(rate > 0 && rate < 1)
    #expect((kpis["orders_by_hour"] as? [Int])?.reduce(0, +) == f.state.kpis.orders)
    #expect((kpis["top_products"] as? [[String: Any]])?.count == 10)
}

@Test func metricsCountRequestsPerRoutePattern() {
    let api = WebFixture.shared.api()
    api.metrics.record(route: "/api/products/{id}", method: "GET", status: 200, seconds: 0.003)
    api.metrics.record(route: "/api/products/{id}", method: "GET", status: 404, seconds: 0.2)
    let text = get(api, "/metrics").body
    #expect(text.contains(#"restock_http_requests_total{route="/api/products/{id}",method="GET",status="200"} 1"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_bucket{route="/api/products/{id}",le="0.005"} 1"#))
    #expect(text.contains(#"restock_http_request_duration_seconds_bucket{route="/api/products/{id}",le="+Inf"} 2"#))
    #expect(text.contains("restock_model_info{version=\"\(WebFixture.shared.model.version.description)\"} 1"))
}
