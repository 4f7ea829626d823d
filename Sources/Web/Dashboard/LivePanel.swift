/// The dashboard's live panel when `restock serve --clickhouse` polls the stream: tiles for orders
/// per minute, orders since start, stream lag and live products, and a server-rendered SVG chart of
/// orders per minute at each poll. Rendered inside the page and again by `GET /fragments/live`,
/// which the page's inline fetch loop swaps in every few seconds (no external script). Cost
/// O(history) = O(`LiveStatus.historyLimit`).
struct LivePanel {
    let live: LiveStatus

    func render() -> String {
        func tile(_ key: String, _ value: String, _ note: String) -> String {
            #"<div class="tile"><div class="k">\#(key)</div><div class="v">\#(value)</div><div class="n">\#(note)</div></div>"#
        }
        let lag = live.streamLagSeconds.map { HTML.fixed($0, 0) + " s" } ?? "–"
        let history = live.ordersPerMinuteHistory
        let labels = history.indices.map { i in (history.count - 1 - i) % 20 == 0 ? "poll \(i + 1)" : "" }
        return #"<section class="card" id="live" style="margin-bottom:1rem"><h2>Live orders</h2><p class="sub">polled from ClickHouse; the page refreshes itself</p><div class="tiles">"#
            + tile("Orders per minute", live.ordersPerMinute >= 100 ? HTML.grouped(Int(live.ordersPerMinute.rounded())) : HTML.fixed(live.ordersPerMinute, 1), "over the last minute")
            + tile("New orders", HTML.grouped(live.ordersSinceStart), "since the server started")
            + tile("Stream lag", lag, "since live_stock was published")
            + tile("Live products", HTML.grouped(live.liveProducts), live.liveModelVersion.map { "model " + HTML.escape($0) } ?? "no live_stock yet")
            + "</div>"
            + SVGChart.columns(history.isEmpty ? [0] : history, labels: history.isEmpty ? [""] : labels, title: "Orders per minute at each poll",
                               id: "chart-orders-per-minute", color: "#2f6fde", width: 900, height: 180)
            + "</section>"
    }

    /// Replaces `#live-region` with `/fragments/live` every `seconds` (failures are ignored: the page
    /// keeps its last content).
    static func refreshScript(seconds: Int) -> String {
        """
        (function(){var r=document.getElementById('live-region');if(!r)return;setInterval(function(){fetch('/fragments/live',{cache:'no-store'}).then(function(x){return x.ok?x.text():null}).then(function(t){if(t!==null)r.innerHTML=t}).catch(function(){})},\(seconds * 1000));})();
        """
    }
}
