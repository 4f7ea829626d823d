import Foundation
import Serve
import Tabular
import Testing
import Web

/// The first `rows` candidate rows of the fixture as a scoring body: CSV (features in reverse order,
/// plus an ignored `y`) or JSON.
private func body(rows: Int, json: Bool) -> [UInt8] {
    let m = WebFixture.shared.inputs.matrix
    let users = m.keys.column(named: "user_id")!, products = m.keys.column(named: "product_id")!
    let names = m.features.schema.names
    func value(_ r: Int, _ f: Int) -> String { m.features[r, f].isNaN ? (json ? "null" : "") : "\(m.features[r, f])" }
    if json {
        let objects = (0..<rows).map { r in
            "{" + (["\"user_id\": \(users[r])", "\"product_id\": \(products[r])"]
                   + names.indices.map { "\"\(names[$0])\": \(value(r, $0))" }).joined(separator: ", ") + "}"
        }
        return Array(("{\"rows\": [" + objects.joined(separator: ",\n") + "]}").utf8)
    }
    var text = (["user_id", "product_id"] + names.reversed() + ["y"]).joined(separator: ",") + "\n"
    for r in 0..<rows {
        text += (["\(users[r])", "\(products[r])"] + names.indices.reversed().map { value(r, $0) } + [""]).joined(separator: ",") + "\n"
    }
    return Array(text.utf8)
}

/// The probability the state holds for (user, product).
private func stateProbability(_ user: Int, _ product: Int) -> Double? {
    guard let forecast = WebFixture.shared.state.users[Int32(user)], let i = forecast.products.firstIndex(of: Int32(product)) else { return nil }
    return Double(forecast.probabilities[i])
}

@Test(arguments: [false, true])
func scoringCSVOrJSONRowsGivesTheServedModelsProbabilities(json: Bool) throws {
    let api = WebFixture.shared.api(token: "t")
    let response = api.handle(WebRequest(method: "POST", path: "/api/score", authorization: "Bearer t",
                                         contentType: json ? "application/json" : "text/csv", body: body(rows: 40, json: json)))
    #expect(response.status == 200, "\(response.body.prefix(300))")
    let scores = object(response)["scores"] as? [[String: Any]] ?? []
    #expect(scores.count == 40)
    for s in scores {
        let (u, p, q) = (s["user_id"] as? Int ?? -1, s["product_id"] as? Int ?? -1, s["probability"] as? Double ?? -1)
        let expected = try #require(stateProbability(u, p))
        #expect(abs(q - expected) < 1e-6)
    }
}

@Test func badScoringBodiesAreRefusedWithTheLineAndColumn() {
    let api = WebFixture.shared.api()
    func post(_ text: String, _ type: String = "text/csv") -> WebResponse {
        api.handle(WebRequest(method: "POST", path: "/api/score", contentType: type, body: Array(text.utf8)))
    }
    let names = WebFixture.shared.model.schema.names
    let header = (["user_id", "product_id"] + names).joined(separator: ",")
    let missing = post("user_id,product_id,\(names[0])\n1,2,0.5\n")
    #expect(missing.status == 400 && missing.body.contains(names[1]))
    let notNumber = post(header + "\n1,2," + (["abc"] + names.dropFirst().map { _ in "1" }).joined(separator: ",") + "\n")
    #expect(notNumber.status == 400 && notNumber.body.contains("body:2:") && notNumber.body.contains(names[0]), "\(notNumber.body)")
    #expect(post("").status == 400)
    #expect(post("[1, 2]", "application/json").status == 400)
    #expect(post("{\"rows\": [{\"user_id\": -1}]}", "application/json").status == 400)
    #expect(post("x", "application/xml").status == 415)
    #expect(api.handle(WebRequest(method: "POST", path: "/api/score", contentType: "text/csv", body: [0xc3, 0x28])).status == 400)
    // over the body limit
    let small = WebFixture.shared.api(maximumBodyBytes: 100)
    #expect(small.handle(WebRequest(method: "POST", path: "/api/score", body: body(rows: 5, json: false))).status == 413)
}

@Test func aReloadSwapsTheStateAndARefusedOneKeepsTheOld() throws {
    let f = WebFixture.shared
    let api = f.api(token: "t")
    #expect(api.handle(WebRequest(method: "POST", path: "/api/model/reload")).status == 401)
    #expect(api.handle(WebRequest(method: "POST", path: "/api/model/reload", authorization: "Bearer T")).status == 401)
    let ok = api.handle(WebRequest(method: "POST", path: "/api/model/reload", authorization: "Bearer t"))
    #expect(ok.status == 200 && object(ok)["model_version"] as? String == f.model.version.description)
    let refused = api.handle(WebRequest(method: "POST", path: "/api/model/reload", query: "path=%2Fnonexistent.rf", authorization: "Bearer t"))
    #expect(refused.status == 422 && errorCode(refused) == "reload_refused")
    #expect(api.holder.current.model.version == f.model.version.description)
    #expect(api.metrics.text(modelVersion: "v", candidateRows: 0).contains(#"restock_model_reloads_total{outcome="refused"} 1"#))
}

@Test func theBearerTokenComparisonIsExact() {
    let token = BearerToken("abc123")
    #expect(token.accepts(authorization: "Bearer abc123"))
    for wrong in [nil, "", "Bearer ", "Bearer abc12", "Bearer abc1234", "Bearer abc124", "bearer abc123", "Basic abc123", "Bearer  abc123"] {
        #expect(!token.accepts(authorization: wrong), "\(wrong ?? "nil")")
    }
}

@Test func theDashboardAndUserPageHoldTheirChartsAndEscapeNames() throws {
    let f = WebFixture.shared
    let api = f.api()
    let page = get(api, "/")
    #expect(page.status == 200 && page.contentType.hasPrefix("text/html"))
    for chart in ["chart-top-products", "chart-departments", "chart-importances", "chart-hours"] {
        #expect(page.body.contains(#"data-chart="\#(chart)""#))
    }
    #expect(page.body.contains("<meta name=\"viewport\""))
    #expect(!page.body.contains("<script src") && !page.body.contains("http://") && !page.body.contains("https://"))
    let searched = get(api, "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    #expect(searched.status == 200 && !searched.body.contains("<script>alert") && searched.body.contains("&lt;script&gt;"))
    let user = try #require(f.state.users.keys.min())
    #expect(get(api, "/users/\(user)").body.contains("chart-user-candidates"))
    #expect(get(api, "/users/999999").status == 404)
}
