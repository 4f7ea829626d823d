import Foundation
import Tabular

/// Where model bytes come from: memory (tests, `init(serialized:)`) or a file.
protocol ModelByteSource {
    /// Total bytes available.
    var size: Int { get }
    /// Fills `buffer` from the current position; returns the bytes read (fewer only at the end).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

struct MemoryByteSource: ModelByteSource {
    let bytes: [UInt8]
    var offset = 0
    var size: Int { bytes.count }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        if n > 0 {
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        }
        offset += n
        return n
    }
}

/// Reads model files in one sequential pass, in the order of checks of models/FORMAT.md: magic,
/// version, length (truncated), CRC-32 (corrupted), then the sections' contents and the trees'
/// invariants, then the expected schema. The TREE arrays are read straight into each tree's arrays;
/// the CRC is updated as bytes arrive and checked before anything read is interpreted.
enum ModelFileReader {
    static func read<S: ModelByteSource>(_ source: inout S, expectedSchema: FeatureSchema?) throws -> ForestModel {
        var stream = Stream(source: source)
        defer { source = stream.source }
        let size = stream.source.size
        let magic = ForestModel.fileMagic
        var head = [UInt8](repeating: 0, count: min(size, ForestModel.headerSize))
        try head.withUnsafeMutableBytes { try stream.fill($0) }
        let prefix = min(head.count, magic.count)
        if Array(head[0..<prefix]) != Array(magic[0..<prefix]) {
            throw ModelFileError.notAModelFile(looksLike: EchoedValue.binaryFormat(of: head))
        }
        if size < ForestModel.headerSize + ForestModel.trailerSize {
            throw ModelFileError.truncated(expectedBytes: declaredLength(head) ?? ForestModel.headerSize + ForestModel.trailerSize,
                                           actualBytes: size)
        }
        // A ByteReader points into the array: it is used only inside withUnsafeBytes.
        let (version, declaredSections, length) = try head.withUnsafeBytes { raw in
            var header = ByteReader(raw, from: magic.count, to: ForestModel.headerSize, section: "header")
            return (try header.read(UInt32.self), try header.read(UInt32.self), try header.read(UInt64.self))
        }
        if version != ForestModel.formatVersion {
            throw ModelFileError.unsupportedVersion(found: version, supported: ForestModel.formatVersion)
        }
        let sectionCount = Int(declaredSections)
        if length > UInt64(size) { throw ModelFileError.truncated(expectedBytes: Int(clamping: length), actualBytes: size) }
        if length < UInt64(size) {
            throw ModelFileError.corrupted("\(size - Int(length)) bytes after the end announced by the header (\(length) bytes)")
        }
        let bodyEnd = size - ForestModel.trailerSize

        var payloads: [String: [UInt8]] = [:]
        var treeArrays: TreeArrays?
        for _ in 0..<sectionCount {
            guard stream.offset + 16 <= bodyEnd else { throw ModelFileError.corrupted("the section table overruns the file") }
            let sectionHeader = try stream.bytes(16)
            let tag = String(decoding: sectionHeader[0..<4], as: UTF8.self)
            let (flags, payloadLength) = try sectionHeader.withUnsafeBytes { raw in
                var r = ByteReader(raw, from: 4, to: 16, section: "section table")
                return (try r.read(UInt32.self), try r.read(UInt64.self))
            }
            guard payloadLength <= UInt64(bodyEnd - stream.offset) else { throw ModelFileError.corrupted("section \(tag) overruns the file") }
            let count = Int(payloadLength)
            if tag == "TREE" {
                treeArrays = try TreeArrays.read(&stream, length: count)
            } else if ForestModel.knownSections.contains(tag) {
                payloads[tag] = try stream.bytes(count)
            } else if flags & 1 != 0 {
                throw ModelFileError.unknownRequiredSection(tag)
            } else {
                _ = try stream.bytes(count)
            }
            _ = try stream.bytes((8 - count % 8) % 8)
        }
        guard stream.offset == bodyEnd else { throw ModelFileError.corrupted("\(bodyEnd - stream.offset) bytes after the last section") }
        let computed = stream.crc
        let trailer = try stream.bytes(ForestModel.trailerSize)
        let stored = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24
        if stored != computed {
            throw ModelFileError.corrupted("checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
        if Array(trailer[4...]) != ForestModel.fileEnd {
            throw ModelFileError.corrupted("the file does not end with \"END.\" (it ends with \"\(EchoedValue.text(Array(trailer[4...])))\")")
        }
        return try assemble(payloads: payloads, treeArrays: treeArrays, expectedSchema: expectedSchema)
    }

    /// Interprets the sections once the checksum has matched.
    private static func assemble(payloads: [String: [UInt8]], treeArrays: TreeArrays?,
                                 expectedSchema: FeatureSchema?) throws -> ForestModel {
        func section<T>(_ tag: String, _ body: (inout ByteReader) throws -> T) throws -> T {
            guard let bytes = payloads[tag] else { throw ModelFileError.corrupted("section \(tag) is missing") }
            return try bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw, from: 0, to: raw.count, section: tag)
                return try body(&reader)
            }
        }
        let names = try section("SCHM") { r -> [String] in
            let count = Int(try r.read(UInt32.self))
            // Each name takes at least its 4-byte length: bound the count before reserving for it.
            guard count <= r.remaining / 4 else {
                throw ModelFileError.corrupted("section SCHM declares \(count) features in \(r.remaining) bytes")
            }
            return try (0..<count).map { _ in try r.readText() }
        }
        let schema = FeatureSchema(names: names)
        let featureCount = names.count
        if let expectedSchema, let difference = expectedSchema.difference(from: schema) {
            throw ModelFileError.schemaMismatch(difference)
        }
        let edges = try section("BINS") { r -> [[Float]] in
            let features = Int(try r.read(UInt32.self))
            guard features == featureCount, features <= r.remaining / 4 else { throw ModelFileError.corrupted("BINS has \(features) features, SCHM has \(featureCount)") }
            return try (0..<features).map { j in
                let count = Int(try r.read(UInt32.self))
                guard count <= 254 else { throw ModelFileError.corrupted("feature \(j) has \(count) bin edges (at most 254)") }
                let e = try r.readArray(of: Float.self, count: count)
                guard zip(e, e.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw ModelFileError.corrupted("bin edges of feature \(j) are not increasing")
                }
                return e
            }
        }
        let parameters: ForestParameters = try decodeJSON("PARM", payloads)
        let metadata: TrainingMetadata = try decodeJSON("META", payloads)
        let importances: FeatureImportances = payloads["IMPT"] == nil
            ? FeatureImportances(impurity: [Double](repeating: 0, count: featureCount))
            : try decodeJSON("IMPT", payloads)
        let origin: ModelOrigin? = payloads["ORIG"] == nil ? nil : try decodeJSON("ORIG", payloads)
        guard let treeArrays else { throw ModelFileError.corrupted("section TREE is missing") }
        for (t, tree) in treeArrays.trees.enumerated() {
            if let violation = tree.invariantViolation(featureCount: featureCount) {
                throw ModelFileError.corrupted("tree \(t): \(violation)")
            }
        }
        return ForestModel(schema: schema, binMapper: BinMapper(edges: edges), parameters: parameters, metadata: metadata,
                           trees: treeArrays.trees, importances: importances, origin: origin)
    }

