import Dispatch
import Hummingbird
import Logging
import HTTPTypes
import ServiceLifecycle

/// The HTTP side of `restock serve`: Hummingbird's HTTP/1.1 server in front of `WebAPI`.
///
/// Each request's body is read up to `WebAPI.maximumBodyBytes` and refused with 413 as soon as it
/// goes over (the rest is never buffered); the request's path is matched once (`Route.match`), the
/// request answered by `WebAPI.handle` and timed into `ServeMetrics` under its route. A cached
/// answer's bytes go to the socket as they are (no copy). Idle connections close after `idleTimeout` seconds,
/// so a slow or stalled client holds one connection, never a worker: NIO serves the others.
/// `shutdown()` stops accepting connections, lets requests in flight finish, and makes `run` return.
/// The library installs no signal handler: the caller maps SIGTERM to `shutdown()` and SIGHUP to a
/// reload.
public final class WebServer: Sendable {
    public let api: WebAPI
    public let host: String
    public let port: Int
    public let idleTimeout: Int64
    private let group: ServiceGroup
    private let application: Application<Responder>

    public init(api: WebAPI, host: String, port: Int, idleTimeout: Int64 = 30,
                onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void) {
        self.api = api
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        var logger = Logger(label: "restock.serve")
        logger.logLevel = .critical
        application = Application(
            responder: Responder(api: api),
            server: .http1(configuration: .init(idleTimeout: .seconds(idleTimeout))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "restock"),
            onServerRunning: { channel in
                onListening(host, channel.localAddress?.port ?? port)
            },
            logger: logger)
        group = ServiceGroup(configuration: .init(services: [application], logger: logger))
    }

    /// Serves until `shutdown()`; throws when the address cannot be bound.
    public func run() async throws {
        try await group.run()
    }

    /// Serves until `shutdown()`, blocking the calling (non-async) thread.
    public func runBlocking() throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = ErrorBox()
        Task {
            do { try await self.run() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.get() { throw error }
    }

    /// Graceful shutdown: no new connection, requests in flight are answered, then `run` returns.
    public func shutdown() {
        Task { await group.triggerGracefulShutdown() }
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let api: WebAPI

        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            let start = ContinuousClock.now
            let method = request.method.rawValue
            let path = request.uri.path
            let (route, id) = Route.match(path)
            var answer: WebResponse
            if let body = try await Self.collect(request.body, limit: api.maximumBodyBytes) {
                let message = WebRequest(method: method, path: path, query: request.uri.query,
                                         authorization: request.headers[.authorization], contentType: request.headers[.contentType], body: body)
                if route.runsOffTheEventLoop {
                    // scoring and reloading take milliseconds to seconds: never on an event loop
                    answer = await withCheckedContinuation { done in
                        DispatchQueue.global().async { [api] in done.resume(returning: api.handle(message, route: route, id: id)) }
                    }
                } else {
                    answer = api.handle(message, route: route, id: id)
                }
            } else {
                answer = .error(413, "body_too_large", "the body is over \(api.maximumBodyBytes) bytes")
            }
            let elapsed = start.duration(to: .now).components
            api.metrics.record(route: route, method: method, status: answer.status,
                               nanoseconds: Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000))
            var headers = HTTPFields()
            headers.reserveCapacity(5)
            headers[.contentType] = answer.contentType
            headers[.cacheControl] = "no-store"
            headers[Self.contentTypeOptions] = "nosniff"
            for (name, value) in answer.headers where name == "WWW-Authenticate" { headers[.wwwAuthenticate] = value }
            if answer.status == 413 { headers[.connection] = "close" }
            return Response(status: .init(code: answer.status), headers: headers,
                            body: .init(byteBuffer: method == "HEAD" ? ByteBuffer() : answer.bytes))
        }

        static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

        /// The body's bytes, or nil as soon as they pass `limit`.
        static func collect(_ body: RequestBody, limit: Int) async throws -> [UInt8]? {
            var bytes: [UInt8] = []
            for try await buffer in body {
                if bytes.count + buffer.readableBytes > limit { return nil }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
            return bytes
        }
    }
}

/// An error handed from the server task to the blocked caller.
final class ErrorBox: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var error: (any Error)?

    func set(_ e: any Error) { lock.wait(); error = e; lock.signal() }
    func get() -> (any Error)? { lock.wait(); defer { lock.signal() }; return error }
}
