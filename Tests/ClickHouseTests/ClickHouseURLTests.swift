@testable import ClickHouse
import Foundation
import HTTPClient
import TestSupport
import Testing

/// How `ClickHouseConfiguration` reads a URL: credentials at the last `@`, user and password query
/// parameters moved to headers, other parameters kept, and no form of the password in any text.
@Suite struct ClickHouseURLTests {
    /// Every text a configuration can be shown as.
    static func texts(_ configuration: ClickHouseConfiguration) -> [String] {
        var dumped = ""
        dump(configuration, to: &dumped)
        return [configuration.description, configuration.url, String(describing: configuration),
                String(reflecting: configuration), dumped]
    }

    static func firstRequest(_ configuration: ClickHouseConfiguration, settings: ClickHouseSettings = .init()) throws -> HTTPRequest {
        var configuration = configuration
        configuration.verifyColumnTypes = false
        let transport = FakeTransport([.success(.init())])
        try ClickHouseClient(configuration: configuration, transport: transport).execute("SELECT 1", settings: settings)
        return try #require(transport.requests.first)
    }

    @Test func aPasswordHoldingAtSignsAndSlashesIsSplitAtTheLastAt() throws {
        let configuration = try ClickHouseConfiguration(validating: "http://bob:s3cr@t/p@rt@db.example:8123/")
        #expect(configuration.url == "http://db.example:8123")
        #expect(configuration.user == "bob")
        #expect(configuration.password == "s3cr@t/p@rt")
        for text in Self.texts(configuration) {
            #expect(!text.contains("s3cr") && !text.contains("rt@") && !text.contains("p@rt"), "\(text)")
        }
        #expect(configuration.description == "http://db.example:8123 user bob (password set)")
    }

    @Test func userAndPasswordQueryParametersBecomeHeadersAndOthersAreKept() throws {
        let configuration = try ClickHouseConfiguration(
            validating: "http://db.example:8123/?user=alice&password=se%26cret+x&max_threads=3&quota_key=a%20b#ignored")
        #expect(configuration.url == "http://db.example:8123")
        #expect(configuration.user == "alice")
        #expect(configuration.password == "se&cret x")
        #expect(configuration.urlParameters.map { "\($0.name)=\($0.value)" } == ["max_threads=3", "quota_key=a b"])
        for text in Self.texts(configuration) { #expect(!text.contains("cret"), "\(text)") }

        let request = try Self.firstRequest(configuration)
        // One query string, the URL's own parameters first, then the request's.
        #expect(request.url.hasPrefix("http://db.example:8123/?max_threads=3&quota_key=a%20b&query_id="), "\(request.url)")
        #expect(request.url.filter { $0 == "?" }.count == 1)
        #expect(!request.url.contains("password") && !request.url.contains("cret") && !request.url.contains("user="))
        #expect(request.headers.contains { $0 == ("X-ClickHouse-User", "alice") })
        #expect(request.headers.contains { $0 == ("X-ClickHouse-Key", "se&cret x") })
    }

    @Test func aParameterTheRequestSetsItselfIsSentOnce() throws {
        let configuration = ClickHouseConfiguration(url: "http://127.0.0.1:8123?max_threads=8&query_id=fixed")
        let request = try Self.firstRequest(configuration, settings: ClickHouseSettings(maxThreads: 2))
        #expect(request.url.components(separatedBy: "max_threads=").count == 2)
        #expect(request.url.contains("max_threads=2") && !request.url.contains("max_threads=8"))
        #expect(!request.url.contains("query_id=fixed"))
    }

    @Test func aPasswordWithoutAUserIsSentForUserDefault() throws {
        for configuration in [ClickHouseConfiguration(url: "http://127.0.0.1:8123", password: "only-pw"),
                              ClickHouseConfiguration(url: "http://127.0.0.1:8123/?password=only-pw")] {
            let request = try Self.firstRequest(configuration)
            #expect(request.headers.contains { $0 == ("X-ClickHouse-User", "default") })
            #expect(request.headers.contains { $0 == ("X-ClickHouse-Key", "only-pw") })
            #expect(configuration.description == "http://127.0.0.1:8123 user default (password set)")
        }
        #expect(try Self.firstRequest(ClickHouseConfiguration(url: "http://127.0.0.1:8123")).headers.isEmpty)
    }

    @Test func explicitCredentialsWinOverTheURLs() {
        let configuration = ClickHouseConfiguration(url: "http://u:p@h:1/?user=v&password=q", user: "w", password: "r")
        #expect(configuration.user == "w" && configuration.password == "r")
    }

    @Test func unusableURLsAreRefusedWithoutQuotingThem() {
        for url in ["ftp://h:1", "127.0.0.1:8123", "http://u:pa?ss-secret@h:1", "http://h:99999",
                    "http://h:port", "http://:8123", "http://[::1:8123"] {
            #expect(throws: ClickHouseURLError.self, "\(url)") { try ClickHouseConfiguration(validating: url) }
            do {
                _ = try ClickHouseConfiguration(validating: url)
            } catch {
                #expect(!"\(error)".contains("secret") && !"\(error)".contains(url), "\(error)")
            }
            for text in Self.texts(ClickHouseConfiguration(url: url)) { #expect(!text.contains("secret"), "\(text)") }
        }
        for url in ["http://h", "https://h:8443/proxy/ch/", "http://[::1]:8123", "HTTP://h:1"] {
            #expect(ClickHouseURL(parsing: url).problem == nil, "\(url)")
        }
        #expect(ClickHouseConfiguration(url: "https://h:8443/proxy/ch/").url == "https://h:8443/proxy/ch")
    }
}
