/// Server-rendered SVG charts for the dashboard: no script, no external font, scalable (`viewBox`
/// with the width set by CSS), labelled for screen readers (`role="img"` and a `<title>`). Each
/// chart is O(bars) text.
enum SVGChart {
    struct Bar {
        var label: String
        var value: Double
        /// Half-width of a band drawn around the bar's end (σ), or 0.
        var band: Double = 0
        /// A marker drawn at this value (the recommended stock), or nil.
        var marker: Double? = nil
        var link: String? = nil
        /// This bar's fill, when it differs from the chart's.
        var color: String? = nil
    }

    /// Horizontal bars, largest first as given, with an optional ±band whisker and marker per bar.
    static func horizontalBars(_ bars: [Bar], title: String, id: String, valueFormat: (Double) -> String,
                               color: String = "#2f6fde", labelWidth: Double = 190, width: Double = 640) -> String {
        let rowHeight = 26.0, top = 8.0, right = 64.0
        let maxLabel = Int(labelWidth / 7.9)
        let height = top + Double(max(bars.count, 1)) * rowHeight + 26
        let maxValue = max(bars.map { max($0.value + $0.band, $0.marker ?? 0) }.max() ?? 0, 1e-9)
        let plotWidth = width - labelWidth - right
        func x(_ v: Double) -> Double { labelWidth + plotWidth * v / maxValue }
        var s = #"<svg class="chart" id="\#(id)" data-chart="\#(id)" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(HTML.escape(title))" preserveAspectRatio="xMinYMin meet"><title>\#(HTML.escape(title))</title>"#
        for tick in ticks(maxValue) {
            let tx = r(x(tick))
            s += #"<line x1="\#(tx)" y1="\#(top)" x2="\#(tx)" y2="\#(r(height - 22))" class="grid"/>"#
            s += #"<text x="\#(tx)" y="\#(r(height - 6))" class="tick" text-anchor="middle">\#(valueFormat(tick))</text>"#
        }
        for (i, bar) in bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let label = bar.label.count > maxLabel ? String(bar.label.prefix(maxLabel - 1)) + "…" : bar.label
            let text = #"<text x="\#(r(labelWidth - 8))" y="\#(r(y + 17))" class="label" text-anchor="end">\#(HTML.escape(label))<title>\#(HTML.escape(bar.label))</title></text>"#
            s += bar.link.map { #"<a href="\#(HTML.escape($0))">\#(text)</a>"# } ?? text
            s += #"<rect x="\#(r(labelWidth))" y="\#(r(y + 5))" width="\#(r(max(x(bar.value) - labelWidth, 1)))" height="16" rx="3" fill="\#(bar.color ?? color)"><title>\#(HTML.escape(bar.label)): \#(valueFormat(bar.value))</title></rect>"#
            if bar.band > 0 {
                let lo = r(x(max(bar.value - bar.band, 0))), hi = r(x(bar.value + bar.band)), mid = r(y + 13)
                s += #"<line x1="\#(lo)" y1="\#(mid)" x2="\#(hi)" y2="\#(mid)" class="band"/><line x1="\#(lo)" y1="\#(r(y + 8))" x2="\#(lo)" y2="\#(r(y + 18))" class="band"/><line x1="\#(hi)" y1="\#(r(y + 8))" x2="\#(hi)" y2="\#(r(y + 18))" class="band"/>"#
            }
            if let m = bar.marker {
                let mx = r(x(m))
                s += #"<path d="M\#(mx) \#(r(y + 3)) l5 10 l-5 10 l-5 -10 z" class="marker"><title>recommended stock \#(valueFormat(m))</title></path>"#
            }
            let end = r(x(max(bar.value + bar.band, bar.marker ?? 0)) + 8)
            s += #"<text x="\#(end)" y="\#(r(y + 17))" class="value">\#(valueFormat(bar.value))</text>"#
        }
        return s + "</svg>"
    }

    /// Vertical columns with one label under each (e.g. orders per hour of day).
    static func columns(_ values: [Double], labels: [String], title: String, id: String, color: String = "#12a594",
                        width: Double = 640, height: Double = 220) -> String {
        let left = 44.0, bottom = 26.0, top = 10.0
        let maxValue = max(values.max() ?? 0, 1e-9)
        let step = (width - left - 6) / Double(max(values.count, 1))
        var s = #"<svg class="chart" id="\#(id)" data-chart="\#(id)" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(HTML.escape(title))"><title>\#(HTML.escape(title))</title>"#
        for tick in ticks(maxValue) {
            let y = r(height - bottom - (height - bottom - top) * tick / maxValue)
            s += #"<line x1="\#(left)" y1="\#(y)" x2="\#(width - 6)" y2="\#(y)" class="grid"/><text x="\#(left - 6)" y="\#(r(Double(y)! + 4))" class="tick" text-anchor="end">\#(compact(tick))</text>"#
        }
        for (i, v) in values.enumerated() {
            let h = (height - bottom - top) * v / maxValue
            let x = left + Double(i) * step
            s += #"<rect x="\#(r(x + step * 0.12))" y="\#(r(height - bottom - h))" width="\#(r(step * 0.76))" height="\#(r(max(h, 0.5)))" rx="2" fill="\#(color)"><title>\#(HTML.escape(labels[i])): \#(HTML.grouped(Int(v)))</title></rect>"#
            if values.count <= 12 || i % 3 == 0 {
                s += #"<text x="\#(r(x + step / 2))" y="\#(r(height - 8))" class="tick" text-anchor="middle">\#(HTML.escape(labels[i]))</text>"#
            }
        }
        return s + "</svg>"
    }

    /// About five round tick values from 0 to at most `maxValue`.
    static func ticks(_ maxValue: Double) -> [Double] {
        guard maxValue > 0 else { return [0] }
        let raw = maxValue / 4
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return stride(from: 0, through: maxValue, by: step).map { $0 }
    }

    /// 12500 as "12.5k".
    static func compact(_ v: Double) -> String {
        if v >= 1_000_000 { return HTML.fixed(v / 1_000_000, v.truncatingRemainder(dividingBy: 1_000_000) == 0 ? 0 : 1) + "M" }
        if v >= 1000 { return HTML.fixed(v / 1000, v.truncatingRemainder(dividingBy: 1000) == 0 ? 0 : 1) + "k" }
        return HTML.fixed(v, v == v.rounded() ? 0 : 2)
    }

    /// A coordinate with one decimal.
    static func r(_ v: Double) -> String { String(HTML.fixed(v, 1).filter { $0 != "," }) }
}
