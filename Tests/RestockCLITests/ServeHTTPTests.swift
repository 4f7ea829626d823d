import Foundation
import HTTPClient
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shared server's process id, killed when the test process exits (Swift Testing has no
/// suite-wide tear-down; the tests that stop a server start their own).
nonisolated(unsafe) private var sharedServerPID: pid_t = 0

/// `restock serve` as a process on a free loopback port: a generated data folder (60 users), a model
/// trained by the CLI on it, and the server started with `--port 0` and a token. Shared by the tests
/// of this file (started once; each test only talks HTTP to it).
final class ServedDemo: @unchecked Sendable {
    static let shared: ServedDemo = try! ServedDemo()
    static let token = "s3cret-token"

    let dir: TemporaryDirectory
    let data: String
    let model: String
    let process: RunningRestock
    let base: String

    init() throws {
        let (generated, _) = try GeneratedData.make(users: 60, seed: 21)
        dir = generated
        data = generated.path
        model = generated.file("model.rf")
        let matrix = generated.file("features.bin")
        let features = try RestockProcess.run(["features", "--data", data, "--out", matrix, "--quiet"])
        precondition(features.status == 0, features.stderr)
        let trained = try RestockProcess.run(["train", "--matrix", matrix, "--model", model, "--trees", "4", "--quiet",
                                              "--permutation-rows", "0", "--threads", "1"])
        precondition(trained.status == 0, trained.stderr)
        process = try RunningRestock(["serve", "--model", model, "--data", data, "--port", "0", "--token", ServedDemo.token,
                                      "--threads", "1", "--max-body-bytes", "65536", "--idle-timeout", "5"])
        sharedServerPID = process.processIdentifier
        atexit { if sharedServerPID > 0 { kill(sharedServerPID, SIGKILL) } }
        precondition(process.waitForStderr(containing: "listening on http://127.0.0.1:", timeout: 300), process.stderr)
        let line = process.stderr.split(separator: "\n").first { $0.contains("listening on") }!
        let port = line.firstMatch(of: #/127\.0\.0\.1:(\d+)/#)!.output.1
        base = "http://127.0.0.1:\(port)"
    }

    var port: UInt16 { UInt16(base.split(separator: ":").last!)! }

    /// Status, lower-cased headers and body of one request.
    func call(_ target: String, method: HTTPRequest.Method = .get, headers: [(name: String, value: String)] = [],
              body: [UInt8]? = nil) throws -> (status: Int, headers: [String: String], body: String) {
        var bytes: [UInt8] = []
        let head = try CurlTransport().perform(HTTPRequest(url: base + target, method: method, headers: headers, body: body.map { .bytes($0) },
                                                           connectTimeout: 10, stallTimeout: 60)) { bytes.append(contentsOf: $0) }
        return (head.status, head.headers, String(decoding: bytes, as: UTF8.self))
    }

    func json(_ target: String) throws -> [String: Any] {
        let (_, _, body) = try call(target)
        return (try JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// A raw TCP connection to the server, for requests curl will not send (slow or malformed ones).
private final class RawConnection {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Everything the server sends until it closes or goes quiet for the timeout.
    func receive() -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out += buffer[0..<n]
            if String(decoding: out, as: UTF8.self).contains("\r\n\r\n") && out.count > 0 && n < buffer.count { break }
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit { close(fd) }
}

@Suite(.serialized) struct ServeHTTPTests {
    let demo = ServedDemo.shared

    @Test func theAPIAnswersOverHTTP() throws {
        #expect(try demo.call("/healthz").status == 200)
        let model = try demo.json("/api/model")
        let version = try #require(model["model_version"] as? String)
        #expect(version.hasPrefix("rf-"))
        let recommendations = try demo.json("/api/recommendations?limit=3&service_level=0.99")
        #expect((recommendations["recommendations"] as? [[String: Any]])?.count == 3)
        let product = try #require((recommendations["recommendations"] as? [[String: Any]])?.first?["product_id"] as? Int)
        #expect(try demo.json("/api/products/\(product)")["product_id"] as? Int == product)
        let basket = try demo.json("/api/users/1/basket")
        #expect(basket["user_id"] as? Int == 1 && basket["basket"] is [Any])
        let kpis = try demo.json("/api/kpis")
        #expect(kpis["users"] as? Int == 60)
        let (status, headers, _) = try demo.call("/api/recommendations?limit=nope")
        #expect(status == 400 && headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(try demo.call("/api/users/999999/basket").status == 404)
        let metrics = try demo.call("/metrics").body
        #expect(metrics.contains(#"restock_http_requests_total{route="/healthz",method="GET",status="200"}"#))
        #expect(metrics.contains("restock_model_info{version=\"\(version)\"} 1"))
        let page = try demo.call("/")
        #expect(page.status == 200 && page.body.contains("<svg") && page.body.contains("chart-top-products"))
        #expect(try demo.call("/users/1").body.contains("chart-user-candidates"))
    }

    @Test func writeEndpointsNeedTheBearerToken() throws {
        let rows = #"[{"user_id": 1, "product_id": 2}]"#
        let json = [(name: "Content-Type", value: "application/json")]
        #expect(try demo.call("/api/score", method: .post, headers: json, body: Array(rows.utf8)).status == 401)
        #expect(try demo.call("/api/score", method: .post, headers: json + [("Authorization", "Bearer wrong")], body: Array(rows.utf8)).status == 401)
        #expect(try demo.call("/api/model/reload", method: .post).status == 401)
        let auth = json + [("Authorization", "Bearer \(ServedDemo.token)")]
        let missing = try demo.call("/api/score", method: .post, headers: auth, body: Array(rows.utf8))
        #expect(missing.status == 400 && missing.body.contains("missing feature"))
        let features = (try demo.json("/api/model")["features"] as? [String]) ?? []
        let row = (["\"user_id\": 1", "\"product_id\": 2"] + features.map { "\"\($0)\": null" }).joined(separator: ", ")
        let scored = try demo.call("/api/score", method: .post, headers: auth, body: Array("[{\(row)}, {\(row)}]".utf8))
        #expect(scored.status == 200, "\(scored.body)")
        #expect(scored.body.contains(#""rows":2"#))
    }

    @Test func hostileRequestsAreRefusedAndTheServerKeepsServing() throws {
        // a body over --max-body-bytes: 413, not buffered
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let auth = [(name: "Authorization", value: "Bearer \(ServedDemo.token)")]
        #expect(try demo.call("/api/score", method: .post, headers: auth, body: huge).status == 413)
        // a slow body that never finishes holds one connection; others are answered meanwhile
        let slow = try RawConnection(port: demo.port)
        slow.send(Array("POST /api/score HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 50000\r\n\r\nuser_id,".utf8))
        #expect(try demo.call("/healthz").status == 200)
        // path traversal on every kind of route, raw (curl would normalise the dots)
        for path in ["/../../etc/passwd", "/users/../../../etc/passwd", "/api/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd"] {
            let raw = try RawConnection(port: demo.port)
            raw.send(Array("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            let answer = raw.receive()
            #expect(answer.hasPrefix("HTTP/1.1 404") || answer.hasPrefix("HTTP/1.1 400"), "\(path): \(answer.prefix(60))")
            #expect(!answer.contains("root:"))
        }
        // invalid UTF-8 in the query and in a body
        #expect(try demo.call("/api/recommendations?department=%ff%fe").status == 400)
        let bad = try demo.call("/api/score", method: .post, headers: auth + [("Content-Type", "text/csv")], body: [0xff, 0xfe, 0x0a])
        #expect(bad.status == 400 && bad.body.contains("UTF-8"))
        // a garbage request line: the connection is refused with an error, the server lives on
        let garbage = try RawConnection(port: demo.port)
        garbage.send([0x16, 0x03, 0x01, 0x00, 0xff] + Array("\r\n\r\n".utf8))
        _ = garbage.receive()
        #expect(try demo.call("/readyz").status == 200)
        _ = slow
    }

    @Test func sigtermAnswersTheRequestInFlightThenExitsZero() throws {
        let server = try RunningRestock(["serve", "--model", demo.model, "--data", demo.data, "--port", "0", "--threads", "1"])
        defer { server.kill() }
        #expect(server.waitForStderr(containing: "listening on http://127.0.0.1:", timeout: 300), "\(server.stderr)")
        let port = try #require(server.stderr.firstMatch(of: #/127\.0\.0\.1:(\d+)/#).flatMap { UInt16($0.output.1) })
        // a request whose body is still arriving when SIGTERM comes
        let inFlight = try RawConnection(port: port)
        let body = #"[{"user_id": 1, "product_id": 2}]"#
        inFlight.send(Array("POST /api/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n[".utf8))
        usleep(200_000)
        kill(server.processIdentifier, SIGTERM)
        #expect(server.waitForStderr(containing: "shutting down gracefully", timeout: 60))
        inFlight.send(Array(body.utf8.dropFirst()))
        let answer = inFlight.receive()
        #expect(answer.hasPrefix("HTTP/1.1 400"), "the request in flight was not answered: \(answer.prefix(80))")  // no features: 400, but answered
        #expect(server.wait() == 0)
        #expect(server.stderr.contains("answered every request in flight"))
    }

    @Test func reloadSwapsAModelAndRefusesOneWithOtherFeatures() throws {
        let auth = [(name: "Authorization", value: "Bearer \(ServedDemo.token)")]
        let before = try demo.json("/api/model")["model_version"] as? String
        let same = try demo.call("/api/model/reload", method: .post, headers: auth)
        #expect(same.status == 200 && same.body.contains(#""model_version":"\#(before ?? "")""#))
        // a model with other features is refused; the old one keeps answering
        let matrix = try demo.dir.write("other.csv", "user_id,product_id,a,b,y\n" + (0..<200).map { "\($0 / 4),\($0 % 9),\($0 % 7),\($0 % 3),\($0 % 2)" }.joined(separator: "\n") + "\n")
        let other = demo.dir.file("other.rf")
        let trained = try RestockProcess.run(["train", "--matrix", matrix, "--model", other, "--trees", "2", "--quiet", "--permutation-rows", "0", "--threads", "1"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let refused = try demo.call("/api/model/reload?path=\(other)", method: .post, headers: auth)
        #expect(refused.status == 422 && refused.body.contains("reload_refused"))
        #expect(try demo.json("/api/model")["model_version"] as? String == before)
        // SIGHUP reloads the served file
        kill(demo.process.processIdentifier, SIGHUP)
        #expect(demo.process.waitForStderr(containing: "SIGHUP: model", timeout: 120))
        #expect(try demo.call("/metrics").body.contains(#"restock_model_reloads_total{outcome="refused"} 1"#))
    }
}
