@testable import HTTPClient
import Foundation
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
    #expect(CurlTransport.redacted("http://user:secret@127.0.0.1:8123/?q=1") == "http://127.0.0.1:8123/")
    #expect(CurlTransport.redacted("http://user:se@cret@127.0.0.1:8123/?password=secret") == "http://127.0.0.1:8123/")
}

final class Counter: @unchecked Sendable {
    var value = 0
}

final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}

/// A server that computes longer than the stall timeout before answering: while `stillWorking`
/// vouches for it the wait goes on, and the answer arrives.
@Test func aStallVouchedForByStillWorkingKeepsWaiting() throws {
    let server = try LoopbackHTTPServer { _ in
        usleep(2_500_000)
        return .init(body: "done")
    }
    defer { server.stop() }
    let asked = CallCounter()
    var request = HTTPRequest(url: server.url, method: .post, body: .bytes(Array("x".utf8)), stallTimeout: 0.5)
    request.stillWorking = { asked.increment(); return true }
    var received: [UInt8] = []
    let head = try CurlTransport().perform(request) { received += $0 }
    #expect(head.status == 200)
    #expect(String(decoding: received, as: UTF8.self) == "done")
    #expect(asked.value >= 1)
}

/// The same server when nobody vouches for it: the request ends as timed out, after one question.
@Test func aStallNotVouchedForTimesOut() throws {
    let server = try SilentTCPListener()
    defer { server.stop() }
    let asked = CallCounter()
    var request = HTTPRequest(url: server.url, method: .post, body: .bytes(Array("x".utf8)), stallTimeout: 0.5)
    request.stillWorking = { asked.increment(); return false }
    let error = try #require(throws: TransportError.self) { _ = try CurlTransport().perform(request) { _ in } }
    #expect(error.kind == .timedOut)
    #expect(error.description.contains("did not confirm"), "\(error)")
    #expect(asked.value == 1)
}
