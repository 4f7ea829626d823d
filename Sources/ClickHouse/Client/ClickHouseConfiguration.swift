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
    /// The user; nil sends none, or `default` when a password is set (ClickHouse's own default).
    public var user: String?
    public var password: String?
    /// Default database of unqualified names (the `database` URL parameter, which 18.16 honours;
    /// it ignores the `X-ClickHouse-Database` header).
    public var database: String?
    /// Query parameters of the URL given to `init` other than `user` and `password` (e.g.
    /// `max_threads=2`), sent with every request unless the request sets the same name itself.
    public var urlParameters: [(name: String, value: String)] = []
    public var authentication: Authentication = .headers
    /// Seconds to wait for the TCP connection.
    public var connectTimeout: Double = 5
    /// Seconds without one byte moving (sent or received, headers included) before the client
    /// asks the server, on a second connection, whether the request's `query_id` is still running
    /// (`system.processes`). Yes: the wait goes on for another `stallTimeout` (a long `CREATE TABLE
    /// ... AS SELECT` sends nothing until it is done; 18.16 sends no `X-ClickHouse-Progress` headers
    /// for SELECT or INSERT, with or without `wait_end_of_query`, and on current servers they would
    /// commit the 200 status before an error could become a status). No answer
    /// within `stallTimeout`, or not running: the request fails with `TransportError.timedOut`. So a
    /// server that accepts and never answers is given up after about twice this. The server goes on
    /// running an abandoned query unless `maxExecutionTime` stops it.
    public var stallTimeout: Double = 60
    public var retry = RetryPolicy()
    /// Settings sent with every request (per-call settings override them).
    public var settings = ClickHouseSettings()
    /// Check the declared column types against the server before `select` and `insert` (one
    /// `DESCRIBE TABLE` round trip each). RowBinary has no framing: without the check a wrong
    /// declaration reads garbage, or writes it (a `String` body into a `UInt8` column is accepted as
    /// one row per byte). Turn off only for many small queries whose columns are known.
    public var verifyColumnTypes = true

    /// Takes `url` apart as `ClickHouseURL` describes: credentials before the last `@` and the
    /// `user`/`password` query parameters become `user` and `password` (the arguments win when
    /// given), other query parameters go to `urlParameters`, a trailing `/` is dropped. A URL that
    /// cannot be used (no http(s) scheme, a bad port) leaves `url` at an address that fails to
    /// connect and never shows the original: use `init(validating:...)` to get the reason instead.
    public init(url: String, user: String? = nil, password: String? = nil, database: String? = nil) {
        let parsed = ClickHouseURL(parsing: url)
        self.url = parsed.base
        self.user = user ?? parsed.user
        self.password = password ?? parsed.password
        self.database = database
        self.urlParameters = parsed.parameters.map { ($0.name, $0.value) }
    }

    /// `init(url:user:password:database:)` that throws `ClickHouseURLError` (which never quotes the
    /// URL) when the URL is unusable.
    public init(validating url: String, user: String? = nil, password: String? = nil, database: String? = nil) throws {
        if let problem = ClickHouseURL(parsing: url).problem { throw ClickHouseURLError(reason: problem) }
        self.init(url: url, user: user, password: password, database: database)
    }

    /// The user the server sees: `user`, else `default` when only a password is set.
    public var effectiveUser: String? { user ?? (password == nil ? nil : "default") }

    /// "url [user u [(password set)]] [database d]": never the password, nor the URL parameters.
    public var description: String {
        var text = url
        if let user = effectiveUser { text += " user \(user)" + (password.map { $0.isEmpty ? "" : " (password set)" } ?? "") }
        if let database { text += " database \(database)" }
        return text
    }

    /// `dump()` and debuggers show the description, not the password.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }

    /// The authentication headers for a request.
    var authenticationHeaders: [(name: String, value: String)] {
        guard let user = effectiveUser else { return [] }
        switch authentication {
        case .headers:
            return [("X-ClickHouse-User", user), ("X-ClickHouse-Key", password ?? "")]
        case .basic:
            return [("Authorization", "Basic " + Self.base64(Array("\(user):\(password ?? "")".utf8)))]
        }
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

/// Why a ClickHouse URL cannot be used. The reason never quotes the URL (it may hold a password).
public struct ClickHouseURLError: Error, CustomStringConvertible, Sendable, Equatable {
    public let reason: String
    public var description: String { "the ClickHouse URL \(reason)" }
}
