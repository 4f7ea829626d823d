import Foundation
import HTTPClient
import TestSupport
import Testing

/// A ClickHouse password given in the URL (before the host, holding `@` and `/`, or as `?password=`)
/// or as `--clickhouse-password` reaches the server in the `X-ClickHouse-Key` header, and no form of
/// it appears on standard output or error, in `--json` reports, lineage events or a model's
/// recorded command line.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)))
struct ClickHouseSecretsTests {
    static let password = "p@ss/w0rd-SECRET"
    static let encoded = "p%40ss%2Fw0rd-SECRET"

    /// A loopback server in front of the test server that checks ClickHouse credentials itself:
    /// user `bob` with `password`, in the X-ClickHouse headers. It answers a wrong one as ClickHouse
    /// does (HTTP 401, Code 193) and forwards the rest without credentials. It records every request.
    static func proxy(to server: String) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            guard request.headers["x-clickhouse-user"] == "bob", request.headers["x-clickhouse-key"] == password else {
                let user = request.headers["x-clickhouse-user"] ?? "default"
                return .init(status: 401, headers: [("X-ClickHouse-Exception-Code", "193")],
                             body: "Code: 193, e.displayText() = DB::Exception: Wrong password for user \(user), e.what() = DB::Exception\n")
            }
            var body: [UInt8] = []
            var exception: String?
            do {
                let head = try CurlTransport().perform(HTTPRequest(url: server + request.target, method: .post, body: .bytes(request.body),
                                                                   stallTimeout: 60)) { body += $0 }
                exception = head.headers["x-clickhouse-exception-code"]
                var response = LoopbackHTTPServer.Response(status: head.status, headers: exception.map { [("X-ClickHouse-Exception-Code", $0)] } ?? [],
                                                           body: "")
                response.body = body
                return response
            } catch {
                return .init(status: 502, body: "proxy: \(error)")
            }
        }
    }

    /// Runs `restock arguments` with a lineage file and checks that the password shows nowhere.
    static func run(_ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:])
        throws -> RestockProcess.Result {
        let lineage = dir.file("lineage.jsonl")
        let result = try RestockProcess.run(arguments + ["--lineage", lineage], environment: environment)
        let events = (try? String(contentsOfFile: lineage, encoding: .utf8)) ?? ""
        for (name, text) in [("stdout", result.stdout), ("stderr", result.stderr), ("lineage", events)] {
            for secret in ["SECRET", "w0rd", "p@ss", "p%40ss"] {
                #expect(!text.contains(secret), "\(arguments[0]): \(name) shows the password: \(text.prefix(2000))")
            }
        }
        return result
    }

    @Test func thePasswordIsSentAsAHeaderAndNeverShown() throws {
        let dir = try TemporaryDirectory(prefix: "restock-secrets")
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_secrets")
        defer { db.drop() }
        let proxy = try Self.proxy(to: ClickHouseTestDatabase.url!)
        defer { proxy.stop() }
        let data = dir.file("data")
        #expect(try RestockProcess.run(["generate", "--users", "100", "--seed", "3", "--out", data]).status == 0)

        // Unencoded @ and / in the password, and a query parameter of the URL's own.
        let inURL = "http://bob:\(Self.password)@127.0.0.1:\(proxy.port)/?max_threads=2"
        let ingest = try Self.run(["ingest", "--data", data, "--clickhouse", inURL, "--database", db.name, "--connections", "1", "--json"],
                                  in: dir)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("\"server\":\"127.0.0.1:\(proxy.port)\""), "\(ingest.stdout)")

        // The password as a query parameter, the user from the environment.
        let asParameter = "http://127.0.0.1:\(proxy.port)/?password=\(Self.encoded)"
        let features = try Self.run(["features", "--clickhouse", asParameter, "--database", db.name, "--out", dir.file("f.bin"), "--json"],
                                    in: dir, environment: ["RESTOCK_CLICKHOUSE_USER": "bob"])
        #expect(features.status == 0, "\(features.stderr)")

        // As an option; the model records the command line without it.
        let model = dir.file("m.rf")
        let train = try Self.run(["train", "--clickhouse", "http://bob@127.0.0.1:\(proxy.port)", "--clickhouse-password", Self.password,
                                  "--database", db.name, "--model", model, "--trees", "2", "--permutation-rows", "0", "--json"], in: dir)
        #expect(train.status == 0, "\(train.stderr)")
        let inspect = try Self.run(["inspect", "--model", model], in: dir)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("--clickhouse-password '***'") || inspect.stdout.contains("--clickhouse-password ***"),
                "\(inspect.stdout)")
        let recorded = try Data(contentsOf: URL(fileURLWithPath: model))
        #expect(recorded.range(of: Data("SECRET".utf8)) == nil, "the model file holds the password")

        // A wrong password is refused (the option wins over the URL's), and not shown either.
        let wrong = try Self.run(["features", "--clickhouse", inURL, "--clickhouse-password", "WRONG-SECRET", "--database", db.name,
                                  "--out", dir.file("g.bin")], in: dir)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("Wrong password for user bob"), "\(wrong.stderr)")

        let requests = proxy.requests
        #expect(requests.count > 20)
        for request in requests {
            #expect(request.target.filter { $0 == "?" }.count == 1, "\(request.target)")
            #expect(!request.target.contains("password") && !request.target.contains("SECRET"), "\(request.target)")
        }
        #expect(requests.filter { $0.target.contains("max_threads=2") }.count > 10)
    }

    /// `--clickhouse-password` without a user is sent for user `default`: a wrong one fails (it was
    /// dropped, and the run succeeded as `default` without a password).
    @Test func aPasswordWithoutAUserIsCheckedForDefault() throws {
        let dir = try TemporaryDirectory(prefix: "restock-secrets-default")
        defer { dir.remove() }
        let data = dir.file("data")
        #expect(try RestockProcess.run(["generate", "--users", "30", "--seed", "4", "--out", data]).status == 0)
        let db = try ClickHouseTestDatabase("restock_secrets_default")
        defer { db.drop() }
        let result = try Self.run(["ingest", "--data", data, "--clickhouse", ClickHouseTestDatabase.url!, "--database", db.name,
                                   "--clickhouse-password", "WRONG-SECRET"], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Wrong password for user default"), "\(result.stderr)")
        #expect(try db.tableNames().isEmpty)
    }
}
