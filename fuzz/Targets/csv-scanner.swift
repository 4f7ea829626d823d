@testable import Features

/// The byte-level CSV scanner of the Instacart reader over an exact-size heap copy of the input (so
/// AddressSanitizer sees any read past the end). The first byte picks one of the four record
/// layouts of the six files (orders, order_products, products, aisles/departments); the rest is the
/// file: header, then every record read field by field with the reader's typed fast and slow paths
/// until the end or the first error (whose line number is computed, as the reader does).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    enum Kind { case id, int(ClosedRange<Int64>), decimal(ClosedRange<Float>), evalSet, text }
    let layouts: [([String], [Kind])] = [
        (InstacartLayout.orderColumns,
         [.id, .id, .evalSet, .int(1...32767), .int(0...6), .int(0...23), .decimal(0...365)]),
        (InstacartLayout.orderProductColumns, [.id, .id, .int(1...32767), .int(0...1)]),
        (InstacartLayout.productColumns, [.id, .text, .id, .id]),
        (InstacartLayout.aisleColumns, [.id, .text]),
    ]
    let (columns, kinds) = layouts[Int(data[0]) % layouts.count]
    let body = UnsafeMutableRawBufferPointer.allocate(byteCount: size - 1, alignment: 1)
    defer { body.deallocate() }
    body.copyMemory(from: UnsafeRawBufferPointer(start: data + 1, count: size - 1))
    let bytes = UnsafeRawBufferPointer(body)
    var s = CSVScanner(file: "fuzz.csv", columns: columns, bytes: bytes)
    do {
        try s.readHeader()
    } catch {
        _ = error.description
        s = CSVScanner(file: "fuzz.csv", columns: columns, bytes: bytes)
    }
    var text: [UInt8] = []
    do {
        while s.nextRecord() {
            for (column, kind) in kinds.enumerated() {
                switch kind {
                case .id: _ = try s.integer(column: column, in: InstacartLayout.idRange)
                case .int(let range): _ = try s.integer(column: column, in: range)
                case .decimal(let range): _ = try s.optionalDecimal(column: column, in: range)
                case .evalSet: _ = try s.evalSet(column: column)
                case .text:
                    text.removeAll(keepingCapacity: true)
                    try s.text(column: column, into: &text)
                }
            }
        }
    } catch {
        _ = error.description
    }
    // The record skipper used to find an error's line.
    var skipper = CSVScanner(file: "fuzz.csv", columns: columns, bytes: bytes)
    while skipper.nextRecord() {
        do { try skipper.skipRecord() } catch { break }
    }
    return 0
}
