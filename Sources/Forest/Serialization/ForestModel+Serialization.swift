import Foundation
import Tabular

/// The model file format, version 1 (models/FORMAT.md is the specification; keep them in step).
///
/// header (32 bytes): magic "RSTKFRST", UInt32 format version, UInt32 section count, UInt64 file
/// length, UInt64 reserved (0); then sections, each: 4-byte ASCII tag, UInt32 flags (bit 0 =
/// required), UInt64 payload length, payload, zero padding to a multiple of 8; then the trailer:
/// UInt32 CRC-32 (zlib) of every byte before it, and "END." — all integers little-endian.
extension ForestModel {
    public static let fileMagic: [UInt8] = Array("RSTKFRST".utf8)
    public static let formatVersion: UInt32 = 1
    static let headerSize = 32
    static let trailerSize = 8
    static let knownSections: Set<String> = ["SCHM", "BINS", "PARM", "META", "TREE", "IMPT"]

    /// The model as file bytes. Deterministic: the same model gives the same bytes.
    public func serialized() -> [UInt8] {
        var sections: [(tag: String, required: Bool, payload: [UInt8])] = []
        var schemaBytes = ByteWriter()
        schemaBytes.append(UInt32(schema.count))
        for name in schema.names { schemaBytes.append(text: name) }
        sections.append(("SCHM", true, schemaBytes.bytes))

        var bins = ByteWriter()
        bins.append(UInt32(binMapper.featureCount))
        for edges in binMapper.edges {
            bins.append(UInt32(edges.count))
            bins.append(contentsOf: edges)
        }
        sections.append(("BINS", true, bins.bytes))
        sections.append(("PARM", true, ForestModel.json(parameters)))
        sections.append(("META", true, ForestModel.json(metadata)))
        sections.append(("TREE", true, treeSection()))
        sections.append(("IMPT", false, ForestModel.json(importances)))

        var out = ByteWriter()
        out.bytes.reserveCapacity(sections.reduce(64) { $0 + $1.payload.count + 24 })
        out.bytes.append(contentsOf: ForestModel.fileMagic)
        out.append(ForestModel.formatVersion)
        out.append(UInt32(sections.count))
        let lengthOffset = out.bytes.count
        out.append(UInt64(0))
        out.append(UInt64(0))
        for section in sections {
            out.bytes.append(contentsOf: Array(section.tag.utf8))
            out.append(UInt32(section.required ? 1 : 0))
            out.append(UInt64(section.payload.count))
            out.bytes.append(contentsOf: section.payload)
            out.padToMultipleOf8()
        }
        let total = UInt64(out.bytes.count + ForestModel.trailerSize)
        withUnsafeBytes(of: total.littleEndian) { raw in
            for k in 0..<8 { out.bytes[lengthOffset + k] = raw[k] }
        }
        out.append(CRC32.checksum(out.bytes))
        out.bytes.append(contentsOf: Array("END.".utf8))
        return out.bytes
    }

    private func treeSection() -> [UInt8] {
        var w = ByteWriter()
        let total = nodeCount
        w.append(UInt32(trees.count))
        w.append(UInt32(0))
        w.append(UInt64(total))
        w.append(contentsOf: trees.map { UInt32($0.nodeCount) })
        w.padToMultipleOf8()
        w.bytes.reserveCapacity(w.bytes.count + total * 22 + 16)
        for tree in trees { w.append(contentsOf: tree.feature) }
        for tree in trees { w.append(contentsOf: tree.threshold) }
        for tree in trees { w.append(contentsOf: tree.left) }
        for tree in trees { w.append(contentsOf: tree.right) }
        for tree in trees { w.append(contentsOf: tree.value) }
        for tree in trees { w.append(contentsOf: tree.thresholdBin) }
        for tree in trees { w.append(contentsOf: tree.missingGoesLeft) }
        return w.bytes
    }

