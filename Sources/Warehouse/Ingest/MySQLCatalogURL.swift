import ClickHouse

/// Where a shop keeps its product catalog: `mysql://user[:password]@host[:port]/database`, taken
/// apart for ClickHouse's `mysql()` table function (`restock ingest --catalog`).
///
/// The credentials end at the **last** `@` before the database path, so a password may hold `@`
/// unencoded; a `/` in a password must be written `%2F`. User and password are percent-decoded.
/// The port defaults to 3306. Nothing here puts the password into `redacted`, `address` or
/// `problem`: messages, reports and lineage use those.
public struct MySQLCatalogURL: Sendable, Equatable, CustomStringConvertible {
    /// `host:port`, as `mysql()` takes it.
    public let address: String
    public let database: String
    public let user: String
    /// Empty when the URL has none (a caller may set one from elsewhere, e.g. the environment).
    public var password: String

    /// Why a text is not a usable catalog URL, in words that never quote it (it may hold a password).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `text`; throws a `Problem` that does not quote it.
    public init(parsing text: String) throws(Problem) {
        func fail(_ reason: String) -> Problem { Problem(description: "the catalog URL " + reason) }
        guard let schemeEnd = text.firstRange(of: "://"), text[..<schemeEnd.lowerBound].lowercased() == "mysql" else {
            throw fail("must start with mysql:// (mysql://user:password@host:port/database)")
        }
        var rest = text[schemeEnd.upperBound...]
        var user = "", password = ""
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                user = PercentDecoding.decoded(userInfo[..<colon])
                password = PercentDecoding.decoded(userInfo[userInfo.index(after: colon)...])
            } else {
                user = PercentDecoding.decoded(userInfo)
            }
            rest = rest[rest.index(after: at)...]
        }
        if user.isEmpty { throw fail("has no user (mysql://user:password@host:port/database)") }
        guard let slash = rest.firstIndex(of: "/") else { throw fail("has no database (mysql://user:password@host:port/database)") }
        var hostAndPort = rest[..<slash]
        var database = rest[rest.index(after: slash)...]
        if let query = database.firstIndex(where: { $0 == "?" || $0 == "#" }) { database = database[..<query] }
        if database.hasSuffix("/") { database.removeLast() }
        if database.isEmpty || database.contains("/") { throw fail("must name one database after the host (…@host:port/database)") }
        var port = "3306"
        if let colon = hostAndPort.lastIndex(of: ":"), !hostAndPort.hasSuffix("]") {
            port = String(hostAndPort[hostAndPort.index(after: colon)...])
            hostAndPort = hostAndPort[..<colon]
        }
        guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isASCII) else {
            throw fail("has a port that is not a number in 1...65535")
        }
        if hostAndPort.isEmpty { throw fail("has no host") }
        if hostAndPort.contains(where: { $0.isWhitespace || $0 == "\\" || $0 == "'" }) {
            throw fail("has a host with spaces, quotes or backslashes")
        }
        address = "\(hostAndPort):\(number)"
        self.database = PercentDecoding.decoded(database)
        self.user = user
        self.password = password
    }

    /// `mysql://user:***@host:port/database` (`user@` alone when there is no password).
    public var redacted: String {
        "mysql://\(user)\(password.isEmpty ? "" : ":***")@\(address)/\(database)"
    }

    public var description: String { redacted }

    /// `mysql('host:port', 'database', 'table', 'user', 'password')`: the table function ClickHouse
    /// reads `table` through, every argument a quoted SQL literal. It holds the password: send it
    /// only as a query (the HTTP body), never print it.
    func tableFunction(_ table: String) -> String {
        "mysql(" + [address, database, table, user, password].map(SQLLiteral.string).joined(separator: ", ") + ")"
    }

    /// `text` with the password, raw and as a SQL literal's inside, replaced by `***`.
    func scrubbed(_ text: String) -> String {
        guard !password.isEmpty else { return text }
        let literal = SQLLiteral.string(password)
        let escaped = String(literal.dropFirst().dropLast())
        var out = text
        for form in Set([escaped, password]).sorted(by: { $0.count > $1.count }) { out = out.replacing(form, with: "***") }
        return out
    }
}
