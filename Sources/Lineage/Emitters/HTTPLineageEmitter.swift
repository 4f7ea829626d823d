import Foundation
import HTTPClient

/// POSTs each event as JSON (`Content-Type: application/json`) to an OpenLineage HTTP endpoint such
/// as Marquez's `/api/v1/lineage`. Any 2xx answer is success; another status, or no answer, throws a
/// `LineageError` with the URL, the status and the server's message. `timeout` bounds both the TCP
/// connect and any stretch without a byte moving (HTTPClient's stall timeout), so a dead or silent
/// endpoint costs about `timeout` seconds, never a hang. Cost: one connection per event.
public struct HTTPLineageEmitter: LineageEmitter {
    /// The endpoint the events are posted to (see `endpoint(for:)`).
    public let url: String
    public let timeout: Double
    public let transport: any HTTPTransport

    /// `url` is the endpoint, or a bare server URL (`http://host:5000`) to which the OpenLineage
    /// default path `/api/v1/lineage` is appended.
    public init(url: String, timeout: Double = 2, transport: any HTTPTransport = CurlTransport()) {
        self.url = Self.endpoint(for: url)
        self.timeout = timeout
        self.transport = transport
    }

    public var destination: String { Self.redacted(url) }

    /// `url` itself when it has a path; with `/api/v1/lineage` appended when it is only
    /// `scheme://authority` (with or without a final slash).
    public static func endpoint(for url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return url + "/api/v1/lineage" }
        return rest[slash...] == "/" ? String(url.dropLast()) + "/api/v1/lineage" : url
    }

    public func emit(_ event: LineageEvent) throws {
        let body = try event.jsonData()
        let request = HTTPRequest(url: url, method: .post, headers: [(name: "Content-Type", value: "application/json")],
                                  body: .bytes(Array(body)), connectTimeout: timeout, stallTimeout: timeout)
        var answer: [UInt8] = []
        let head: HTTPResponseHead
        do {
            head = try transport.perform(request) { chunk in
                if answer.count < 500 { answer += chunk.prefix(500 - answer.count) }
            }
        } catch let error as TransportError {
            throw LineageError(kind: .transportFailed, destination: destination, message: error.message)
        } catch {
            throw LineageError(kind: .transportFailed, destination: destination, message: "\(error)")
        }
        guard (200..<300).contains(head.status) else {
            let message = String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw LineageError(kind: .httpStatus, destination: destination, status: head.status,
                               message: message.isEmpty ? "no message" : message)
        }
    }

    /// The URL with any `user:password@` removed, for messages.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityEnd = url[scheme.upperBound...].firstIndex(of: "/") ?? url.endIndex
        guard let at = url[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
    }
}