    static func json<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain value types cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Reads a model from file bytes. `expectedSchema`, when given, must equal the model's.
    public init(serialized bytes: [UInt8], expectedSchema: FeatureSchema? = nil) throws {
        self = try bytes.withUnsafeBytes { try ForestModel.parse($0, expectedSchema: expectedSchema) }
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, expectedSchema: FeatureSchema?) throws -> ForestModel {
        let magic = fileMagic
        let prefix = min(raw.count, magic.count)
        if !zip(raw.prefix(prefix), magic.prefix(prefix)).allSatisfy({ $0 == $1 }) { throw ModelFileError.notAModelFile }
        if raw.count < headerSize + trailerSize {
            throw ModelFileError.truncated(expectedBytes: max(headerSize + trailerSize, declaredLength(raw) ?? 0), actualBytes: raw.count)
        }
        var header = ByteReader(raw, from: magic.count, to: headerSize, section: "header")
        let version = try header.read(UInt32.self)
        if version != formatVersion { throw ModelFileError.unsupportedVersion(found: version, supported: formatVersion) }
        let sectionCount = Int(try header.read(UInt32.self))
        let length = try header.read(UInt64.self)
        if length > UInt64(raw.count) { throw ModelFileError.truncated(expectedBytes: Int(length), actualBytes: raw.count) }
        if length < UInt64(raw.count) {
            throw ModelFileError.corrupted("\(raw.count - Int(length)) bytes after the end announced by the header (\(length) bytes)")
        }
        let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - trailerSize)])
        var trailer = ByteReader(raw, from: raw.count - trailerSize, to: raw.count, section: "trailer")
        let stored = try trailer.read(UInt32.self)
        let computed = CRC32.checksum(body)
        if stored != computed {
            throw ModelFileError.corrupted("checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }

        var payloads: [String: (start: Int, end: Int)] = [:]
        var cursor = ByteReader(raw, from: headerSize, to: raw.count - trailerSize, section: "section table")
        for _ in 0..<sectionCount {
            let tagBytes = try cursor.readRaw(count: 4)
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let flags = try cursor.read(UInt32.self)
            let size = try cursor.read(UInt64.self)
            guard size <= UInt64(cursor.remaining) else { throw ModelFileError.corrupted("section \(tag) overruns the file") }
            if !knownSections.contains(tag) && flags & 1 != 0 { throw ModelFileError.unknownRequiredSection(tag) }
            payloads[tag] = (cursor.offset, cursor.offset + Int(size))
            cursor.offset += Int(size)
            cursor.skipPadding()
        }
        func section(_ tag: String) throws -> ByteReader {
            guard let range = payloads[tag] else { throw ModelFileError.corrupted("section \(tag) is missing") }
            return ByteReader(raw, from: range.start, to: range.end, section: tag)
        }

        var schemaReader = try section("SCHM")
        let featureCount = Int(try schemaReader.read(UInt32.self))
        var names: [String] = []
        for _ in 0..<featureCount { names.append(try schemaReader.readText()) }
        let schema = FeatureSchema(names: names)
        if let expectedSchema, let difference = expectedSchema.difference(from: schema) {
            throw ModelFileError.schemaMismatch(difference)
        }

        var binsReader = try section("BINS")
        let binFeatures = Int(try binsReader.read(UInt32.self))
        guard binFeatures == featureCount else {
            throw ModelFileError.corrupted("BINS has \(binFeatures) features, SCHM has \(featureCount)")
        }
        var edges: [[Float]] = []
        for j in 0..<binFeatures {
            let count = Int(try binsReader.read(UInt32.self))
            guard count <= 254 else { throw ModelFileError.corrupted("feature \(j) has \(count) bin edges (at most 254)") }
            let e = try binsReader.readArray(of: Float.self, count: count)
            guard zip(e, e.dropFirst()).allSatisfy({ $0 < $1 }) else { throw ModelFileError.corrupted("bin edges of feature \(j) are not increasing") }
            edges.append(e)
        }

        let parameters: ForestParameters = try decodeJSON(try section("PARM"))
        let metadata: TrainingMetadata = try decodeJSON(try section("META"))
        let importances: FeatureImportances = payloads["IMPT"] == nil
            ? FeatureImportances(impurity: [Double](repeating: 0, count: featureCount))
            : try decodeJSON(try section("IMPT"))
        let trees = try readTrees(try section("TREE"), featureCount: featureCount)
        return ForestModel(schema: schema, binMapper: BinMapper(edges: edges), parameters: parameters, metadata: metadata,
                           trees: trees, importances: importances)
    }

    private static func readTrees(_ reader: ByteReader, featureCount: Int) throws -> [DecisionTree] {
        var r = reader
        let treeCount = Int(try r.read(UInt32.self))
        _ = try r.read(UInt32.self)
        let total = Int(try r.read(UInt64.self))
        let counts = try r.readArray(of: UInt32.self, count: treeCount)
        guard counts.reduce(0, { $0 + Int($1) }) == total else { throw ModelFileError.corrupted("tree node counts do not add up to \(total)") }
        r.skipPadding()
        let feature = try r.readArray(of: Int32.self, count: total)
        let threshold = try r.readArray(of: Float.self, count: total)
        let left = try r.readArray(of: Int32.self, count: total)
        let right = try r.readArray(of: Int32.self, count: total)
        let value = try r.readArray(of: Float.self, count: total)
        let thresholdBin = try r.readArray(of: UInt8.self, count: total)
        let missingGoesLeft = try r.readArray(of: UInt8.self, count: total)
        var trees: [DecisionTree] = []
        trees.reserveCapacity(treeCount)
        var start = 0
        for (t, count) in counts.enumerated() {
            let range = start..<(start + Int(count))
            var tree = DecisionTree()
            tree.feature = Array(feature[range])
            tree.threshold = Array(threshold[range])
            tree.left = Array(left[range])
            tree.right = Array(right[range])
            tree.value = Array(value[range])
            tree.thresholdBin = Array(thresholdBin[range])
            tree.missingGoesLeft = Array(missingGoesLeft[range])
            if let violation = tree.invariantViolation(featureCount: featureCount) {
                throw ModelFileError.corrupted("tree \(t): \(violation)")
            }
            trees.append(tree)
            start += Int(count)
        }
        return trees
    }

    private static func decodeJSON<T: Decodable>(_ reader: ByteReader) throws -> T {
        let data = Data(UnsafeRawBufferPointer(rebasing: reader.bytes[reader.offset..<reader.end]))
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ModelFileError.corrupted("section \(reader.section) is not valid: \(error)")
        }
    }

    private static func declaredLength(_ raw: UnsafeRawBufferPointer) -> Int? {
        guard raw.count >= 24 else { return nil }
        var r = ByteReader(raw, from: 16, to: 24, section: "header")
        return (try? r.read(UInt64.self)).map { Int($0) }
    }

    private static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: true) }

    /// Writes the model to `path` atomically (to `path.partial`, then renamed).
    public func write(to path: String) throws {
        do {
            try ModelFileIO.writeAtomically(serialized(), to: path)
        } catch let error as ModelFileError {
            throw ModelFileError.file(path: path, error)
        }
    }

    /// Reads a model file; `expectedSchema`, when given, must equal the model's feature schema.
    public static func load(from path: String, expectedSchema: FeatureSchema? = nil) throws -> ForestModel {
        do {
            return try ForestModel(serialized: try ModelFileIO.read(path), expectedSchema: expectedSchema)
        } catch let error as ModelFileError {
            throw ModelFileError.file(path: path, error)
        }
    }
}
