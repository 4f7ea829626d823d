/// Percent-encoding of a query value for the tests' request targets.
enum DashboardEscape {
    static func query(_ text: String) -> String {
        text.utf8.map { b -> String in
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber) { return String(c) }
            let hex = String(b, radix: 16, uppercase: true)
            return "%" + (hex.count == 1 ? "0" : "") + hex
        }.joined()
    }
}
