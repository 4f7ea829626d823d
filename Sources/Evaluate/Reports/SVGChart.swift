import Foundation

/// A small SVG chart: axes with ticks (linear, or log(1 + v) for counts that include 0, or named
/// categories), and layers of points, lines, markers, bars and error bars. Text is escaped; numbers
/// are printed with 2 decimals. The output is a standalone `<svg>` that a Markdown renderer shows
/// inline or as an image; `SVGChart.grid` lays several charts out as the panels of one figure.
/// No script, no external font. Cost O(marks).
public struct SVGChart: Sendable {
    public struct Series: Sendable {
        /// `points`: dots; `line`/`dashedLine`: a polyline; `markers`: a polyline with a dot at each
        /// point; `bars`: vertical bars from the axis floor to y, `barWidth` wide in data units;
        /// `errorBars`: a dot at y with a whisker from `low` to `high`.
        public enum Kind: Sendable { case points, line, dashedLine, markers, bars, errorBars }
        public var kind: Kind
        public var xs: [Double]
        public var ys: [Double]
        public var colour: String
        public var label: String?
        /// Whisker ends of `errorBars`, aligned with `ys`.
        public var low: [Double] = []
        public var high: [Double] = []
        /// Dot radius of `points` and `markers` (pixels), and their opacity.
        public var radius = 2.2
        public var opacity = 0.45
        /// Bar width in data units (`bars`).
        public var barWidth = 1.0

        public init(_ kind: Kind, xs: [Double], ys: [Double], colour: String = "#1f77b4", label: String? = nil) {
            self.kind = kind
            self.xs = xs
            self.ys = ys
            self.colour = colour
            self.label = label
        }
    }

    /// How an axis maps values to pixels: linearly, or by log₁₀(1 + v) (counts with zeros; v ≥ 0).
    public enum Scale: Sendable { case linear, log1p }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width = 560.0
    public var height = 400.0
    public var series: [Series] = []
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var xScale = Scale.linear
    public var yScale = Scale.linear
    /// Names of the x positions 0, 1, …: ticks at the integers, labelled with these names.
    public var xCategories: [String]?
    /// A horizontal reference line (a dashed grey rule at this y), drawn under the series.
    public var referenceY: Double?
    /// Where the legend goes in the plot.
    public enum LegendPlace: Sendable { case topLeft, topRight, bottomRight }
    public var legendPlace = LegendPlace.topLeft

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    var left: Double { 70 }
    let right = 20.0, top = 40.0
    /// Room under the plot: more when category names are written slanted.
    var bottom: Double { slantedCategories ? 95 : 55 }
    var slantedCategories: Bool { (xCategories?.count ?? 0) > 6 }

