import Serve

/// The dashboard at `/`: KPI tiles, top products by expected demand with their σ band and
/// recommended stock, demand by department, orders by hour, the model panel with importances,
/// and a searchable stock table (server-side `?q=` and `?department=`; a small inline script
/// filters as one types). Everything is in the one HTML answer: no external file is fetched.
struct DashboardPage {
    let state: ServeState
    var search: String?
    var department: String?
    var refreshSeconds: Int?
    static let tableRows = 300
    static let topProducts = 15

    func render() -> String {
        PageLayout.page(title: "Restock · stock and baskets", state: state, refreshSeconds: refreshSeconds,
                        body: #"<div id="live-region">"# + liveRegion() + "</div>" + lower(),
                        script: DashboardPage.filterScript + (state.live == nil ? "" : LivePanel.refreshScript(seconds: 3)))
    }

    /// The part of the page that moves when live: the KPI tiles, the live panel and the top charts
    /// (also the body of `GET /fragments/live`).
    func liveRegion() -> String {
        tiles() + (state.live.map { LivePanel(live: $0).render() } ?? "") + charts()
    }

    private func tiles() -> String {
        let k = state.kpis
        let units = state.recommendations.reduce(0) { $0 + $1.expectedDemand }
        let stock = state.recommendations.reduce(0) { $0 + $1.recommendedStock }
        func tile(_ key: String, _ value: String, _ note: String) -> String {
            #"<div class="tile"><div class="k">\#(key)</div><div class="v">\#(value)</div><div class="n">\#(note)</div></div>"#
        }
        return #"<h1>Next orders: expected demand and stock</h1><section class="tiles" id="kpis">"#
            + tile("Orders", HTML.grouped(k.orders), "\(HTML.grouped(k.users)) users")
            + tile("Average basket", HTML.fixed(k.averageBasketSize, 1), "products per order")
            + tile("Reorder rate", HTML.percent(k.reorderRate), "of order lines")
            + tile("Forecast users", HTML.grouped(state.users.count), "\(HTML.grouped(state.candidateRows)) candidates")
            + tile("Expected units", HTML.fixed(units, 0), "Σ μ over products")
            + tile("Recommended stock", HTML.grouped(stock), "at \(HTML.percent(state.serviceLevel).replacingSpace()) service")
            + "</section>"
    }

    private func charts() -> String {
        let top = state.recommendations.prefix(DashboardPage.topProducts).map {
            SVGChart.Bar(label: $0.product.name.isEmpty ? "product \($0.productID)" : $0.product.name, value: $0.expectedDemand,
                         band: $0.standardDeviation, marker: Double($0.recommendedStock), link: "/products/\($0.productID)")
        }
        let departments = state.departments.prefix(12).map {
            SVGChart.Bar(label: $0.name, value: $0.expectedDemand, link: "/?department=\(Self.queryEscape($0.name))#stock")
        }
        return #"<section class="grid2"><div class="card"><h2>Top products by expected demand</h2><p class="sub">μ over every user's next order, with ±σ and the recommended stock (the smallest s with P(demand ≤ s) ≥ the service level)</p>"#
            + SVGChart.horizontalBars(top, title: "Top products by expected demand", id: "chart-top-products", valueFormat: { HTML.fixed($0, 0) }, labelWidth: 220)
            + #"<div class="legend"><span><i style="background:#2f6fde"></i>expected demand μ</span><span>⟷ ±σ</span><span><i style="background:#e8912d"></i>recommended stock</span></div></div>"#
            + #"<div class="card"><h2>Demand by department</h2><p class="sub">Σ μ of the department's products</p>"#
            + SVGChart.horizontalBars(departments, title: "Expected demand by department", id: "chart-departments",
                                      valueFormat: { SVGChart.compact($0.rounded()) }, color: "#12a594", labelWidth: 140, width: 430)
            + "</div></section>"
    }

