@testable import Forest
import Foundation
import Tabular
import TestSupport
import Testing

private let origin = ModelOrigin(dataFingerprint: "xxh64:0123456789abcdef", commandLine: ["restock", "train", "--trees", "4"],
                                 toolVersion: "9.9.9")

private func train(_ matrix: FeatureMatrix, _ y: [Float], parameters: ForestParameters = ForestParameters(treeCount: 4, seed: 5),
                   trainedAt: String = "2024-06-01T12:00:00Z", origin: ModelOrigin? = origin, threads: Int = 2) throws -> ForestModel {
    try RandomForest.train(features: matrix, target: y, targetName: "reordered", parameters: parameters,
                           options: TrainingOptions(threads: threads, trainedAt: trainedAt, permutationRows: 50, origin: origin)).model
}

@Test func sameTrainingOnAnotherDayFromAnotherCommandGivesTheSameVersion() throws {
    let (matrix, y) = ToyData.discrete(rows: 500, features: 4, distinct: 60, missingRate: 0.05, seed: 8)
    let a = try train(matrix, y)
    let other = ModelOrigin(dataFingerprint: origin.dataFingerprint, commandLine: ["restock", "train", "--threads", "1"], toolVersion: "10.0")
    let b = try train(matrix, y, trainedAt: "2031-12-24T00:00:00Z", origin: other, threads: 1)
    #expect(a.version == b.version)
    #expect(a.version.description.hasPrefix("rf-") && a.version.description.count == 15)
    #expect(a.serialized() != b.serialized())
    // the files differ only by the date and the origin
    let bWithADateAndOrigin = ForestModel(schema: b.schema, binMapper: b.binMapper, parameters: b.parameters, metadata: a.metadata,
                                          trees: b.trees, importances: b.importances, origin: a.origin)
    #expect(bWithADateAndOrigin.serialized() == a.serialized())
    // equal date and origin: byte-identical files
    #expect(try train(matrix, y).serialized() == a.serialized())
}

@Test func otherDataOrParametersGiveAnotherVersion() throws {
    let (matrix, y) = ToyData.discrete(rows: 500, features: 4, distinct: 60, missingRate: 0.05, seed: 8)
    let base = try train(matrix, y).version
    var changed = y
    changed[7] += 1
    #expect(try train(matrix, changed).version != base)
    #expect(try train(matrix, y, parameters: ForestParameters(treeCount: 4, seed: 6)).version != base)
    #expect(try train(matrix, y, parameters: ForestParameters(treeCount: 4, seed: 5, leafSmoothing: 3)).version != base)
    #expect(try train(matrix, y, parameters: ForestParameters(treeCount: 5, seed: 5)).version != base)
}

@Test func versionFollowsTheDocumentedRule() throws {
    let (matrix, y) = ToyData.discrete(rows: 300, features: 3, distinct: 40, missingRate: 0.05, seed: 2)
    let model = try train(matrix, y)
    // the rule of models/FORMAT.md, from the file's own bytes
    let bytes = model.serialized()
    var payloads: [String: ArraySlice<UInt8>] = [:]
    var offset = 32
    func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    while offset < bytes.count - 8 {
        let tag = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), length = u64(offset + 8)
        payloads[tag] = bytes[(offset + 16)..<(offset + 16 + length)]
        offset += 16 + (length + 7) / 8 * 8
    }
    #expect(Set(payloads.keys) == ["SCHM", "BINS", "PARM", "META", "TREE", "IMPT", "ORIG"])
    var input: [UInt8] = []
    func add(_ tag: String, _ payload: [UInt8]) {
        input += Array(tag.utf8)
        input += withUnsafeBytes(of: UInt64(payload.count).littleEndian, Array.init)
        input += payload
    }
    let p = model.parameters
    var parm: [UInt8] = []
    for word in [UInt64(p.treeCount), p.maxFeatures.bitPattern, UInt64(p.minSamplesLeaf), UInt64(p.maxDepth), UInt64(p.maxBins),
                 p.sampleFraction.bitPattern, p.minImpurityDecrease.bitPattern, p.seed, p.leafSmoothing.bitPattern] {
        parm += withUnsafeBytes(of: word.littleEndian, Array.init)
    }
    for word in [p.leafShrinkage != 0 ? p.leafShrinkage.bitPattern : nil, p.bootstrap ? nil : 0xB007,
                 p.minSamplesLeafIsAutomatic ? 0xA070 : nil].compactMap({ $0 }) {
        parm += withUnsafeBytes(of: word.littleEndian, Array.init)
    }
    add("SCHM", Array(payloads["SCHM"]!))
    add("BINS", Array(payloads["BINS"]!))
    add("PARM", parm)
    add("TREE", Array(payloads["TREE"]!))
    #expect(model.version == ModelVersion(hash: XXHash64.hash(input)))
    #expect(ModelVersion(hash: 0x0123_4567_89AB_CDEF).description == "rf-0123456789ab")
    #expect(ModelVersion(hash: 0xAB_0000).description == "rf-0000000000ab")
}

