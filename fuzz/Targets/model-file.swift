@testable import Forest
import Tabular

/// The model file reader, on the bytes as given and again with the header's length and the CRC-32
/// trailer made to match (so the fuzzer reaches the section parsing and the tree checks that a CRC
/// guards), then a prediction with every model it accepts (the checks must make it safe to use).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    load(bytes)
    let header = ForestModel.headerSize, trailer = ForestModel.trailerSize
    guard size >= header + trailer else { return 0 }
    withUnsafeBytes(of: UInt64(size).littleEndian) { length in
        for k in 0..<8 { bytes[16 + k] = length[k] }
    }
    let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(size - trailer)])) }
    withUnsafeBytes(of: crc.littleEndian) { stored in
        for k in 0..<4 { bytes[size - trailer + k] = stored[k] }
    }
    load(bytes)
    return 0
}

private func load(_ bytes: [UInt8]) {
    do {
        let model = try ForestModel(serialized: bytes)
        let features = model.schema.count
        let rows = 3
        var values = [Float](repeating: 0, count: rows * features)
        for i in values.indices { values[i] = [Float.nan, -1e30, 0.5, 1e30][i % 4] }
        _ = try ForestPredictor(model).predict(FeatureMatrix(rowCount: rows, schema: model.schema, values: values))
    } catch {
        _ = String(describing: error)
    }
}
