import Foundation

/// Horizontal bars (feature importances, say), longest first as given, with optional whiskers, and
/// a heat map of a grid of values (a sweep's metric over two hyperparameters) with its colour
/// scale. Cost O(bars) / O(cells).
public enum SVGBarChart {
    /// One horizontal bar per (label, value), the axis at 0 (values may be negative); `low`/`high`,
    /// when given, draw a whisker per bar (a spread over folds, say).
    public static func horizontal(title: String, labels: [String], values: [Double], valueLabel: String,
                                  low: [Double] = [], high: [Double] = []) -> String {
        let rowH = 18.0, left = 190.0, width = 620.0, top = 40.0, right = 70.0
        let height = top + Double(labels.count) * rowH + 50
        let ends = (values + low + high).filter(\.isFinite)
        let minV = min(ends.min() ?? 0, 0), maxV = max(ends.max() ?? 1, 1e-12)
        let span = max(maxV - minV, 1e-12)
        func px(_ v: Double) -> Double { left + (width - left - right) * (v - minV) / span }
        var out = SVGChart.header(width: width, height: height, title: title)
        let bottom = top + Double(labels.count) * rowH
        let ticks = SVGChart.ticks(minV...maxV, count: 6)
        for (t, text) in zip(ticks, SVGChart.labels(ticks)) {
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom + 4))\" stroke=\"\(t == 0 ? "#888" : "#eee")\"/>"
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(text)</text>\n"
        }
        // Value labels with enough decimals for the largest magnitude (3 significant digits).
        let magnitude = max(ends.map(abs).max() ?? 1, 1e-12)
        let digits = min(max(3, 2 - Int(log10(magnitude).rounded(.down))), 6)
        for (i, (label, value)) in zip(labels, values).enumerated() {
            let y = top + Double(i) * rowH
            let v = value.isFinite ? value : 0
            let x0 = px(min(v, 0)), x1 = px(max(v, 0))
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 12))\" text-anchor=\"end\">\(SVGChart.escape(label))</text>"
            out += "<rect class=\"bar\" x=\"\(f(x0))\" y=\"\(f(y + 2))\" width=\"\(f(x1 - x0))\" height=\"\(f(rowH - 4))\" fill=\"#4c78a8\"/>"
            var labelX = x1
            if i < low.count, i < high.count, low[i].isFinite, high[i].isFinite {
                let cy = y + rowH / 2
                out += "<path class=\"whisker\" d=\"M\(f(px(low[i]))),\(f(cy)) L\(f(px(high[i]))),\(f(cy)) M\(f(px(low[i]))),\(f(cy - 4)) "
                    + "L\(f(px(low[i]))),\(f(cy + 4)) M\(f(px(high[i]))),\(f(cy - 4)) L\(f(px(high[i]))),\(f(cy + 4))\" stroke=\"#222\" fill=\"none\"/>"
                labelX = max(labelX, px(high[i]))
            }
            out += "<text x=\"\(f(labelX + 4))\" y=\"\(f(y + 12))\">\(fixed(value, digits))</text>\n"
        }
        out += "<text x=\"\(f(left + (width - left - right) / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(SVGChart.escape(valueLabel))</text>\n"
        return out + "</svg>\n"
    }

    /// The fill of a heat-map cell at t ∈ [0, 1]: from pale yellow (0) to dark blue (1), through
    /// green (a viridis-like ramp, readable in grey).
    static func colour(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(255, 255, 204), (161, 218, 180), (65, 182, 196), (44, 127, 184), (37, 52, 148)]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2), u = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return "rgb(\(Int(a.0 + (b.0 - a.0) * u)),\(Int(a.1 + (b.1 - a.1) * u)),\(Int(a.2 + (b.2 - a.2) * u)))"
    }

    /// A heat map: `values[row][column]`, NaN cells left blank; colour from pale (low) to dark
    /// (high), with a colour scale on the right labelled from the lowest to the highest value and
    /// `scaleNote` under it ("higher is better", say).
    public static func heatMap(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]],
                               rowTitle: String, columnTitle: String, scaleNote: String = "") -> String {
        let cellW = 80.0, cellH = 34.0, left = 150.0, top = 80.0, scaleW = 170.0
        let width = max(600, left + cellW * Double(columnLabels.count) + scaleW)
        let height = max(top + cellH * Double(rowLabels.count) + 30, top + 180)
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        var out = SVGChart.header(width: width, height: height, title: title)
        for (r, label) in rowLabels.enumerated() {
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(top + Double(r) * cellH + 21))\" text-anchor=\"end\">\(SVGChart.escape(label))</text>\n"
            for c in columnLabels.indices {
                let v = values[r][c]
                guard v.isFinite else { continue }
                let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
                let x = left + Double(c) * cellW, y = top + Double(r) * cellH
                out += "<rect class=\"cell\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cellW - 2))\" height=\"\(f(cellH - 2))\" fill=\"\(colour(t))\"/>"
                out += "<text x=\"\(f(x + cellW / 2))\" y=\"\(f(y + 21))\" text-anchor=\"middle\" fill=\"\(t > 0.6 ? "white" : "black")\">\(f4(v))</text>\n"
            }
        }
        for (c, label) in columnLabels.enumerated() {
            out += "<text x=\"\(f(left + Double(c) * cellW + cellW / 2))\" y=\"\(f(top - 8))\" text-anchor=\"middle\">\(SVGChart.escape(label))</text>\n"
        }
        // The column title above the column labels, the row title in the corner above the row labels.
        out += "<text x=\"\(f(left + cellW * Double(columnLabels.count) / 2))\" y=\"\(f(top - 30))\" text-anchor=\"middle\" "
            + "font-weight=\"bold\">\(SVGChart.escape(columnTitle)) →</text>\n"
        out += "<text x=\"\(f(left - 8))\" y=\"\(f(top - 8))\" text-anchor=\"end\" font-weight=\"bold\">\(SVGChart.escape(rowTitle)) ↓</text>\n"
        // The colour scale: a column of 20 steps from the highest (top) to the lowest value.
        let sx = left + cellW * Double(columnLabels.count) + 30, steps = 20, sh = 140.0
        out += "<g class=\"colour-scale\">"
        for k in 0..<steps {
            let t = 1 - Double(k) / Double(steps - 1)
            out += "<rect x=\"\(f(sx))\" y=\"\(f(top + Double(k) * sh / Double(steps)))\" width=\"16\" height=\"\(f(sh / Double(steps) + 0.5))\" fill=\"\(colour(t))\"/>"
        }
        out += "<rect x=\"\(f(sx))\" y=\"\(f(top))\" width=\"16\" height=\"\(f(sh))\" fill=\"none\" stroke=\"#888\"/>"
        for k in 0...4 {
            let t = Double(k) / 4, y = top + sh * (1 - t)
            out += "<line x1=\"\(f(sx + 16))\" y1=\"\(f(y))\" x2=\"\(f(sx + 20))\" y2=\"\(f(y))\" stroke=\"#888\"/>"
            out += "<text x=\"\(f(sx + 23))\" y=\"\(f(y + 4))\">\(f4(lo + (hi - lo) * t))</text>"
        }
        if !scaleNote.isEmpty { out += "<text x=\"\(f(sx))\" y=\"\(f(top + sh + 18))\">\(SVGChart.escape(scaleNote))</text>" }
        out += "</g>\n"
        return out + "</svg>\n"
    }
}

/// A number with 3 significant decimals for labels.
func f3(_ v: Double) -> String { fixed(v, 3) }

/// A number with 4 decimals (metrics).
func f4(_ v: Double) -> String { fixed(v, 4) }

/// v with `digits` decimals, without Foundation's formatter.
func fixed(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return "nan" }
    var unit = 1.0
    for _ in 0..<digits { unit *= 10 }
    let scaled = (v * unit).rounded()
    let sign = scaled < 0 ? "-" : ""
    let a = abs(scaled)
    let whole = Int(a / unit), frac = Int(a.truncatingRemainder(dividingBy: unit))
    guard digits > 0 else { return "\(sign)\(whole)" }
    let text = String(frac)
    return "\(sign)\(whole).\(String(repeating: "0", count: digits - text.count))\(text)"
}
