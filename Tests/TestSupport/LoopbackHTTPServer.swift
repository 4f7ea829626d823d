import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 with a kernel-chosen port, for tests that need a real
/// socket: it reads each request (Content-Length or chunked body), records it, answers with the
/// handler's response and closes the connection. One connection at a time, on its own thread.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public let method: String
        public let target: String
        public let headers: [String: String]
        public let body: [UInt8]
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// When set, the connection is closed after this many body bytes (a server dying mid-stream).
        public var dropAfterBodyBytes: Int?

        public init(status: Int = 200, headers: [(String, String)] = [], body: String, dropAfterBodyBytes: Int? = nil) {
            self.status = status
            self.headers = headers
            self.body = Array(body.utf8)
            self.dropAfterBodyBytes = dropAfterBodyBytes
        }
    }

    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false

    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// The requests received so far, in order.
    public var requests: [Request] {
        lock.lock(); defer { lock.unlock() }
        return received
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting connections. Only wakes the accept thread (shutdown); that thread closes the
    /// listener itself, so its descriptor number cannot be reused by another server while this
    /// thread might still call accept on it.
    public func stop() {
        lock.lock(); stopped = true; lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            lock.lock(); let done = stopped; lock.unlock()
            if done {
                if connection >= 0 { close(connection) }
                close(listener)
                return
            }
            if connection < 0 { continue }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var reader = SocketReader(fd: connection)
        guard let head = reader.readUntil(Array("\r\n\r\n".utf8)) else { return }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while let sizeLine = reader.readUntil(Array("\r\n".utf8)) {
                let size = Int(String(decoding: sizeLine, as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 { _ = reader.readUntil(Array("\r\n".utf8)); break }
                guard let chunk = reader.read(count: size) else { return }
                body += chunk
                _ = reader.read(count: 2)
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length > 0 {
            guard let bytes = reader.read(count: length) else { return }
            body = bytes
        }
        let request = Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        lock.lock(); received.append(request); lock.unlock()
        let response = handler(request)
        var out = "HTTP/1.1 \(response.status) Status\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { out += "\(name): \(value)\r\n" }
        out += "\r\n"
        var bytes = Array(out.utf8)
        bytes += response.body.prefix(response.dropAfterBodyBytes ?? response.body.count)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
        if response.dropAfterBodyBytes != nil {
            var hard = linger(l_onoff: 1, l_linger: 0)       // RST instead of FIN
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &hard, socklen_t(MemoryLayout<linger>.size))
        }
    }
}

/// Buffered reads from a socket.
private struct SocketReader {
    let fd: Int32
    var buffer: [UInt8] = []

    mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    mutating func readUntil(_ delimiter: [UInt8]) -> [UInt8]? {
        while true {
            if buffer.count >= delimiter.count {
                for i in 0...(buffer.count - delimiter.count) where buffer[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                    let out = Array(buffer[0..<i])
                    buffer.removeFirst(i + delimiter.count)
                    return out
                }
            }
            if !fill() { return nil }
        }
    }

    mutating func read(count: Int) -> [UInt8]? {
        while buffer.count < count { if !fill() { return nil } }
        let out = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return out
    }
}
