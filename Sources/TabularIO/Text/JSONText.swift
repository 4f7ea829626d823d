/// JSON text written by hand, for outputs whose key order and number form must not depend on an
/// encoder: a string as a quoted JSON string, a finite number in its shortest form. Cost O(length).
public enum JSONText {
    /// `s` as a JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7),
    /// everything else as is (UTF-8).
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A finite `v` as a JSON number: an integer without a fraction when it is one (below 10¹⁵ in
    /// magnitude), else Swift's shortest round-trip form ("0.125", "1e-05").
    public static func number(_ v: Double) -> String {
        precondition(v.isFinite, "JSON has no \(v)")
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }
}
