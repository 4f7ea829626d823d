import Decisions
import Features
import Foundation
import TabularIO

/// Writes recommendations and baskets as CSV, and the recommendations as a text table.
///
/// Recommendations: `product_id,product_name,aisle,department,expected_demand,stddev,
/// recommended_stock,service_level,model_version`, names quoted per RFC 4180 when needed, numbers
/// with 6 significant digits (`SignificantDecimal`). Baskets: `user_id,order_id,products,expected_f1`
/// with the products as Kaggle spells them (`12 34 None`). Cost O(rows).
public enum RecommendationWriter {
    public static let recommendationHeader =
        "product_id,product_name,aisle,department,expected_demand,stddev,recommended_stock,service_level,model_version\n"
    public static let basketHeader = "user_id,order_id,products,expected_f1\n"

    public static func write(_ recommendations: [StockRecommendation], to writer: AtomicFileWriter) throws {
        try writer.write(recommendationHeader)
        for r in recommendations {
            try writer.write(int: Int(r.productID))
            try writer.write(byte: 44)
            try writer.write(csvField: r.product.name)
            try writer.write(byte: 44)
            try writer.write(csvField: r.product.aisle)
            try writer.write(byte: 44)
            try writer.write(csvField: r.product.department)
            try writer.write(byte: 44)
            try writeNumber(r.expectedDemand, writer)
            try writer.write(byte: 44)
            try writeNumber(r.standardDeviation, writer)
            try writer.write(byte: 44)
            try writer.write(int: r.recommendedStock)
            try writer.write(byte: 44)
            try writeNumber(r.serviceLevel, writer)
            try writer.write(byte: 44)
            try writer.write(csvField: r.modelVersion)
            try writer.write(byte: 10)
        }
    }

    public static func write(_ baskets: [NextBasket], to writer: AtomicFileWriter) throws {
        try writer.write(basketHeader)
        for b in baskets { try write(b, to: writer) }
    }

    /// One basket line (after `basketHeader`), for baskets written as they are chosen.
    public static func write(_ b: NextBasket, to writer: AtomicFileWriter) throws {
        try writer.write(int: Int(b.userID))
        try writer.write(byte: 44)
        if let order = b.orderID { try writer.write(int: Int(order)) }
        try writer.write(byte: 44)
        try writer.write(b.productsText)
        try writer.write(byte: 44)
        try writeNumber(b.expectedF1, writer)
        try writer.write(byte: 10)
    }

    /// The first `top` recommendations as an aligned text table (one header line, one line each; μ and
    /// σ with two decimals).
    public static func table(_ recommendations: [StockRecommendation], top: Int) -> String {
        let rows = recommendations.prefix(top).enumerated().map { k, r in
            ["\(k + 1)", "\(r.productID)", clip(r.product.name, 40), clip(r.product.aisle, 22),
             String(format: "%.2f", r.expectedDemand), String(format: "%.2f", r.standardDeviation),
             "\(r.recommendedStock)"]
        }
        let header = ["rank", "product_id", "product", "aisle", "mu", "sigma", "stock"]
        let numeric = [true, true, false, false, true, true, true]
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - cells[c].count)
                return numeric[c] ? pad + cells[c] : cells[c] + pad
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    private static func writeNumber(_ value: Double, _ writer: AtomicFileWriter) throws {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SignificantDecimal.maximumLength) { buffer in
            let n = SignificantDecimal.write(value, to: buffer.baseAddress!)
            try writer.write(UnsafeRawBufferPointer(start: buffer.baseAddress!, count: n))
        }
    }

    private static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}
