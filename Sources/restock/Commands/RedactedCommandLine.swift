/// The command line with its secrets replaced by `***`, for everything that records or prints it
/// (a model's ORIG section, the notebooks of evaluate and sweep): the value of
/// `--clickhouse-password` (either `--clickhouse-password X` or `--clickhouse-password=X`), and in
/// every argument holding a URL (`scheme://`), the password before the host (up to the last `@`
/// before the query, as `ClickHouseConfiguration` reads it) and the value of a `password` query
/// parameter. Cost: O(total length).
enum RedactedCommandLine {
    static let secretOptions = ["--clickhouse-password"]
    static let mask = "***"

    /// `CommandLine.arguments`, redacted.
    static var arguments: [String] { redacting(CommandLine.arguments) }

    static func redacting(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var hideNext = false
        for argument in arguments {
            if hideNext {
                out.append(mask)
                hideNext = false
            } else if secretOptions.contains(argument) {
                out.append(argument)
                hideNext = true
            } else if let option = secretOptions.first(where: { argument.hasPrefix($0 + "=") }) {
                out.append(option + "=" + mask)
            } else {
                out.append(redactingURL(argument))
            }
        }
        return out
    }

    /// `text` with the password of any URL in it masked; text without `://` is returned as is.
    static func redactingURL(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://") else { return text }
        var result = String(text[..<scheme.upperBound])
        var rest = text[scheme.upperBound...]
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        if let at = rest[..<queryStart].lastIndex(of: "@") {
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result += userInfo[...colon] + mask
            } else {
                result += userInfo
            }
            rest = rest[at...]
        }
        guard let question = rest.firstIndex(of: "?") else { return result + rest }
        result += rest[...question]
        let parameters = rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return name.lowercased() == "password" && pair.contains("=") ? name + "=" + mask : String(pair)
        }
        return result + parameters.joined(separator: "&")
    }
}
