import Features

/// Why an event was refused: one line naming the key and the value at fault.
public struct OrderEventRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// The JSON of an `OrderEvent` (its doc comment shows the format; docs/events.md describes it).
///
/// `encode` writes the keys in the documented order with no spaces. `decode` is strict and never
/// traps: it takes the keys in any order, allows JSON whitespace, and refuses malformed JSON, unknown,
/// repeated or missing keys, fractions or exponents where an integer belongs, and values out of
/// range (ids 1...2,147,483,647, order_number 1...32,767, order_dow 0...6, order_hour_of_day 0...23,
/// days_since_prior_order 0...365 or null, add_to_cart_order 1...32,767, reordered 0 or 1), each with
/// a reason naming the key. An event of more than 1 MiB, or of more than 10,000 products, is refused
/// before it is read. Cost: one pass over the bytes, O(products) memory.
public enum OrderEventJSON {
    /// The largest payload `decode` reads.
    public static let maximumBytes = 1 << 20
    /// The most products one event may hold.
    public static let maximumLines = 10_000

    public static func encode(_ e: OrderEvent) -> [UInt8] {
        var s = "{\"order_id\":\(e.orderID),\"user_id\":\(e.userID),\"eval_set\":\"\(e.evalSet.name)\""
        s += ",\"order_number\":\(e.orderNumber),\"order_dow\":\(e.dow),\"order_hour_of_day\":\(e.hour)"
        s += ",\"days_since_prior_order\":"
        if let d = e.daysSincePrior { s += d == d.rounded() ? String(Int(d)) : String(d) } else { s += "null" }
        s += ",\"products\":["
        for (i, line) in e.lines.enumerated() {
            if i > 0 { s += "," }
            s += "[\(line.productID),\(line.addToCartOrder)"
            if let r = line.reordered { s += r ? ",1" : ",0" }
            s += "]"
        }
        s += "]}"
        return Array(s.utf8)
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws(OrderEventRejection) -> OrderEvent {
        guard bytes.count <= maximumBytes else {
            throw OrderEventRejection("event of \(bytes.count) bytes, more than the \(maximumBytes) allowed")
        }
        var p = Cursor(Array(bytes))
        return try p.event()
    }

    /// A read position over the payload with the few JSON productions an event needs.
    private struct Cursor {
        let b: [UInt8]
        var i = 0

        init(_ b: [UInt8]) { self.b = b }

        /// One bit per known key (to refuse a repeated key without a set of strings).
        static let keyBits: [String: UInt16] = Dictionary(uniqueKeysWithValues: [
            "order_id", "user_id", "eval_set", "order_number", "order_dow", "order_hour_of_day", "days_since_prior_order", "products",
        ].enumerated().map { ($0.element, UInt16(1) << UInt16($0.offset)) })

        mutating func event() throws(OrderEventRejection) -> OrderEvent {
            var orderID: Int64?, userID: Int64?, orderNumber: Int64?, dow: Int64?, hour: Int64?
            var days: Double?? = .none
            var evalSet: EvalSet?
            var lines: [OrderLine]?
            var seen: UInt16 = 0
            skipSpace()
            try expect(UInt8(ascii: "{"), "the event must be a JSON object")
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    let key = try string()
                    if let bit = Self.keyBits[key] {
                        guard seen & bit == 0 else { throw OrderEventRejection("key \"\(key)\" appears twice") }
                        seen |= bit
                    }
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "a ':' after key \"\(key)\"")
                    skipSpace()
                    switch key {
                    case "order_id": orderID = try integer(key, 1...Int64(Int32.max))
                    case "user_id": userID = try integer(key, 1...Int64(Int32.max))
                    case "order_number": orderNumber = try integer(key, 1...Int64(Int16.max))
                    case "order_dow": dow = try integer(key, 0...6)
                    case "order_hour_of_day": hour = try integer(key, 0...23)
                    case "days_since_prior_order": days = .some(try nullOr { (c: inout Cursor) throws(OrderEventRejection) in try c.decimal(key, 0...365) })
                    case "eval_set":
                        let name = try string()
                        guard let set = EvalSet.allCases.first(where: { $0.name == name }) else {
                            throw OrderEventRejection("eval_set \"\(OrderEventJSON.echo(name))\" is not prior, train or test")
                        }
                        evalSet = set
                    case "products": lines = try products()
                    default: throw OrderEventRejection("unknown key \"\(OrderEventJSON.echo(key))\"")
                    }
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "}"), "',' or '}' after the value of \"\(key)\"")
                    break
                }
            }
            skipSpace()
            guard i == b.count else { throw OrderEventRejection("bytes after the end of the event object") }
            func need<T>(_ v: T?, _ key: String) throws(OrderEventRejection) -> T {
                guard let v else { throw OrderEventRejection("missing key \"\(key)\"") }
                return v
            }
            let set = evalSet ?? .prior
            let event = OrderEvent(
                orderID: Int32(try need(orderID, "order_id")), userID: Int32(try need(userID, "user_id")),
                evalSet: set, orderNumber: Int16(try need(orderNumber, "order_number")),
                dow: UInt8(try need(dow, "order_dow")), hour: UInt8(try need(hour, "order_hour_of_day")),
                daysSincePrior: try need(days, "days_since_prior_order").map(Float.init),
                lines: try need(lines, "products"))
            if set == .test && !event.lines.isEmpty {
                throw OrderEventRejection("a test order has no products, this one has \(event.lines.count)")
            }
            if set != .test && event.lines.isEmpty {
                throw OrderEventRejection("a \(set.name) order needs at least one product")
            }
            if event.orderNumber == 1 && event.daysSincePrior != nil {
                throw OrderEventRejection("order_number 1 (a user's first order) has days_since_prior_order")
            }
            if event.orderNumber > 1 && event.daysSincePrior == nil {
                throw OrderEventRejection("order_number \(event.orderNumber) has no days_since_prior_order")
            }
            return event
        }

        /// `[[product_id, add_to_cart_order(, reordered)], ...]`; add_to_cart_order must be 1...n in
        /// order and a product may appear once.
        mutating func products() throws(OrderEventRejection) -> [OrderLine] {
            try expect(UInt8(ascii: "["), "products must be an array")
            var lines: [OrderLine] = []
            var productsSeen: Set<Int32> = []
            skipSpace()
            if peek() == UInt8(ascii: "]") { i += 1; return lines }
            while true {
                skipSpace()
                guard lines.count < maximumLines else {
                    throw OrderEventRejection("more than \(maximumLines) products")
                }
                let n = lines.count + 1
                try expect(UInt8(ascii: "["), "product \(n) must be an array [product_id, add_to_cart_order, reordered]")
                skipSpace()
                let product = Int32(try integer("product_id of product \(n)", 1...Int64(Int32.max)))
                skipSpace()
                try expect(UInt8(ascii: ","), "product \(n) needs an add_to_cart_order")
                skipSpace()
                let cart = Int16(try integer("add_to_cart_order of product \(n)", 1...Int64(Int16.max)))
                guard Int(cart) == n else {
                    throw OrderEventRejection("add_to_cart_order of product \(n) is \(cart), expected \(n)")
                }
                skipSpace()
                var reordered: Bool?
                if peek() == UInt8(ascii: ",") {
                    i += 1
                    skipSpace()
                    reordered = try integer("reordered of product \(n)", 0...1) == 1
                    skipSpace()
                }
                try expect(UInt8(ascii: "]"), "']' closing product \(n)")
                guard productsSeen.insert(product).inserted else {
                    throw OrderEventRejection("product_id \(product) appears twice in the order")
                }
                lines.append(OrderLine(productID: product, addToCartOrder: cart, reordered: reordered))
                skipSpace()
                if peek() == UInt8(ascii: ",") { i += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']' after product \(n)")
                return lines
            }
        }

        mutating func nullOr<T>(_ read: (inout Cursor) throws(OrderEventRejection) -> T) throws(OrderEventRejection) -> T? {
            if b.count - i >= 4, b[i] == UInt8(ascii: "n"), b[i + 1] == UInt8(ascii: "u"), b[i + 2] == UInt8(ascii: "l"),
               b[i + 3] == UInt8(ascii: "l") {
                i += 4
                return nil
            }
            return try read(&self)
        }

        /// A JSON integer (an optional '-', digits, no fraction or exponent) inside `range`.
        mutating func integer(_ key: @autoclosure () -> String, _ range: ClosedRange<Int64>) throws(OrderEventRejection) -> Int64 {
            let start = i
            var negative = false
            if peek() == UInt8(ascii: "-") { negative = true; i += 1 }
            var value: Int64 = 0
            var digits = 0
            while let c = peek(), c >= 48, c <= 57 {
                if value > Int64.max / 20 { value = Int64.max / 10 } else { value = value * 10 + Int64(c - 48) }
                digits += 1
                i += 1
            }
            if let c = peek(), c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                throw OrderEventRejection("\(key()) is not an integer")
            }
            guard digits > 0 else {
                i = start
                throw OrderEventRejection("\(key()) must be an integer, found \(describeHere())")
            }
            if negative { value = -value }
            guard range.contains(value) else {
                throw OrderEventRejection("\(key()) \(value >= Int64.max / 10 ? "too large" : String(value)) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }

        /// A JSON number with an optional fraction (no exponent) inside `range`: days_since_prior_order,
        /// which the Instacart files write as `7.0`.
        mutating func decimal(_ key: String, _ range: ClosedRange<Double>) throws(OrderEventRejection) -> Double {
            let start = i
            if peek() == UInt8(ascii: "-") { i += 1 }
            while let c = peek(), (c >= 48 && c <= 57) || c == UInt8(ascii: ".") { i += 1 }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            guard i > start, let value = Double(text), value.isFinite else {
                i = start
                throw OrderEventRejection("\(key) must be a number or null, found \(describeHere())")
            }
            if let c = peek(), c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                throw OrderEventRejection("\(key) must be written without an exponent")
            }
            guard range.contains(value) else { throw OrderEventRejection("\(key) \(text) is outside 0...365") }
            return value
        }

        /// A JSON string without escapes beyond \" \\ \/ (keys and eval_set names never need more).
        mutating func string() throws(OrderEventRejection) -> String {
            guard peek() == UInt8(ascii: "\"") else { throw OrderEventRejection("expected a string, found \(describeHere())") }
            i += 1
            // The common case, no escape: the bytes between the quotes as they are.
            let start = i
            while let c = peek(), c != UInt8(ascii: "\""), c != UInt8(ascii: "\\"), c >= 0x20, i - start <= 64 { i += 1 }
            if peek() == UInt8(ascii: "\""), i - start <= 64 {
                i += 1
                return String(decoding: b[start..<(i - 1)], as: UTF8.self)
            }
            i = start
            var bytes: [UInt8] = []
            while let c = peek() {
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: bytes, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    guard let e = peek(), e == UInt8(ascii: "\"") || e == UInt8(ascii: "\\") || e == UInt8(ascii: "/") else {
                        throw OrderEventRejection("unsupported escape in a string")
                    }
                    bytes.append(e)
                    i += 1
                } else if c < 0x20 {
                    throw OrderEventRejection("control byte inside a string")
                } else {
                    bytes.append(c)
                }
                if bytes.count > 64 { throw OrderEventRejection("string longer than 64 bytes") }
            }
            throw OrderEventRejection("the event ends inside a string")
        }

        /// `what` is only built for the error (an autoclosure: this runs several times per product).
        mutating func expect(_ c: UInt8, _ what: @autoclosure () -> String) throws(OrderEventRejection) {
            guard peek() == c else { throw OrderEventRejection("expected \(what()), found \(describeHere())") }
            i += 1
        }

        mutating func skipSpace() {
            while let c = peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
        }

        func peek() -> UInt8? { i < b.count ? b[i] : nil }

        /// What stands at the read position, for an error: at most 20 bytes, escaped, and where.
        func describeHere() -> String {
            guard i < b.count else { return "the end of the event" }
            let piece = b[i..<min(b.count, i + 20)]
            return "\"\(OrderEventJSON.echo(String(decoding: piece, as: UTF8.self)))\" at byte \(i)"
        }
    }

    /// A value quoted in a reason: at most 40 characters, control characters escaped.
    static func echo(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars.prefix(40) {
            out += scalar.value < 0x20 || scalar.value == 0x7F ? String(format: scalar.value) : String(scalar)
        }
        return s.unicodeScalars.count > 40 ? out + "…" : out
    }
}

private extension String {
    init(format code: UInt32) {
        let hex = String(code, radix: 16)
        self = "\\x" + (hex.count < 2 ? "0" + hex : hex)
    }
}
