import Foundation
import Tabular

/// The candidate rows of a `POST /api/score` body, as a feature matrix in the model's feature order
/// plus the user_id and product_id keys.
///
/// CSV (`text/csv`): a header naming user_id, product_id and every model feature (any order; other
/// columns are ignored), then one row per line; an empty cell is a missing value (NaN).
/// JSON (`application/json`): an array of objects (or `{"rows": [...]}`), each with user_id,
/// product_id and every feature as a number or null. Any problem is a 400 naming the line or row
/// and the column. Cost O(body bytes).
public enum ScoreRequestBody {
    public static let maximumRows = 200_000

    public static func parse(_ body: [UInt8], contentType: String?, schema: FeatureSchema) throws(APIError) -> (FeatureMatrix, users: [Int32], products: [Int32]) {
        guard let text = String(validating: body, as: UTF8.self) else { throw APIError(400, "bad_body", "the body is not valid UTF-8") }
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("application/json") { return try json(text, schema: schema) }
        if type.hasPrefix("text/csv") || type.isEmpty { return try csv(text, schema: schema) }
        throw APIError(415, "unsupported_media_type", "send text/csv or application/json, not \(contentType ?? "")")
    }

    static func csv(_ text: String, schema: FeatureSchema) throws(APIError) -> (FeatureMatrix, users: [Int32], products: [Int32]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }[...]
        guard let head = lines.popFirst() else { throw APIError(400, "bad_body", "empty body: expected a CSV header") }
        let names = head.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        var position: [String: Int] = [:]
        for (i, name) in names.enumerated() { position[name] = i }
        guard let u = position["user_id"] else { throw APIError(400, "bad_body", "the CSV header has no user_id column") }
        guard let p = position["product_id"] else { throw APIError(400, "bad_body", "the CSV header has no product_id column") }
        var columns: [Int] = []
        for name in schema.names {
            guard let c = position[name] else { throw APIError(400, "bad_body", "the CSV header has no column \(name) (a model feature)") }
            columns.append(c)
        }
        guard lines.count <= maximumRows else { throw APIError(413, "too_many_rows", "more than \(maximumRows) rows") }
        var users: [Int32] = [], products: [Int32] = []
        var values = [Float](repeating: 0, count: lines.count * schema.count)
        for (row, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            let lineNumber = row + 2
            guard cells.count == names.count else {
                throw APIError(400, "bad_body", "line \(lineNumber): \(cells.count) cells, the header has \(names.count)")
            }
            guard let user = Int32(cells[u]), user >= 0 else { throw APIError(400, "bad_body", "line \(lineNumber): user_id is not an id") }
            guard let product = Int32(cells[p]), product >= 0 else { throw APIError(400, "bad_body", "line \(lineNumber): product_id is not an id") }
            users.append(user)
            products.append(product)
            for (f, c) in columns.enumerated() {
                let cell = cells[c]
                if cell.isEmpty { values[f * lines.count + row] = .nan; continue }
                guard let v = Float(cell), !v.isInfinite else {
                    throw APIError(400, "bad_body", "line \(lineNumber): \(schema.names[f]) is not a number")
                }
                values[f * lines.count + row] = v
            }
        }
        return (FeatureMatrix(rowCount: lines.count, schema: schema, values: values), users, products)
    }

    static func json(_ text: String, schema: FeatureSchema) throws(APIError) -> (FeatureMatrix, users: [Int32], products: [Int32]) {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            throw APIError(400, "bad_body", "the body is not JSON")
        }
        let rows: [Any]
        if let array = parsed as? [Any] {
            rows = array
        } else if let object = parsed as? [String: Any], let array = object["rows"] as? [Any] {
            rows = array
        } else {
            throw APIError(400, "bad_body", "expected an array of rows or {\"rows\": [...]}")
        }
        guard rows.count <= maximumRows else { throw APIError(413, "too_many_rows", "more than \(maximumRows) rows") }
        var users: [Int32] = [], products: [Int32] = []
        var values = [Float](repeating: 0, count: rows.count * schema.count)
        func id(_ any: Any?, _ name: String, _ row: Int) throws(APIError) -> Int32 {
            guard let n = any as? NSNumber, let v = Int32(exactly: n.doubleValue), v >= 0 else {
                throw APIError(400, "bad_body", "row \(row): \(name) must be a non-negative integer id")
            }
            return v
        }
        for (r, item) in rows.enumerated() {
            guard let object = item as? [String: Any] else { throw APIError(400, "bad_body", "row \(r): not an object") }
            users.append(try id(object["user_id"], "user_id", r))
            products.append(try id(object["product_id"], "product_id", r))
            for (f, name) in schema.names.enumerated() {
                switch object[name] {
                case is NSNull: values[f * rows.count + r] = .nan
                case let n as NSNumber:
                    guard n.doubleValue.isFinite else { throw APIError(400, "bad_body", "row \(r): \(name) is not finite") }
                    values[f * rows.count + r] = n.floatValue
                case nil: throw APIError(400, "bad_body", "row \(r): missing feature \(name)")
                default: throw APIError(400, "bad_body", "row \(r): \(name) must be a number or null")
                }
            }
        }
        return (FeatureMatrix(rowCount: rows.count, schema: schema, values: values), users, products)
    }
}
