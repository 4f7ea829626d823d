import CCurl

/// `HTTPTransport` over libcurl's easy interface: one easy handle per request, the response body
/// streamed to the caller in the chunks curl delivers, a streaming request body pulled through
/// curl's read callback with 1 MiB upload buffers, responses read in up to 256 KiB pieces.
/// Cost: memory O(chunk), no copy of the body. One connection per request (no keep-alive reuse).
public struct CurlTransport: HTTPTransport {
    public init() {
        CurlTransport.initialiseOnce
    }

    private static let initialiseOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    public func perform(_ request: HTTPRequest, onHead: (HTTPResponseHead) throws -> Void,
                        onBody: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead {
        guard let handle = curl_easy_init() else {
            throw TransportError(kind: .transferFailed, message: "curl_easy_init failed", url: Self.redacted(request.url))
        }
        defer { curl_easy_cleanup(handle) }
        return try withoutActuallyEscaping(onHead) { onHead in try withoutActuallyEscaping(onBody) { onBody in
            let exchange = CurlExchange(onHead: onHead, onBody: onBody, body: request.body)
            var headerList: UnsafeMutablePointer<curl_slist>?
            defer { curl_slist_free_all(headerList) }
            for header in request.headers {
                headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
            }
            headerList = curl_slist_append(headerList, "Expect:")
            ccurl_setopt_str(handle, CURLOPT_URL, request.url)
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
            // Stall detection: the progress callback aborts when no byte (body or header) has moved in
            // either direction for stallTimeout seconds and `stillWorking` does not vouch for the server
            // (curl's LOW_SPEED_* averages over whole seconds and cannot ask the server).
            exchange.stallTimeout = request.stallTimeout
            exchange.stillWorking = request.stillWorking
            ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            ccurl_setopt_xferinfofn(handle, CurlCallbacks.progress)
            ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, 256 << 10)
            if request.abortiveClose { ccurl_setopt_abortive_close(handle) }
            ccurl_setopt_writefn(handle, CurlCallbacks.write)
            ccurl_setopt_headerfn(handle, CurlCallbacks.header)
            let context = Unmanaged.passUnretained(exchange).toOpaque()
            ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
            ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, context)
            ccurl_setopt_ptr(handle, CURLOPT_XFERINFODATA, context)
            switch request.body {
            case nil:
                ccurl_setopt_long(handle, CURLOPT_HTTPGET, request.method == .get ? 1 : 0)
                if request.method == .post {
                    ccurl_setopt_long(handle, CURLOPT_POST, 1)
                    ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)
                }
            case .bytes(let bytes):
                ccurl_setopt_long(handle, CURLOPT_POST, 1)
                ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
                bytes.withUnsafeBufferPointer { buffer in
                    _ = ccurl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                }
            case .stream:
                ccurl_setopt_long(handle, CURLOPT_POST, 1)
                ccurl_setopt_readfn(handle, CurlCallbacks.read)
                ccurl_setopt_ptr(handle, CURLOPT_READDATA, context)
                ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 1 << 20)
                headerList = curl_slist_append(headerList, "Transfer-Encoding: chunked")
            }
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
            let code = errorBuffer.withUnsafeMutableBufferPointer { buffer in
                ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
                return withExtendedLifetime(exchange) { curl_easy_perform(handle) }
            }
            if let error = exchange.callbackError { throw error }
            if exchange.stalled {
                let seconds = request.stallTimeout.plainText
                let message = request.stillWorking == nil
                    ? "no byte moved for \(seconds) s"
                    : "no byte moved for \(seconds) s and the server did not confirm within \(seconds) s that it is still "
                        + "working on the request (stall timeout)"
                throw TransportError(kind: .timedOut, message: message, url: Self.redacted(request.url))
            }
            if code != CURLE_OK {
                let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
                throw TransportError(kind: Self.kind(of: code), message: message, url: Self.redacted(request.url))
            }
            var status = 0
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            let head = HTTPResponseHead(status: status, headers: exchange.headers)
            if !exchange.headDelivered { try onHead(head) }       // a response without headers' end seen
            return head
        } }
    }

    static func kind(of code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        default: .transferFailed
        }
    }

    /// The URL for messages: without `user:password@` (up to the last `@` before the query) and
    /// without the query (which may carry a password, and carries the SQL of an INSERT).
    static func redacted(_ url: String) -> String {
        var text = Substring(url)
        if let question = text.firstIndex(of: "?") { text = text[..<question] }
        guard let scheme = text.firstRange(of: "://") else { return String(text) }
        if let at = text[scheme.upperBound...].lastIndex(of: "@") {
            text = text[..<scheme.upperBound] + text[text.index(after: at)...]
        }
        return String(text)
    }
}

