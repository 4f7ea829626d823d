/// The bearer token that protects the write endpoints (`--token` / `RESTOCK_TOKEN`). The check
/// compares in time that depends only on the lengths, never on where the first difference is.
public struct BearerToken: Sendable {
    private let expected: [UInt8]

    public init(_ token: String) {
        expected = Array(token.utf8)
    }

    /// True when `authorization` is `Bearer <token>` with exactly this token.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let prefix = "Bearer "
        guard authorization.utf8.count > prefix.utf8.count, authorization.hasPrefix(prefix) else { return false }
        return BearerToken.constantTimeEqual(Array(authorization.utf8.dropFirst(prefix.utf8.count)), expected)
    }

    /// Equal bytes, in time independent of their content (every byte is compared).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}
