/// HTML text helpers: escaping for element content and attribute values, and number formats
/// the pages share. Pure.
enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in content and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A decimal with `places` digits after the point.
    static func fixed(_ x: Double, _ places: Int) -> String {
        guard x.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let whole = Int(scaled / scale)
        var text = HTML.grouped(whole)
        if places > 0 {
            let fraction = String(Int(scaled) - whole * Int(scale))
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return (x < 0 && scaled > 0 ? "-" : "") + text
    }

    /// 0.4321 as "43.2 %".
    static func percent(_ x: Double) -> String { fixed(x * 100, 1) + " %" }
}
