/// The frame every page shares: the document head (viewport meta for phones, one inline style
/// sheet, system fonts only: the dashboard works offline), the top bar and the footer.
enum PageLayout {
    static func page(title: String, state: ServeState, refreshSeconds: Int?, body: String, script: String = "") -> String {
        let refresh = refreshSeconds.map { #"<meta http-equiv="refresh" content="\#($0)">"# } ?? ""
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">\(refresh)
        <title>\(HTML.escape(title))</title>
        <link rel="icon" href="data:,">
        <style>\(css)</style></head>
        <body><header class="top"><a class="brand" href="/">Restock</a>
        <span class="meta">model <code>\(HTML.escape(state.model.version))</code> · service level \(HTML.percent(state.serviceLevel).replacingSpace())</span>
        <nav><a href="/#stock">Stock</a><a href="/#model">Model</a><a href="/api/kpis">API</a></nav></header>
        <main>\(body)</main>
        <footer>restock serve · \(HTML.grouped(state.candidateRows)) candidate rows · <a href="/metrics">metrics</a> · <a href="/api/model">model JSON</a></footer>
        \(script.isEmpty ? "" : "<script>\(script)</script>")
        </body></html>
        """
    }

    static let css = """
    :root{--bg:#f5f7fb;--card:#fff;--ink:#1c2433;--muted:#5d6b82;--line:#e3e8f0;--blue:#2f6fde;--teal:#12a594;--amber:#e8912d}
    *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
    a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
    .top{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center;padding:.8rem 1.4rem;background:#162036;color:#dfe6f3}
    .top .brand{color:#fff;font-weight:700;font-size:1.2rem;letter-spacing:.02em}.top .meta{color:#aab6cc;font-size:.88rem}
    .top nav{margin-left:auto;display:flex;gap:1rem}.top nav a{color:#dfe6f3}
    main{max-width:1280px;margin:0 auto;padding:1.2rem}
    h1{font-size:1.35rem;margin:.2rem 0 1rem}h2{font-size:1.02rem;margin:0 0 .2rem}.sub{color:var(--muted);font-size:.85rem;margin:0 0 .7rem}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:.8rem;margin-bottom:1rem}
    .tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.8rem 1rem}
    .tile .k{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}.tile .v{font-size:1.6rem;font-weight:650;margin-top:.15rem}
    .tile .n{color:var(--muted);font-size:.8rem}
    .grid2{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem;margin-bottom:1rem}
    .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.1rem;min-width:0}
    .chart{width:100%;height:auto;display:block}
    .chart .grid{stroke:#edf0f5;stroke-width:1}.chart .tick{fill:#7a879c;font-size:11px}.chart .label{fill:#33405a;font-size:12.5px}
    .chart .value{fill:#33405a;font-size:12px;font-weight:600}.chart .band{stroke:#1c2433;stroke-width:1.4}.chart .marker{fill:var(--amber);stroke:#fff;stroke-width:1}
    .legend{display:flex;flex-wrap:wrap;gap:1rem;color:var(--muted);font-size:.8rem;margin-top:.3rem}
    .legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
    table{width:100%;border-collapse:collapse;font-size:.9rem}th,td{padding:.42rem .5rem;border-bottom:1px solid var(--line);text-align:left}
    th{color:var(--muted);font-weight:600;font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;position:sticky;top:0;background:var(--card)}
    th.greek{text-transform:none;font-size:.95rem}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    .scroll{max-height:860px;overflow:auto}
    .search{display:flex;flex-wrap:wrap;gap:.5rem;margin:.2rem 0 .7rem}
    .search input,.search select{font:inherit;padding:.45rem .6rem;border:1px solid var(--line);border-radius:8px;min-width:0;flex:1 1 180px}
    .search button{font:inherit;padding:.45rem .9rem;border:0;border-radius:8px;background:var(--blue);color:#fff}
    .pill{display:inline-block;padding:.05rem .5rem;border-radius:99px;background:#eaf1fe;color:#24509f;font-size:.8rem}
    .prob{display:inline-block;height:8px;border-radius:4px;background:var(--teal);vertical-align:middle}
    dl.kv{display:grid;grid-template-columns:auto 1fr;gap:.25rem .8rem;margin:0;font-size:.9rem}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
    code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef2f8;padding:.05rem .3rem;border-radius:4px}
    .top code{background:#24304a;color:#dfe6f3}
    footer{max-width:1280px;margin:0 auto;padding:0 1.4rem 1.6rem;color:var(--muted);font-size:.8rem}
    @media (max-width:820px){.scroll{max-height:480px}.grid2{grid-template-columns:1fr}main{padding:.7rem}.tile .v{font-size:1.3rem}.top nav{margin-left:0}.hide-sm{display:none}}
    """
}

extension String {
    /// Non-breaking spaces, so "95.0 %" never wraps.
    func replacingSpace() -> String { String(map { $0 == " " ? "\u{a0}" : $0 }) }
}
