/// A ClickHouse server URL taken apart: `scheme://[user[:password]@]host[:port][/path][?name=value&...]`.
///
/// The credentials end at the **last** `@` before the query (`?`), so a password may hold `@` and
/// `/` unencoded (`http://bob:p@ss/w@db:8123`); `?` and `#` in a password must be written `%3F`,
/// `%23`. User and password are percent-decoded. Query parameters are decoded as ClickHouse decodes
/// them (`+` is a space, `%XX` a byte): `user` and `password` become the credentials (over those
/// before the `@`), every other one is kept in `parameters` and sent with each request. A fragment
/// (`#...`) is dropped. Nothing here ever puts the password into `base`, `problem` or `redacted`.
struct ClickHouseURL: Sendable, Equatable {
    /// `scheme://host[:port][/path]` without credentials, query or trailing `/`.
    var base: String
    var user: String?
    var password: String?
    /// The query parameters other than `user` and `password`, decoded, in order.
    var parameters: [Parameter]
    /// Why the URL is unusable, in words that never quote it (it may hold a password); nil if usable.
    var problem: String?

    struct Parameter: Sendable, Equatable {
        var name: String
        var value: String
    }

    init(parsing text: String) {
        base = ""
        parameters = []
        guard let schemeEnd = text.firstRange(of: "://"),
              ["http", "https"].contains(text[..<schemeEnd.lowerBound].lowercased()) else {
            problem = "must start with http:// or https://"
            base = "http://invalid-url"
            return
        }
        let scheme = text[..<schemeEnd.upperBound]
        var rest = text[schemeEnd.upperBound...]
        let queryStart = rest.firstIndex(of: "?")
        if let at = rest[..<(queryStart ?? rest.endIndex)].lastIndex(of: "@") {
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                user = Self.percentDecoded(userInfo[..<colon])
                password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                user = Self.percentDecoded(userInfo)
            }
            rest = rest[rest.index(after: at)...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var location = rest
        if let question = rest.firstIndex(of: "?") {
            location = rest[..<question]
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let name: Substring, value: Substring
                if let equals = pair.firstIndex(of: "=") {
                    name = pair[..<equals]
                    value = pair[pair.index(after: equals)...]
                } else {
                    name = pair
                    value = ""
                }
                let decodedName = Self.formDecoded(name), decodedValue = Self.formDecoded(value)
                switch decodedName {
                case "user": user = decodedValue
                case "password": password = decodedValue
                default: parameters.append(Parameter(name: decodedName, value: decodedValue))
                }
            }
        }
        let hostEnd = location.firstIndex(of: "/") ?? location.endIndex
        let hostAndPort = location[..<hostEnd]
        var path = location[hostEnd...]
        while path.hasSuffix("/") { path.removeLast() }
        if let reason = Self.hostProblem(hostAndPort) {
            problem = reason + " (write @ : / ? # in a password as %40 %3A %2F %3F %23)"
            base = String(scheme) + "invalid-url"
            parameters = []
            return
        }
        base = String(scheme) + String(hostAndPort) + String(path)
    }

    /// The URL for messages: the base with the user and the non-secret parameters, never the password.
    var redacted: String {
        var text = base
        if let user, let schemeEnd = text.firstRange(of: "://") {
            text.insert(contentsOf: user + (password == nil ? "" : ":***") + "@", at: schemeEnd.upperBound)
        }
        if !parameters.isEmpty { text += "/?" + parameters.map { "\($0.name)=\($0.value)" }.joined(separator: "&") }
        return text
    }

    /// Nil when `text` is `host`, `host:port` or `[ipv6]:port` with a port in 1...65535.
    static func hostProblem(_ text: Substring) -> String? {
        var host = text, port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return "has an IPv6 host without its closing ]" }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "has text after its IPv6 host" }
                port = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        if host.isEmpty { return "has no host" }
        if host.contains(where: { $0.isWhitespace || $0 == "\\" }) { return "has a host with spaces or backslashes" }
        if let port, !(port.allSatisfy(\.isASCII) && Int(port).map({ (1...65535).contains($0) }) == true) {
            return "has a port that is not a number in 1...65535"
        }
        return nil
    }

    /// `%XX` sequences as bytes, everything else as is.
    static func percentDecoded(_ text: Substring) -> String { PercentDecoding.decoded(text) }

    /// A query-string value as ClickHouse reads it: `+` is a space, then `%XX` decoding.
    static func formDecoded(_ text: Substring) -> String {
        percentDecoded(Substring(text.replacing("+", with: " ")))
    }
}