@Test func originRoundTripsThroughTheFile() throws {
    let (matrix, y) = ToyData.discrete(rows: 300, features: 3, distinct: 40, missingRate: 0.05, seed: 2)
    let model = try train(matrix, y)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try model.save(to: dir.file("m.rf"))
    let loaded = try ForestModel.load(from: dir.file("m.rf"))
    #expect(loaded.origin == origin)
    #expect(loaded == model)
    #expect(try ModelVersion(modelFile: dir.file("m.rf")) == model.version)
    // without an origin the file has no ORIG section and keeps the layout of earlier builds
    let plain = try train(matrix, y, origin: nil)
    #expect(plain.version == model.version)
    #expect(try ForestModel(serialized: plain.serialized()).origin == nil)
    #expect(plain.serialized().count < model.serialized().count)
}

@Test func unknownOptionalSectionIsSkipped() throws {
    // what a reader of the first version does with ORIG: rename it to a tag nobody knows
    let (matrix, y) = ToyData.discrete(rows: 300, features: 3, distinct: 40, missingRate: 0.05, seed: 2)
    let model = try train(matrix, y)
    var bytes = model.serialized()
    let tag = Array("ORIG".utf8)
    let at = try #require((0..<(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == tag })
    bytes.replaceSubrange(at..<(at + 4), with: Array("ZZZZ".utf8))
    let crc = CRC32.checksum(Array(bytes[0..<(bytes.count - 8)]))
    bytes.replaceSubrange((bytes.count - 8)..<(bytes.count - 4), with: withUnsafeBytes(of: crc.littleEndian, Array.init))
    let loaded = try ForestModel(serialized: bytes)
    #expect(loaded.origin == nil)
    #expect(loaded.version == model.version)
    #expect(try loaded.predict(matrix) == (try model.predict(matrix)))
}

@Test func fileOfTheFirstLayoutLoadsWithUnknownOrigin() throws {
    let bytes = OldFormatFixture.bytes
    #expect(bytes.count == 1512)
    let model = try ForestModel(serialized: bytes)
    #expect(model.origin == nil)
    #expect(model.metadata.trainedAt == "2025-01-02T03:04:05Z")
    #expect(model.version.description == OldFormatFixture.version)
    #expect(model.serialized() == bytes)
    let columns = (0..<3).map { j in OldFormatFixture.rows.map { $0[j] ?? .nan } }
    let matrix = FeatureMatrix(schema: FeatureSchema(names: ["x0", "x1", "x2"]), columns: columns)
    #expect(try model.predict(matrix) == OldFormatFixture.predictions)
}

@Test func defaultModelOfTheRepositoryStillLoads() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/default.rf").path
    let model = try ForestModel.load(from: path)
    #expect(model.origin == nil)
    #expect(model.trees.count == 30)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(model.serialized() == bytes)
    #expect(try ModelVersion(modelFile: path) == model.version)
}
