import Foundation
import Tabular
import TabularIO

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
        if type.hasPrefix("text/csv") || type.isEmpty { return try csv(body, schema: schema) }
        throw APIError(415, "unsupported_media_type", "send text/csv or application/json, not \(contentType ?? "")")
    }

    /// Parsed by TabularIO's `MatrixCSV` (byte by byte; errors name the line and column), then the
    /// model's features are taken in the model's order.
    static func csv(_ body: [UInt8], schema: FeatureSchema) throws(APIError) -> (FeatureMatrix, users: [Int32], products: [Int32]) {
        let matrix: LabelledMatrix
        do {
            matrix = try body.withUnsafeBytes { try MatrixCSV.parse($0, path: "the request body", targetName: "y") }
        } catch {
            throw APIError(400, "bad_body", "\(error)")
        }
        guard let users = matrix.keys.column(named: "user_id") else { throw APIError(400, "bad_body", "the CSV header has no user_id column") }
        guard let products = matrix.keys.column(named: "product_id") else { throw APIError(400, "bad_body", "the CSV header has no product_id column") }
        for name in schema.names where matrix.features.schema.index(of: name) == nil {
            throw APIError(400, "bad_body", "the CSV header has no column \(name) (a model feature)")
        }
        guard matrix.rowCount <= maximumRows else { throw APIError(413, "too_many_rows", "more than \(maximumRows) rows") }
        let features = matrix.features.schema == schema ? matrix.features : matrix.features.selectingFeatures(schema.names)
        return (features, users, products)
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
