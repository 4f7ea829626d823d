/// A small SVG chart: linear axes with ticks, and layers of points, lines, bars or heat-map cells.
/// Text is escaped; numbers are printed with 2 decimals. The output is a standalone `<svg>` that
/// a Markdown renderer shows inline or as an image. Cost O(marks).
public struct SVGChart: Sendable {
    public struct Series: Sendable {
        public enum Kind: Sendable { case points, line, dashedLine }
        public var kind: Kind
        public var xs: [Double]
        public var ys: [Double]
        public var colour: String
        public var label: String?

        public init(_ kind: Kind, xs: [Double], ys: [Double], colour: String = "#1f77b4", label: String? = nil) {
            self.kind = kind
            self.xs = xs
            self.ys = ys
            self.colour = colour
            self.label = label
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width = 560.0
    public var height = 400.0
    public var series: [Series] = []
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0

    /// The SVG text.
    public func render() -> String {
        let allX = series.flatMap(\.xs).filter(\.isFinite)
        let allY = series.flatMap(\.ys).filter(\.isFinite)
        let xr = xRange ?? SVGChart.paddedRange(allX)
        let yr = yRange ?? SVGChart.paddedRange(allY)
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * plotH }
        var out = SVGChart.header(width: width, height: height, title: title)
        out += axes(xr: xr, yr: yr, px: px, py: py)
        for s in series {
            let pairs = zip(s.xs, s.ys).filter { $0.0.isFinite && $0.1.isFinite }
            switch s.kind {
            case .points:
                out += "<g fill=\"\(s.colour)\" fill-opacity=\"0.45\">"
                for (x, y) in pairs { out += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"2.2\"/>" }
                out += "</g>\n"
            case .line, .dashedLine:
                let d = pairs.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f(px($0.element.0))),\(f(py($0.element.1)))" }.joined(separator: " ")
                let dash = s.kind == .dashedLine ? " stroke-dasharray=\"5,4\"" : ""
                out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"2\"\(dash)/>\n"
            }
        }
        out += legend()
        return out + "</svg>\n"
    }

    func axes(xr: ClosedRange<Double>, yr: ClosedRange<Double>, px: (Double) -> Double, py: (Double) -> Double) -> String {
        let plotH = height - top - bottom
        var out = "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
        for t in SVGChart.ticks(xr) {
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#888\"/>"
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(SVGChart.label(t))</text>\n"
        }
        for t in SVGChart.ticks(yr) {
            out += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\" stroke=\"#888\"/>"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(SVGChart.label(t))</text>\n"
        }
        out += "<text x=\"\(f(left + (width - left - right) / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(SVGChart.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(16,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(yLabel))</text>\n"
        return out
    }

    func legend() -> String {
        let labelled = series.filter { $0.label != nil }
        var out = ""
        for (i, s) in labelled.enumerated() {
            let y = top + 14 + Double(i) * 16
            out += "<rect x=\"\(f(left + 10))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(s.colour)\"/>"
            out += "<text x=\"\(f(left + 25))\" y=\"\(f(y))\">\(SVGChart.escape(s.label!))</text>\n"
        }
        return out
    }

    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>\n"
    }

    /// [min, max] widened by 5 % (or by 1 when the values are all equal).
    static func paddedRange(_ values: [Double]) -> ClosedRange<Double> {
        guard let lo = values.min(), let hi = values.max() else { return 0...1 }
        if lo == hi { return (lo - 1)...(hi + 1) }
        let pad = (hi - lo) * 0.05
        return (lo - pad)...(hi + pad)
    }

    /// About five round tick values (steps of 1, 2 or 5 × 10ⁿ) inside the range.
    static func ticks(_ r: ClosedRange<Double>) -> [Double] {
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else { return [] }
        let raw = span / 5
        var step = 1.0
        while step > raw { step /= 10 }
        while step * 10 <= raw { step *= 10 }
        if raw >= 5 * step { step *= 5 } else if raw >= 2 * step { step *= 2 }
        var t = (r.lowerBound / step).rounded(.up) * step
        var out: [Double] = []
        while t <= r.upperBound + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        return f(v)
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
