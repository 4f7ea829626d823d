import Testing
import Tabular
import TestSupport
@testable import Forest

// Crafted model files (issue 12, finding 6): bytes of a real model, mutated. Every one must give a
// `ModelFileError`, never a runtime trap or a huge allocation.

private func modelBytes() throws -> [UInt8] {
    let (matrix, y) = ToyData.discrete(rows: 300, features: 3, distinct: 40, missingRate: 0.05, seed: 5)
    return try RandomForest.train(features: matrix, target: y, parameters: ForestParameters(treeCount: 3, minSamplesLeaf: 5),
                                  options: TrainingOptions(threads: 1, trainedAt: "2024-06-01T12:00:00Z")).model.serialized()
}

/// Offset of each section's 16-byte header, by tag, as the file lays them out.
private func sectionOffsets(_ bytes: [UInt8]) -> [String: Int] {
    func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    var offsets: [String: Int] = [:]
    var at = ForestModel.headerSize
    for _ in 0..<u32(12) {
        offsets[String(decoding: bytes[at..<(at + 4)], as: UTF8.self)] = at
        let length = u64(at + 8)
        at += 16 + (length + 7) / 8 * 8
    }
    return offsets
}

/// Rewrites the stored CRC so that the mutation passes the checksum and reaches the later checks.
private func withValidChecksum(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    let crc = CRC32.checksum(Array(bytes[0..<(bytes.count - ForestModel.trailerSize)]))
    for k in 0..<4 { out[bytes.count - 8 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
    return out
}

private func readError(_ bytes: [UInt8]) -> ModelFileError? {
    do {
        _ = try ForestModel(serialized: bytes)
        return nil
    } catch let error as ModelFileError {
        return error
    } catch {
        return .io("unexpected \(error)")
    }
}

private func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
    for k in 0..<MemoryLayout<T>.size { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
}

@Test func topByteOfTheDeclaredLengthIsAnErrorNotATrap() throws {
    var bytes = try modelBytes()
    bytes[23] ^= 0x80
    let error = try #require(readError(bytes))
    guard case .truncated(let expected, _) = error else {
        Issue.record("got \(error)")
        return
    }
    #expect(expected == Int.max)
}

@Test func topByteOfTheTreeNodeTotalIsAnErrorNotATrap() throws {
    let original = try modelBytes()
    let tree = try #require(sectionOffsets(original)["TREE"])
    // The payload starts with UInt32 trees, UInt32 reserved, UInt64 total nodes, UInt32 per tree.
    for offset in [tree + 16 + 15, tree + 16 + 3, tree + 16 + 16 + 3] {
        var bytes = original
        bytes[offset] ^= 0x80
        guard case .corrupted = readError(bytes) else {
            Issue.record("flipping byte \(offset): \(String(describing: readError(bytes)))")
            continue
        }
        guard case .corrupted = readError(withValidChecksum(bytes)) else {
            Issue.record("flipping byte \(offset) with a valid CRC: \(String(describing: readError(withValidChecksum(bytes))))")
            continue
        }
    }
}

@Test func hugeCountsWithAValidChecksumAreBoundedByTheBytesPresent() throws {
    let original = try modelBytes()
    let sections = sectionOffsets(original)
    let cases: [(String, Int)] = [
        ("section count", 12),
        ("SCHM feature count", try #require(sections["SCHM"]) + 16),
        ("BINS feature count", try #require(sections["BINS"]) + 16),
        ("TREE tree count", try #require(sections["TREE"]) + 16),
    ]
    for (what, offset) in cases {
        var bytes = original
        put(UInt32.max, at: offset, in: &bytes)
        guard case .corrupted = readError(withValidChecksum(bytes)) else {
            Issue.record("\(what) 0xFFFFFFFF: \(String(describing: readError(withValidChecksum(bytes))))")
            continue
        }
    }
    var bytes = original
    put(UInt64.max, at: try #require(sections["TREE"]) + 16 + 8, in: &bytes)
    guard case .corrupted = readError(withValidChecksum(bytes)) else {
        Issue.record("TREE node total 2^64-1: \(String(describing: readError(withValidChecksum(bytes))))")
        return
    }
}

/// Every byte outside the trees' node arrays (header, section headers, the small sections, the TREE
/// counts), flipped in each of its 8 bits, with and without a repaired CRC: an error or the same
/// model (a flip inside JSON whitespace-insensitive text may still decode), never a trap.
@Test func everyFlippedBitOfTheStructureGivesAnErrorNotATrap() throws {
    let original = try modelBytes()
    let model = try ForestModel(serialized: original)
    let tree = try #require(sectionOffsets(original)["TREE"])
    let structure = Array(0..<(tree + 16 + 16 + 4 * model.trees.count)) + Array((original.count - 8)..<original.count)
    for offset in structure {
        for bit in 0..<8 {
            var bytes = original
            bytes[offset] ^= UInt8(1 << bit)
            let plain = readError(bytes)
            if offset < original.count - 8 { #expect(plain != nil, "flip of byte \(offset) bit \(bit) was accepted") }
            if offset < original.count - 8, readError(withValidChecksum(bytes)) == nil {
                #expect(try ForestModel(serialized: withValidChecksum(bytes)).trees == model.trees)
            }
        }
    }
}

@Test func aChangedEndTrailerIsRefused() throws {
    for k in 1...4 {
        var bytes = try modelBytes()
        bytes[bytes.count - k] = UInt8(ascii: "X")
        let error = try #require(readError(bytes), "changed trailer byte \(k) from the end was accepted")
        #expect(error.description.contains("END."))
    }
}

@Test func aBinaryMatrixGivenAsAModelSaysWhatItIs() throws {
    var bytes = Array("RSTKMAT1".utf8) + [12, 0, 0, 0] + Array("{\"rows\":0}  ".utf8)
    bytes += [UInt8](repeating: 0, count: 40)
    let error = try #require(readError(bytes))
    #expect(error == .notAModelFile(looksLike: "a binary RSTKMAT1 matrix"))
    #expect(error.description.contains("binary RSTKMAT1 matrix"))
}
