/// `/users/{id}`: one user's predicted next basket (the expected-F1 choice, with "None" when it
/// is chosen) and every candidate product with its reorder probability.
struct UserPage {
    let user: UserForecast
    let state: ServeState

    func render() -> String {
        let b = user.basket
        var body = #"<h1>User \#(user.userID): predicted next basket</h1><section class="tiles">"#
        func tile(_ key: String, _ value: String, _ note: String) -> String {
            #"<div class="tile"><div class="k">\#(key)</div><div class="v">\#(value)</div><div class="n">\#(note)</div></div>"#
        }
        body += tile("Basket", "\(b.products.count)", b.includesNone ? "products, and None" : "products")
        body += tile("Expected F1", HTML.fixed(b.expectedF1, 3), "of this choice")
        body += tile("Candidates", "\(user.products.count)", "products bought before")
        body += tile("Next order", user.orderID.map { "#\($0)" } ?? "–", "being forecast")
        body += "</section>"
        let chosen = Set(b.products)
        let bars = user.products.prefix(20).enumerated().map { i, id in
            SVGChart.Bar(label: state.catalog[id]?.name ?? "product \(id)", value: Double(user.probabilities[i]), link: "/products/\(id)",
                         color: chosen.contains(id) ? nil : "#b8c2d3")
        }
        body += #"<section class="grid2"><div class="card"><h2>Reorder probability of the top candidates</h2><p class="sub">the basket takes the most probable products while they raise the expected F1</p>"#
            + #"<div class="legend" style="margin:0 0 .4rem"><span><i style="background:#12a594"></i>in the basket</span><span><i style="background:#b8c2d3"></i>not chosen</span></div>"#
        body += SVGChart.horizontalBars(bars, title: "Reorder probabilities of user \(user.userID)", id: "chart-user-candidates",
                                        valueFormat: { HTML.fixed($0, 2) }, color: "#12a594", labelWidth: 220)
        body += #"</div><div class="card"><h2>Predicted basket</h2><p class="sub"><code>\#(HTML.escape(b.productsText.isEmpty ? "None" : b.productsText))</code></p><table id="basket"><thead><tr><th>Product</th><th class="num">p</th></tr></thead><tbody>"#
        for (i, id) in user.products.enumerated() where chosen.contains(id) {
            body += row(id, user.probabilities[i])
        }
        if b.includesNone { body += #"<tr><td><span class="pill">None</span> (no reordered product)</td><td></td></tr>"# }
        body += #"</tbody></table><p class="sub" style="margin-top:1rem"><a href="/api/users/\#(user.userID)/basket">JSON</a> · <a href="/">back to the dashboard</a></p></div></section>"#
        body += #"<section class="card"><h2>All candidates</h2><div class="scroll"><table><thead><tr><th>Product</th><th class="num">p</th></tr></thead><tbody>"#
        for (i, id) in user.products.enumerated() { body += row(id, user.probabilities[i]) }
        body += "</tbody></table></div></section>"
        return PageLayout.page(title: "Restock · user \(user.userID)", state: state, refreshSeconds: nil, body: body)
    }

    private func row(_ id: Int32, _ p: Float) -> String {
        let entry = state.catalog[id]
        let name = entry?.name ?? "product \(id)"
        return #"<tr><td><a href="/products/\#(id)">\#(HTML.escape(name))</a><div class="sub" style="margin:0">\#(HTML.escape(entry?.aisle ?? ""))</div></td><td class="num"><span class="prob" style="width:\#(Int(Double(p) * 60))px"></span> \#(HTML.fixed(Double(p), 3))</td></tr>"#
    }

    static func notFound(id: Int32, state: ServeState) -> String {
        PageLayout.page(title: "Restock · no user \(id)", state: state, refreshSeconds: nil,
                        body: #"<h1>No forecast for user \#(id)</h1><p>This user has no next order in the data. <a href="/">Back to the dashboard</a>.</p>"#)
    }
}
