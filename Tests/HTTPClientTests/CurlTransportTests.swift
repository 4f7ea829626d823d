@testable import HTTPClient
import TestSupport
import Testing

@Test func getReachesALoopbackServerThroughLibcurl() throws {
    let server = try LoopbackHTTPServer { request in
        .init(status: 200, headers: [("X-Seen", request.target)], body: "hello from \(request.method)")
    }
    defer { server.stop() }
    var received: [UInt8] = []
    let head = try CurlTransport().perform(HTTPRequest(url: server.url + "/ping?x=1")) { received += $0 }
    #expect(head.status == 200)
    #expect(head.headers["x-seen"] == "/ping?x=1")
    #expect(String(decoding: received, as: UTF8.self) == "hello from GET")
}

@Test func postSendsBytesAndAStreamingChunkedBody() throws {
    let server = try LoopbackHTTPServer { request in .init(body: "\(request.body.count)") }
    defer { server.stop() }
    let transport = CurlTransport()
    _ = try transport.perform(HTTPRequest(url: server.url, method: .post, body: .bytes(Array("abc".utf8)))) { _ in }
    // 3 MiB streamed in pieces: the server must see every byte, chunked.
    let total = 3 << 20
    let produced = Counter()
    _ = try transport.perform(HTTPRequest(url: server.url, method: .post, body: .stream { buffer in
        let n = min(buffer.count, total - produced.value)
        for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: produced.value + i) }
        produced.value += n
        return n
    })) { _ in }
    let requests = server.requests
    #expect(requests.count == 2)
    #expect(requests[0].body == Array("abc".utf8))
    #expect(requests[1].headers["transfer-encoding"] == "chunked")
    #expect(requests[1].body.count == total)
    #expect(requests[1].body[1000] == UInt8(truncatingIfNeeded: 1000))
}

@Test func errorStatusIsReturnedNotThrown() throws {
    let server = try LoopbackHTTPServer { _ in .init(status: 500, body: "Code: 60. DB::Exception: Table x doesn't exist") }
    defer { server.stop() }
    var body: [UInt8] = []
    let head = try CurlTransport().perform(HTTPRequest(url: server.url)) { body += $0 }
    #expect(head.status == 500)
    #expect(String(decoding: body, as: UTF8.self).hasPrefix("Code: 60."))
}

@Test func refusedConnectionIsCouldNotConnect() throws {
    let server = try LoopbackHTTPServer { _ in .init(body: "") }
    let url = server.url
    server.stop()
    #expect {
        try CurlTransport().perform(HTTPRequest(url: url, connectTimeout: 2)) { _ in }
    } throws: { error in
        (error as? TransportError)?.kind == .couldNotConnect
    }
}

@Test func serverDyingMidBodyIsATransferFailure() throws {
    let server = try LoopbackHTTPServer { _ in .init(body: String(repeating: "x", count: 100_000), dropAfterBodyBytes: 10) }
    defer { server.stop() }
    #expect {
        try CurlTransport().perform(HTTPRequest(url: server.url)) { _ in }
    } throws: { error in
        (error as? TransportError)?.kind == .transferFailed
    }
}

@Test func anErrorThrownByTheBodyHandlerIsRethrown() throws {
    struct Stop: Error {}
    let server = try LoopbackHTTPServer { _ in .init(body: "data") }
    defer { server.stop() }
    #expect(throws: Stop.self) {
        try CurlTransport().perform(HTTPRequest(url: server.url)) { _ in throw Stop() }
    }
}

@Test func credentialsAreRedactedFromMessages() {
    #expect(CurlTransport.redacted("http://user:secret@127.0.0.1:8123/?q=1") == "http://127.0.0.1:8123/?q=1")
}

final class Counter: @unchecked Sendable {
    var value = 0
}
