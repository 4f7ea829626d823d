/// Horizontal bars (feature importances, say), longest first as given, and a heat map of a grid
/// of values (a sweep's metric over two hyperparameters). Cost O(bars) / O(cells).
public enum SVGBarChart {
    /// One horizontal bar per (label, value); values ≥ 0.
    public static func horizontal(title: String, labels: [String], values: [Double], valueLabel: String) -> String {
        let rowH = 18.0, left = 190.0, width = 560.0, top = 40.0
        let height = top + Double(labels.count) * rowH + 40
        let maxV = max(values.filter(\.isFinite).max() ?? 1, 1e-12)
        var out = SVGChart.header(width: width, height: height, title: title)
        for (i, (label, value)) in zip(labels, values).enumerated() {
            let y = top + Double(i) * rowH
            let w = (width - left - 70) * max(0, value.isFinite ? value : 0) / maxV
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 12))\" text-anchor=\"end\">\(SVGChart.escape(label))</text>"
            out += "<rect x=\"\(f(left))\" y=\"\(f(y + 2))\" width=\"\(f(w))\" height=\"\(f(rowH - 4))\" fill=\"#4c78a8\"/>"
            out += "<text x=\"\(f(left + w + 4))\" y=\"\(f(y + 12))\">\(f3(value))</text>\n"
        }
        out += "<text x=\"\(f(left + (width - left) / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(SVGChart.escape(valueLabel))</text>\n"
        return out + "</svg>\n"
    }

    /// A heat map: `values[row][column]`, NaN cells left blank; colour from light (low) to dark (high).
    public static func heatMap(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]],
                               rowTitle: String, columnTitle: String) -> String {
        let cellW = 80.0, cellH = 30.0, left = 120.0, top = 50.0
        let width = max(560, left + cellW * Double(columnLabels.count) + 20)
        let height = top + cellH * Double(rowLabels.count) + 50
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        var out = SVGChart.header(width: width, height: height, title: title)
        for (r, label) in rowLabels.enumerated() {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(top + Double(r) * cellH + 19))\" text-anchor=\"end\">\(SVGChart.escape(label))</text>\n"
            for c in columnLabels.indices {
                let v = values[r][c]
                guard v.isFinite else { continue }
                let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
                let shade = Int(230 - 170 * t)
                let fill = "rgb(\(shade),\(Int(Double(shade) * 0.9 + 20)),255)"
                let x = left + Double(c) * cellW, y = top + Double(r) * cellH
                out += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cellW - 2))\" height=\"\(f(cellH - 2))\" fill=\"\(fill)\"/>"
                out += "<text x=\"\(f(x + cellW / 2))\" y=\"\(f(y + 19))\" text-anchor=\"middle\" fill=\"\(t > 0.6 ? "white" : "black")\">\(f3(v))</text>\n"
            }
        }
        for (c, label) in columnLabels.enumerated() {
            out += "<text x=\"\(f(left + Double(c) * cellW + cellW / 2))\" y=\"\(f(top - 8))\" text-anchor=\"middle\">\(SVGChart.escape(label))</text>\n"
        }
        out += "<text x=\"\(f(left + cellW * Double(columnLabels.count) / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(SVGChart.escape(columnTitle))</text>\n"
        out += "<text transform=\"translate(16,\(f(top + cellH * Double(rowLabels.count) / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(rowTitle))</text>\n"
        return out + "</svg>\n"
    }
}

/// A number with 3 significant decimals for labels.
func f3(_ v: Double) -> String {
    guard v.isFinite else { return "nan" }
    let scaled = (v * 1000).rounded()
    let sign = scaled < 0 ? "-" : ""
    let a = abs(scaled)
    let whole = Int(a / 1000), frac = Int(a.truncatingRemainder(dividingBy: 1000))
    let digits = String(frac)
    return "\(sign)\(whole).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
}
