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
    /// The last 4 bytes of every model file, after the CRC.
    static let fileEnd: [UInt8] = Array("END.".utf8)
    static let headerSize = 32
    static let trailerSize = 8
    static let knownSections: Set<String> = ["SCHM", "BINS", "PARM", "META", "TREE", "IMPT", "ORIG"]

    /// The model as file bytes. Deterministic: the same model gives the same bytes.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(fileLength)
        write(into: { out.append(contentsOf: $0) })
        return out
    }

    /// The small sections, in file order, and the length of the TREE payload. `ORIG` is written
    /// only when the origin is known, so a model without one keeps the bytes of earlier builds.
    private func sections() -> (before: [(String, Bool, [UInt8])], treeLength: Int, after: [(String, Bool, [UInt8])]) {
        var after: [(String, Bool, [UInt8])] = [("IMPT", false, ForestModel.json(importances))]
        if let origin { after.append(("ORIG", false, ForestModel.json(origin, escapingSlashes: false))) }
        return ([("SCHM", true, schemaPayload()), ("BINS", true, binsPayload()), ("PARM", true, ForestModel.json(parameters)),
                 ("META", true, ForestModel.json(metadata))],
                treeLength,
                after)
    }

    /// The SCHM payload: feature count, then each name as UInt32 byte length + UTF-8.
    func schemaPayload() -> [UInt8] {
        var schemaBytes = ByteWriter()
        schemaBytes.append(UInt32(schema.count))
        for name in schema.names { schemaBytes.append(text: name) }
        return schemaBytes.bytes
    }

    /// The BINS payload: feature count, then per feature the edge count and the Float32 edges.
    func binsPayload() -> [UInt8] {
        var bins = ByteWriter()
        bins.append(UInt32(binMapper.featureCount))
        for edges in binMapper.edges {
            bins.append(UInt32(edges.count))
            bins.append(contentsOf: edges)
        }
        return bins.bytes
    }

    /// Bytes of the TREE payload (without the section's closing padding).
    var treeLength: Int { padded(16 + 4 * trees.count) + 22 * nodeCount }

    /// Hands the TREE payload to `emit` in pieces, straight from the trees' arrays.
    func emitTreePayload(_ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var treeHeader = ByteWriter()
        treeHeader.append(UInt32(trees.count))
        treeHeader.append(UInt32(0))
        treeHeader.append(UInt64(nodeCount))
        treeHeader.append(contentsOf: trees.map { UInt32($0.nodeCount) })
        treeHeader.padToMultipleOf8()
        try treeHeader.bytes.withUnsafeBytes { try emit($0) }
        for tree in trees { try tree.feature.withUnsafeBytes { try emit($0) } }
        for tree in trees { try tree.threshold.withUnsafeBytes { try emit($0) } }
        for tree in trees { try tree.left.withUnsafeBytes { try emit($0) } }
        for tree in trees { try tree.right.withUnsafeBytes { try emit($0) } }
        for tree in trees { try tree.value.withUnsafeBytes { try emit($0) } }
        for tree in trees { try tree.thresholdBin.withUnsafeBytes { try emit($0) } }
        for tree in trees { try tree.missingGoesLeft.withUnsafeBytes { try emit($0) } }
    }

    private func padded(_ count: Int) -> Int { (count + 7) / 8 * 8 }

    /// Total bytes of the file.
    var fileLength: Int {
        let (before, treeLength, after) = sections()
        return ForestModel.headerSize + (before + after).reduce(0) { $0 + 16 + padded($1.2.count) }
            + 16 + padded(treeLength) + ForestModel.trailerSize
    }

    /// Hands the file's bytes to `sink` in order, in pieces (no copy of the trees is made), computing
    /// the CRC on the way: the way to write a model file (Serve's `ForestModel.write(to:)` hands it
    /// an atomic file writer; Forest itself writes no file). O(file size), constant extra memory.
    public func write(into sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let (before, treeLength, after) = sections()
        var crc: UInt32 = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            crc = CRC32.update(crc, bytes)
            try sink(bytes)
        }
        func emit(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try emit($0) } }
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
        try emitTreePayload(emit)
        try pad(treeLength)
        for (tag, required, payload) in after {
            try sectionHeader(tag, required, payload.count)
            try emit(payload)
            try pad(payload.count)
        }
        var trailer = ByteWriter()
        trailer.append(crc)
        trailer.bytes.append(contentsOf: ForestModel.fileEnd)
        try trailer.bytes.withUnsafeBytes { try sink($0) }
    }

    /// Sorted keys; `/` escaped as `\/` in the sections of the first version (their bytes stay as they were).
    static func json<T: Encodable>(_ value: T, escapingSlashes: Bool = true) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain value types cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Reads a model from file bytes. `expectedSchema`, when given, must equal the model's.
    public init(serialized bytes: [UInt8], expectedSchema: FeatureSchema? = nil) throws {
        var source = MemoryByteSource(bytes: bytes)
        self = try ModelFileReader.read(&source, expectedSchema: expectedSchema)
    }

    /// Reads a model file; `expectedSchema`, when given, must equal the model's feature schema.
    /// The file is read once, sequentially, straight into the trees' arrays (no copy of the whole
    /// file is held), and its CRC is checked before any section is interpreted.
    public static func load(from path: String, expectedSchema: FeatureSchema? = nil) throws -> ForestModel {
        do {
            var source = try FileByteSource(path: path)
            defer { source.close() }
            return try ModelFileReader.read(&source, expectedSchema: expectedSchema)
        } catch let error as ModelFileError {
            throw ModelFileError.file(path: path, error)
        }
    }
}
