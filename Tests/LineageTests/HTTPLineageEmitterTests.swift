import Foundation
import Lineage
import TestSupport
import Testing

@Test func httpEmitterPostsTheEventAsJSON() throws {
    let server = try LoopbackHTTPServer { _ in .init(status: 201, body: "") }
    defer { server.stop() }
    let emitter = HTTPLineageEmitter(url: server.url)
    #expect(emitter.url == server.url + "/api/v1/lineage")
    try emitter.emit(Fixtures.start)
    let requests = server.requests
    #expect(requests.count == 1)
    let request = try #require(requests.first)
    #expect(request.method == "POST")
    #expect(request.target == "/api/v1/lineage")
    #expect(request.headers["content-type"] == "application/json")
    #expect(request.body == Array(try Fixtures.start.jsonData()))
}

@Test func anErrorStatusIsALineageErrorWithStatusAndMessage() throws {
    let server = try LoopbackHTTPServer { _ in .init(status: 500, body: "{\"error\":\"database down\"}\n") }
    defer { server.stop() }
    let url = server.url + "/api/v1/lineage"
    #expect {
        try HTTPLineageEmitter(url: url).emit(Fixtures.complete)
    } throws: { error in
        error as? LineageError == LineageError(kind: .httpStatus, destination: url, status: 500,
                                               message: "{\"error\":\"database down\"}")
    }
}

@Test func aRefusedConnectionIsALineageErrorNotAHang() throws {
    let server = try LoopbackHTTPServer { _ in .init(body: "") }
    let url = server.url + "/api/v1/lineage"
    server.stop()
    #expect {
        try HTTPLineageEmitter(url: url, timeout: 1).emit(Fixtures.start)
    } throws: { error in
        guard let error = error as? LineageError else { return false }
        return error.kind == .transportFailed && error.destination == url && error.status == nil
    }
}

/// A server that accepts the request and never answers: the stall timeout ends the wait. The
/// handler is released afterwards so the server's thread can finish.
@Test func aSilentServerTimesOutAsALineageError() throws {
    let release = DispatchSemaphore(value: 0)
    let server = try LoopbackHTTPServer { _ in
        release.wait()
        return .init(body: "")
    }
    defer { release.signal(); server.stop() }
    #expect {
        try HTTPLineageEmitter(url: server.url + "/api/v1/lineage", timeout: 0.2).emit(Fixtures.start)
    } throws: { error in
        (error as? LineageError)?.kind == .transportFailed
    }
}

@Test func endpointsAndCredentialsInMessages() throws {
    #expect(HTTPLineageEmitter.endpoint(for: "http://marquez:5000") == "http://marquez:5000/api/v1/lineage")
    #expect(HTTPLineageEmitter.endpoint(for: "http://marquez:5000/") == "http://marquez:5000/api/v1/lineage")
    #expect(HTTPLineageEmitter.endpoint(for: "http://marquez:5000/custom/path") == "http://marquez:5000/custom/path")
    let emitter = HTTPLineageEmitter(url: "http://user:secret@127.0.0.1:1/api/v1/lineage")
    #expect(emitter.destination == "http://127.0.0.1:1/api/v1/lineage")
}