    private static func decodeJSON<T: Decodable>(_ tag: String, _ payloads: [String: [UInt8]]) throws -> T {
        guard let bytes = payloads[tag] else { throw ModelFileError.corrupted("section \(tag) is missing") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw ModelFileError.corrupted("section \(tag) is not valid: \(error)")
        }
    }

    private static func declaredLength(_ head: [UInt8]) -> Int? {
        guard head.count >= 24 else { return nil }
        return head.withUnsafeBytes { raw in
            var r = ByteReader(raw, from: 16, to: 24, section: "header")
            return (try? r.read(UInt64.self)).map { Int(clamping: $0) }
        }
    }

    private static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: true) }

    /// The source with a position and a running CRC.
    struct Stream<S: ModelByteSource> {
        var source: S
        var offset = 0
        var crc: UInt32 = 0

        mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
            var done = 0
            while done < buffer.count {
                let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                if got == 0 { throw ModelFileError.truncated(expectedBytes: offset + buffer.count, actualBytes: offset + done) }
                done += got
            }
            crc = CRC32.update(crc, UnsafeRawBufferPointer(buffer))
            offset += buffer.count
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            try out.withUnsafeMutableBytes { try fill($0) }
            return out
        }

        mutating func array<T>(of _: T.Type, count: Int) throws -> [T] {
            try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
    }

    /// The TREE section read into per-tree arrays (not yet validated).
    struct TreeArrays {
        var trees: [DecisionTree]

        static func read<S>(_ stream: inout Stream<S>, length: Int) throws -> TreeArrays {
            guard length >= 16 else { throw ModelFileError.corrupted("section TREE has \(length) bytes, less than its 16-byte header") }
            let start = stream.offset
            let head = try stream.bytes(16)
            let (declaredTrees, declaredTotal) = try head.withUnsafeBytes { raw in
                var r = ByteReader(raw, from: 0, to: 16, section: "TREE")
                let trees = try r.read(UInt32.self)
                _ = try r.read(UInt32.self)
                return (trees, try r.read(UInt64.self))
            }
            let treeCount = Int(declaredTrees)
            // Bounded by the section's bytes before anything is reserved for them (22 bytes per node).
            guard treeCount <= length / 4, declaredTotal <= UInt64(length / 22) else {
                throw ModelFileError.corrupted("section TREE declares \(treeCount) trees and \(declaredTotal) nodes in \(length) bytes")
            }
            let total = Int(declaredTotal)
            let counts = try stream.array(of: UInt32.self, count: treeCount).map(Int.init)
            guard counts.reduce(0, +) == total else { throw ModelFileError.corrupted("tree node counts do not add up to \(total)") }
            _ = try stream.bytes((8 - (stream.offset - start) % 8) % 8)
            guard (stream.offset - start) + 22 * total == length else {
                throw ModelFileError.corrupted("section TREE has \(length) bytes where its counts need \((stream.offset - start) + 22 * total)")
            }
            var trees = [DecisionTree](repeating: DecisionTree(), count: treeCount)
            for t in 0..<treeCount { trees[t].feature = try stream.array(of: Int32.self, count: counts[t]) }
            for t in 0..<treeCount { trees[t].threshold = try stream.array(of: Float.self, count: counts[t]) }
            for t in 0..<treeCount { trees[t].left = try stream.array(of: Int32.self, count: counts[t]) }
            for t in 0..<treeCount { trees[t].right = try stream.array(of: Int32.self, count: counts[t]) }
            for t in 0..<treeCount { trees[t].value = try stream.array(of: Float.self, count: counts[t]) }
            for t in 0..<treeCount { trees[t].thresholdBin = try stream.array(of: UInt8.self, count: counts[t]) }
            for t in 0..<treeCount { trees[t].missingGoesLeft = try stream.array(of: UInt8.self, count: counts[t]) }
            return TreeArrays(trees: trees)
        }
    }
}
