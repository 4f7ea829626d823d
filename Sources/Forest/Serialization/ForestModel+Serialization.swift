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
        var out: [UInt8] = []
        out.reserveCapacity(fileLength)
        streamBytes { out.append(contentsOf: $0) }
        return out
    }

    /// The small sections, in file order, and the length of the TREE payload.
    private func sections() -> (before: [(String, Bool, [UInt8])], treeLength: Int, after: [(String, Bool, [UInt8])]) {
        var schemaBytes = ByteWriter()
        schemaBytes.append(UInt32(schema.count))
        for name in schema.names { schemaBytes.append(text: name) }
        var bins = ByteWriter()
        bins.append(UInt32(binMapper.featureCount))
        for edges in binMapper.edges {
            bins.append(UInt32(edges.count))
            bins.append(contentsOf: edges)
        }
        let treeLength = padded(16 + 4 * trees.count) + 22 * nodeCount
        return ([("SCHM", true, schemaBytes.bytes), ("BINS", true, bins.bytes), ("PARM", true, ForestModel.json(parameters)),
                 ("META", true, ForestModel.json(metadata))],
                treeLength,
                [("IMPT", false, ForestModel.json(importances))])
    }

    private func padded(_ count: Int) -> Int { (count + 7) / 8 * 8 }

    /// Total bytes of the file.
    var fileLength: Int {
        let (before, treeLength, after) = sections()
        return ForestModel.headerSize + (before + after).reduce(0) { $0 + 16 + padded($1.2.count) }
            + 16 + padded(treeLength) + ForestModel.trailerSize
    }

    /// Hands the file's bytes to `sink` in order, in pieces (no copy of the trees is made), computing
    /// the CRC on the way. O(file size), constant extra memory.
    func streamBytes(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let (before, treeLength, after) = sections()
        var crc: UInt32 = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            crc = CRC32.update(crc, bytes)
            try sink(bytes)
        }
        func emit(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try emit($0) } }
        func emit<T>(array: [T]) throws { try array.withUnsafeBytes { try emit($0) } }
        let zeros = [UInt8](repeating: 0, count: 8)
        func pad(_ count: Int) throws { if count % 8 != 0 { try emit(Array(zeros[0..<(8 - count % 8)])) } }
        func sectionHeader(_ tag: String, _ required: Bool, _ length: Int) throws {
            var w = ByteWriter()
            w.bytes.append(contentsOf: Array(tag.utf8))
            w.append(UInt32(required ? 1 : 0))
            w.append(UInt64(length))
            try emit(w.bytes)
        }
        var header = ByteWriter()
        header.bytes.append(contentsOf: ForestModel.fileMagic)
        header.append(ForestModel.formatVersion)
        header.append(UInt32(before.count + 1 + after.count))
        header.append(UInt64(fileLength))
        header.append(UInt64(0))
        try emit(header.bytes)
        for (tag, required, payload) in before {
            try sectionHeader(tag, required, payload.count)
            try emit(payload)
            try pad(payload.count)
        }
        try sectionHeader("TREE", true, treeLength)
        var treeHeader = ByteWriter()
        treeHeader.append(UInt32(trees.count))
        treeHeader.append(UInt32(0))
        treeHeader.append(UInt64(nodeCount))
        treeHeader.append(contentsOf: trees.map { UInt32($0.nodeCount) })
        treeHeader.padToMultipleOf8()
        try emit(treeHeader.bytes)
        for tree in trees { try emit(array: tree.feature) }
        for tree in trees { try emit(array: tree.threshold) }
        for tree in trees { try emit(array: tree.left) }
        for tree in trees { try emit(array: tree.right) }
        for tree in trees { try emit(array: tree.value) }
        for tree in trees { try emit(array: tree.thresholdBin) }
        for tree in trees { try emit(array: tree.missingGoesLeft) }
        try pad(treeLength)
        for (tag, required, payload) in after {
            try sectionHeader(tag, required, payload.count)
            try emit(payload)
            try pad(payload.count)
        }
        var trailer = ByteWriter()
        trailer.append(crc)
        trailer.bytes.append(contentsOf: Array("END.".utf8))
        try trailer.bytes.withUnsafeBytes { try sink($0) }
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
            try ModelFileIO.writeAtomically(to: path) { sink in try streamBytes(sink) }
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