    /// The SVG text.
    public func render() -> String {
        let allX = series.flatMap { $0.xs }.filter(\.isFinite)
        let allY = series.flatMap { $0.ys + $0.low + $0.high }.filter(\.isFinite)
        let xr = xRange ?? xCategories.map { -0.5...(Double($0.count) - 0.5) } ?? SVGChart.paddedRange(allX, scale: xScale)
        let yr = yRange ?? SVGChart.paddedRange(allY, scale: yScale)
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = xScale, ys = yScale
        func px(_ x: Double) -> Double {
            left + (SVGChart.position(x, xs) - SVGChart.position(xr.lowerBound, xs))
                / (SVGChart.position(xr.upperBound, xs) - SVGChart.position(xr.lowerBound, xs)) * plotW
        }
        func py(_ y: Double) -> Double {
            top + plotH - (SVGChart.position(y, ys) - SVGChart.position(yr.lowerBound, ys))
                / (SVGChart.position(yr.upperBound, ys) - SVGChart.position(yr.lowerBound, ys)) * plotH
        }
        var out = SVGChart.header(width: width, height: height, title: title)
        out += axes(xr: xr, yr: yr, px: px, py: py)
        if let referenceY, yr.contains(referenceY) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(referenceY)))\" x2=\"\(f(width - right))\" y2=\"\(f(py(referenceY)))\" "
                + "stroke=\"#666\" stroke-dasharray=\"3,3\"/>\n"
        }
        for s in series { out += marks(s, floor: yr.lowerBound, px: px, py: py) }
        out += legend()
        return out + "</svg>\n"
    }

    func marks(_ s: Series, floor: Double, px: (Double) -> Double, py: (Double) -> Double) -> String {
        let pairs = zip(s.xs, s.ys).filter { $0.0.isFinite && $0.1.isFinite }
        var out = ""
        switch s.kind {
        case .points:
            out += "<g fill=\"\(s.colour)\" fill-opacity=\"\(f(s.opacity))\">"
            for (x, y) in pairs { out += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"\(f(s.radius))\"/>" }
            out += "</g>\n"
        case .line, .dashedLine, .markers:
            let d = pairs.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f(px($0.element.0))),\(f(py($0.element.1)))" }.joined(separator: " ")
            let dash = s.kind == .dashedLine ? " stroke-dasharray=\"5,4\"" : ""
            out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"2\"\(dash)/>\n"
            if s.kind == .markers {
                out += "<g fill=\"\(s.colour)\" stroke=\"white\" stroke-width=\"1\">"
                for (x, y) in pairs { out += "<circle class=\"marker\" cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"\(f(s.radius))\"/>" }
                out += "</g>\n"
            }
        case .bars:
            out += "<g fill=\"\(s.colour)\" fill-opacity=\"\(f(s.opacity))\">"
            for (x, y) in pairs where y > floor {
                let x0 = px(x - s.barWidth / 2), x1 = px(x + s.barWidth / 2), top = py(y), base = py(floor)
                out += "<rect class=\"bar\" x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(max(x1 - x0 - 0.5, 0.5)))\" height=\"\(f(base - top))\"/>"
            }
            out += "</g>\n"
        case .errorBars:
            for (i, (x, y)) in zip(s.xs, s.ys).enumerated() where x.isFinite && y.isFinite {
                if i < s.low.count, i < s.high.count, s.low[i].isFinite, s.high[i].isFinite {
                    let cx = px(x)
                    out += "<path class=\"whisker\" d=\"M\(f(cx)),\(f(py(s.low[i]))) L\(f(cx)),\(f(py(s.high[i]))) "
                        + "M\(f(cx - 4)),\(f(py(s.low[i]))) L\(f(cx + 4)),\(f(py(s.low[i]))) "
                        + "M\(f(cx - 4)),\(f(py(s.high[i]))) L\(f(cx + 4)),\(f(py(s.high[i])))\" stroke=\"\(s.colour)\" stroke-width=\"1.5\" fill=\"none\"/>"
                }
                out += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"\(f(max(s.radius, 3.5)))\" fill=\"\(s.colour)\"/>\n"
            }
        }
        return out
    }

    func axes(xr: ClosedRange<Double>, yr: ClosedRange<Double>, px: (Double) -> Double, py: (Double) -> Double) -> String {
        let plotH = height - top - bottom
        var out = "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
        if let xCategories {
            for (i, name) in xCategories.enumerated() {
                let x = px(Double(i)), y = top + plotH
                out += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x))\" y2=\"\(f(y + 5))\" stroke=\"#888\"/>"
                out += slantedCategories
                    ? "<text transform=\"translate(\(f(x + 3)),\(f(y + 12))) rotate(-40)\" text-anchor=\"end\">\(SVGChart.escape(name))</text>\n"
                    : "<text x=\"\(f(x))\" y=\"\(f(y + 18))\" text-anchor=\"middle\">\(SVGChart.escape(name))</text>\n"
            }
        } else {
            let ticks = SVGChart.ticks(xr, scale: xScale, count: width < 400 ? 4 : 6)
            for (t, text) in zip(ticks, SVGChart.labels(ticks)) {
                out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#888\"/>"
                out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(text)</text>\n"
            }
        }
        let yTicks = SVGChart.ticks(yr, scale: yScale, count: height < 300 ? 4 : 6)
        for (t, text) in zip(yTicks, SVGChart.labels(yTicks)) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(width - right))\" y2=\"\(f(py(t)))\" stroke=\"#eee\"/>"
            out += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\" stroke=\"#888\"/>"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(text)</text>\n"
        }
        out += "<text x=\"\(f(left + (width - left - right) / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(SVGChart.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(16,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(yLabel))</text>\n"
        return out
    }

    func legend() -> String {
        let labelled = series.filter { $0.label != nil }
        let longest = Double(labelled.map { $0.label!.count }.max() ?? 0)
        let x0 = legendPlace == .topLeft ? left + 10 : width - right - 30 - longest * 6.2
        let y0 = legendPlace == .bottomRight ? height - bottom - 10 - Double(labelled.count) * 16 : top + 4
        var out = labelled.isEmpty ? "" : "<rect x=\"\(f(x0 - 4))\" y=\"\(f(y0))\" width=\"\(f(longest * 6.2 + 28))\" "
            + "height=\"\(f(Double(labelled.count) * 16 + 4))\" fill=\"white\" fill-opacity=\"0.85\"/>\n"
        for (i, s) in labelled.enumerated() {
            let y = y0 + 14 + Double(i) * 16
            out += "<rect x=\"\(f(x0))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(s.colour)\"/>"
            out += "<text x=\"\(f(x0 + 15))\" y=\"\(f(y))\">\(SVGChart.escape(s.label!))</text>\n"
        }
        return out
    }

    /// Charts laid out as the panels of one figure, `columns` per row, under a common title.
    public static func grid(_ charts: [SVGChart], columns: Int, title: String) -> String {
        let columns = max(1, min(columns, charts.count))
        let rows = (charts.count + columns - 1) / columns
        let cellW = charts.map(\.width).max() ?? 0
        let rowHeights = (0..<rows).map { r in charts[(r * columns)..<min((r + 1) * columns, charts.count)].map(\.height).max() ?? 0 }
        let width = cellW * Double(columns), height = 34 + rowHeights.reduce(0, +)
        var out = header(width: width, height: height, title: title)
        for (i, chart) in charts.enumerated() {
            let x = Double(i % columns) * cellW, y = 34 + rowHeights.prefix(i / columns).reduce(0, +)
            let inner = chart.render().replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" ", with: "<svg x=\"\(f(x))\" y=\"\(f(y))\" ")
            out += inner
        }
        return out + "</svg>\n"
    }

    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>\n"
    }

    /// The coordinate of v on a scale before the affine map to pixels.
    static func position(_ v: Double, _ scale: Scale) -> Double {
        switch scale {
        case .linear: v
        case .log1p: log10(1 + max(v, 0))
        }
    }

    /// [min, max] widened by 5 % (or by 1 when the values are all equal); on a log1p scale from 0
    /// to the maximum widened by 10 % of its position.
    static func paddedRange(_ values: [Double], scale: Scale = .linear) -> ClosedRange<Double> {
        guard let lo = values.min(), let hi = values.max() else { return 0...1 }
        if scale == .log1p { return 0...max(pow(10, log10(1 + max(hi, 0)) * 1.05) - 1, 1) }
        if lo == hi { return (lo - 1)...(hi + 1) }
        let pad = (hi - lo) * 0.05
        return (lo - pad)...(hi + pad)
    }

    /// Tick values: on a linear scale round values (steps of 1, 2 or 5 × 10ⁿ, the smallest with at
    /// most `count` steps); on a log1p scale 0 and 1, 2, 5 × 10ⁿ (only the powers of ten when that
    /// gives more than 9).
    static func ticks(_ r: ClosedRange<Double>, scale: Scale = .linear, count: Int = 5) -> [Double] {
        if scale == .log1p {
            var all: [Double] = r.contains(0) ? [0] : [], powers: [Double] = all
            var decade = 1.0
            while decade <= r.upperBound {
                for m in [1.0, 2, 5] where m * decade >= r.lowerBound && m * decade <= r.upperBound { all.append(m * decade) }
                if decade >= r.lowerBound { powers.append(decade) }
                decade *= 10
            }
            // Only the powers of ten; over more than 4 decades 0 and 1 sit too close to read both.
            return all.count > 9 ? powers.filter { !(powers.contains(0) && $0 == 1 && r.upperBound >= 10_000) } : all
        }
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else { return [] }
        var step = 1.0
        while span / step > Double(count) { step *= 10 }
        while span / (step / 10) <= Double(count) { step /= 10 }
        // step is the smallest power of ten with at most `count` steps; try 1/5 and 1/2 of it.
        if span / (step / 5) <= Double(count) { step /= 5 } else if span / (step / 2) <= Double(count) { step /= 2 }
        var t = (r.lowerBound / step).rounded(.up) * step
        var out: [Double] = []
        while t <= r.upperBound + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        return f(v)
    }

    /// Labels for a set of ticks, all with the same number of decimals (the fewest that write each
    /// exactly, at most 4); 0 is written "0".
    static func labels(_ ticks: [Double]) -> [String] {
        var digits = 0
        while digits < 4, ticks.contains(where: { t in
            let unit = pow(10, Double(digits))
            return abs((t * unit).rounded() / unit - t) > 1e-9 * max(1, abs(t))
        }) { digits += 1 }
        return ticks.map { $0 == 0 ? "0" : (digits == 0 && abs($0) < 1e9 ? String(Int($0.rounded())) : fixed($0, digits)) }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// A number with at most 2 decimals, trailing zeros dropped.
func f(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let scaled = (v * 100).rounded()
    let whole = Int(scaled / 100)
    let frac = Int(abs(scaled).truncatingRemainder(dividingBy: 100))
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    if frac == 0 { return "\(sign)\(whole)" }
    return frac % 10 == 0 ? "\(sign)\(whole).\(frac / 10)" : "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)"
}
