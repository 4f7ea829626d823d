/// Where and how `ClickHouseClient` connects. The password is never part of `description`, of a
/// URL or of an error: it travels only in a request header.
public struct ClickHouseConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// How user and password are sent. Both forms work on 18.16 and current servers.
    public enum Authentication: Sendable, Equatable {
        /// `X-ClickHouse-User` and `X-ClickHouse-Key` headers.
        case headers
        /// `Authorization: Basic ...`.
        case basic
    }

    /// Retries with exponential backoff, for connection failures only (`TransportError.kind ==
    /// .couldNotConnect`: nothing reached the server). A request that may have reached the server
    /// (timeout, broken stream, any HTTP status) is never retried: an INSERT may have committed.
    public struct RetryPolicy: Sendable, Equatable {
        /// Attempts in all, including the first (1 = no retry).
        public var maxAttempts: Int
        /// Seconds before the first retry.
        public var initialDelay: Double
        /// Each further delay is the previous one times this.
        public var multiplier: Double
        /// Upper bound of one delay, in seconds.
        public var maxDelay: Double

        public init(maxAttempts: Int = 5, initialDelay: Double = 0.1, multiplier: Double = 2, maxDelay: Double = 2) {
            self.maxAttempts = max(1, maxAttempts)
            self.initialDelay = initialDelay
            self.multiplier = multiplier
            self.maxDelay = maxDelay
        }

        public static let none = RetryPolicy(maxAttempts: 1)

        /// Seconds to wait after failed attempt `attempt` (1-based): initialDelay · multiplierᵃᵗᵗᵉᵐᵖᵗ⁻¹,
        /// capped at maxDelay. The defaults wait 0.1 + 0.2 + 0.4 + 0.8 = 1.5 s over 5 attempts.
        public func delay(afterAttempt attempt: Int) -> Double {
            var delay = initialDelay
            for _ in 1..<max(1, attempt) { delay *= multiplier }
            return min(delay, maxDelay)
        }
    }

    /// The server's HTTP address, e.g. `http://127.0.0.1:8123`, without credentials or query.
    public var url: String
    public var user: String?
    public var password: String?
    /// Default database of unqualified names (the `database` URL parameter, which 18.16 honours;
    /// it ignores the `X-ClickHouse-Database` header).
    public var database: String?
    public var authentication: Authentication = .headers
    /// Seconds to wait for the TCP connection.
    public var connectTimeout: Double = 5
    /// Seconds without one byte moving before a request is abandoned. A statement that computes
    /// longer than this before answering (a large `CREATE TABLE ... AS SELECT`) needs more; the
    /// server goes on running an abandoned query unless `maxExecutionTime` stops it.
    public var stallTimeout: Double = 300
    public var retry = RetryPolicy()
    /// Settings sent with every request (per-call settings override them).
    public var settings = ClickHouseSettings()
    /// Check the declared column types against the server before `select` and `insert` (one
    /// `DESCRIBE TABLE` round trip each). RowBinary has no framing: without the check a wrong
    /// declaration reads garbage, or writes it (a `String` body into a `UInt8` column is accepted as
    /// one row per byte). Turn off only for many small queries whose columns are known.
    public var verifyColumnTypes = true

    /// Credentials in the URL (`http://user:password@host:port`) are moved to `user` and
    /// `password` (percent-decoded) unless given explicitly; a trailing `/` is dropped.
    public init(url: String, user: String? = nil, password: String? = nil, database: String? = nil) {
        var address = url
        var urlUser: String?
        var urlPassword: String?
        if let scheme = address.firstRange(of: "://"),
           let at = address[scheme.upperBound...].firstIndex(of: "@"),
           !address[scheme.upperBound..<at].contains("/") {
            let userInfo = address[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                urlUser = Self.percentDecoded(userInfo[..<colon])
                urlPassword = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                urlUser = Self.percentDecoded(userInfo)
            }
            address = String(address[..<scheme.upperBound]) + String(address[address.index(after: at)...])
        }
        while address.hasSuffix("/") { address.removeLast() }
        self.url = address
        self.user = user ?? urlUser
        self.password = password ?? urlPassword
        self.database = database
    }

    public var description: String {
        var text = url
        if let user { text += " user \(user)" + (password.map { $0.isEmpty ? "" : " (password set)" } ?? "") }
        if let database { text += " database \(database)" }
        return text
    }

    /// `dump()` and debuggers show the description, not the password.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }

    /// The authentication headers for a request.
    var authenticationHeaders: [(name: String, value: String)] {
        guard let user else { return [] }
        switch authentication {
        case .headers:
            return [("X-ClickHouse-User", user), ("X-ClickHouse-Key", password ?? "")]
        case .basic:
            return [("Authorization", "Basic " + Self.base64(Array("\(user):\(password ?? "")".utf8)))]
        }
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let remaining = bytes.count - i
            let triple = UInt32(bytes[i]) << 16 | (remaining > 1 ? UInt32(bytes[i + 1]) << 8 : 0) | (remaining > 2 ? UInt32(bytes[i + 2]) : 0)
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(remaining > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