/// State shared with curl's C callbacks for one request.
final class CurlExchange {
    let onHead: (HTTPResponseHead) throws -> Void
    let onBody: (UnsafeRawBufferPointer) throws -> Void
    let fill: (@Sendable (UnsafeMutableRawBufferPointer) throws -> Int)?
    var status = 0
    var headers: [String: String] = [:]
    var headDelivered = false
    var callbackError: Error?
    var stallTimeout = Double.infinity
    var stillWorking: (@Sendable () -> Bool)?
    var stalled = false
    /// Header bytes received so far (curl's progress counts body bytes only).
    var headerBytes = 0
    private var lastMoved = -1
    private var lastMovedAt = ContinuousClock.now

    /// Called by the progress callback with the bytes moved so far; true when the transfer has
    /// been idle for longer than `stallTimeout` and `stillWorking` (asked then, once per idle
    /// period) does not say the server is busy with it.
    func isStalled(moved: Int) -> Bool {
        let now = ContinuousClock.now
        if moved != lastMoved {
            lastMoved = moved
            lastMovedAt = now
            return false
        }
        let idle = now - lastMovedAt
        guard Double(idle.components.seconds) + Double(idle.components.attoseconds) * 1e-18 > stallTimeout else { return false }
        if let stillWorking, stillWorking() {
            lastMovedAt = ContinuousClock.now
            return false
        }
        stalled = true
        return true
    }

    init(onHead: @escaping (HTTPResponseHead) throws -> Void, onBody: @escaping (UnsafeRawBufferPointer) throws -> Void,
         body: HTTPBody?) {
        self.onHead = onHead
        self.onBody = onBody
        if case .stream(let fill) = body { self.fill = fill } else { self.fill = nil }
    }

    /// Hands the head to `onHead` once, for the final (non-1xx) response.
    func deliverHead() throws {
        guard !headDelivered, status >= 200 || status == 0 else { return }
        headDelivered = true
        try onHead(HTTPResponseHead(status: status, headers: headers))
    }
}

/// curl's C callbacks; returning a short count (write) or CURL_READFUNC_ABORT (read) aborts the
/// transfer, and the Swift error is kept in the exchange and rethrown after `curl_easy_perform`.
enum CurlCallbacks {
    static let write: curl_write_callback = { pointer, size, count, context in
        let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
        let bytes = size * count
        do {
            if !exchange.headDelivered { try exchange.deliverHead() }
            try exchange.onBody(UnsafeRawBufferPointer(start: pointer, count: bytes))
            return bytes
        } catch {
            exchange.callbackError = error
            return 0
        }
    }

    static let header: curl_write_callback = { pointer, size, count, context in
        let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
        let bytes = size * count
        exchange.headerBytes += bytes
        let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            exchange.headers = [:]          // a new response (after a redirect or 100 Continue)
            let fields = line.split(separator: " ", maxSplits: 2)
            exchange.status = fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
        } else if line == "\r\n" || line == "\n" {
            guard exchange.status >= 200 else { return bytes }       // end of a 1xx head: more follows
            do {
                try exchange.deliverHead()
            } catch {
                exchange.callbackError = error
                return 0
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
            exchange.headers[name] = value
        }
        return bytes
    }

    static let progress: curl_xferinfo_callback = { context, _, downloaded, _, uploaded in
        let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
        return exchange.isStalled(moved: Int(downloaded + uploaded) + exchange.headerBytes) ? 1 : 0
    }

    static let read: curl_read_callback = { buffer, size, count, context in
        let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
        guard let fill = exchange.fill, let buffer else { return 0 }
        do {
            return try fill(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        } catch {
            exchange.callbackError = error
            return Int(CURL_READFUNC_ABORT)
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var s = Substring(self)
        while let first = s.first, characters.contains(first) { s.removeFirst() }
        while let last = s.last, characters.contains(last) { s.removeLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(self).trimmingCharacters(in: set)
    }
}

extension Double {
    /// The number without a trailing ".0" for whole values ("1", "0.5").
    fileprivate var plainText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