    private func lower() -> String {
        let hours = state.kpis.ordersByHour.map(Double.init)
        let orders = #"<div class="card"><h2>Orders by hour of day</h2><p class="sub">every order in the data</p>"#
            + SVGChart.columns(hours, labels: (0..<24).map { "\($0)h" }, title: "Orders by hour of day", id: "chart-hours", width: 430, height: 200) + "</div>"
        return #"<section class="grid2">"# + stockTable() + #"<div>"# + modelPanel() + orders + "</div></section>"
    }

    private func modelPanel() -> String {
        let m = state.model
        let bars = m.importances.prefix(10).map { SVGChart.Bar(label: $0.feature, value: $0.impurity) }
        return #"<div class="card" id="model" style="margin-bottom:1rem"><h2>Model</h2><dl class="kv">"#
            + "<dt>version</dt><dd><code>\(HTML.escape(m.version))</code></dd>"
            + "<dt>forest</dt><dd>\(m.trees) trees, \(HTML.grouped(m.nodes)) nodes, \(m.features.count) features</dd>"
            + "<dt>trained</dt><dd>\(HTML.escape(m.trainedAt)) on \(HTML.grouped(m.trainingRows)) rows</dd>"
            + "<dt>target</dt><dd>\(HTML.escape(m.targetName))</dd></dl>"
            + #"<p class="sub" style="margin-top:.7rem">feature importance (impurity decrease)</p>"#
            + SVGChart.horizontalBars(bars, title: "Feature importances", id: "chart-importances", valueFormat: { HTML.fixed($0, 3) },
                                      color: "#7b61d1", labelWidth: 150, width: 430)
            + "</div>"
    }

    private func stockTable() -> String {
        var query = RecommendationQuery()
        query.search = search
        query.department = department
        query.limit = DashboardPage.tableRows
        let (total, rows) = state.recommendations(query)
        var options = #"<option value="">all departments</option>"#
        for d in state.departments.map(\.name).sorted() {
            options += #"<option\#(d == department ? " selected" : "")>\#(HTML.escape(d))</option>"#
        }
        var s = #"<div class="card" id="stock"><h2>Stock per product</h2><p class="sub">\#(HTML.grouped(total)) products\#(total > rows.count ? ", first \(rows.count) shown" : "") · largest expected demand first</p>"#
        s += #"<form class="search" method="get" action="/#stock"><input id="stock-search" name="q" type="search" placeholder="Search a product…" value="\#(HTML.escape(search ?? ""))" aria-label="Search a product"><select name="department" aria-label="Department">\#(options)</select><button type="submit">Filter</button></form>"#
        s += #"<div class="scroll"><table id="stock-table"><thead><tr><th>Product</th><th class="hide-sm">Department</th><th class="num greek">μ</th><th class="num greek">σ</th><th class="num">Stock</th></tr></thead><tbody>"#
        for r in rows {
            let name = r.product.name.isEmpty ? "product \(r.productID)" : r.product.name
            s += #"<tr data-name="\#(HTML.escape(name.lowercased()))"><td><a href="/products/\#(r.productID)">\#(HTML.escape(name))</a><div class="sub" style="margin:0">\#(HTML.escape(r.product.aisle))</div></td><td class="hide-sm">\#(HTML.escape(r.product.department))</td><td class="num">\#(HTML.fixed(r.expectedDemand, 1))</td><td class="num">\#(HTML.fixed(r.standardDeviation, 1))</td><td class="num"><b>\#(HTML.grouped(r.recommendedStock))</b></td></tr>"#
        }
        if rows.isEmpty { s += #"<tr><td colspan="5">No product matches.</td></tr>"# }
        return s + "</tbody></table></div></div>"
    }

    /// Filters the stock table's rows as one types (the form still works without script).
    static let filterScript = """
    (function(){var i=document.getElementById('stock-search');if(!i)return;var rows=document.querySelectorAll('#stock-table tbody tr[data-name]');
    i.addEventListener('input',function(){var q=i.value.trim().toLowerCase();for(var k=0;k<rows.length;k++){rows[k].style.display=rows[k].getAttribute('data-name').indexOf(q)>=0?'':'none';}});})();
    """

    /// Percent-encodes a query value (everything but unreserved characters).
    static func queryEscape(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
