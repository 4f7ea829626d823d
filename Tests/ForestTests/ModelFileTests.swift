import Foundation
import Testing
import Tabular
import TestSupport
@testable import Forest

private func smallModel(seed: UInt64 = 1) throws -> (ForestModel, FeatureMatrix) {
    let (matrix, y) = ToyData.discrete(rows: 600, features: 4, distinct: 80, missingRate: 0.05, seed: 21)
    let model = try RandomForest.train(features: matrix, target: y, targetName: "reordered",
                                       parameters: ForestParameters(treeCount: 5, minSamplesLeaf: 3, seed: seed),
                                       options: TrainingOptions(threads: 2, trainedAt: "2024-06-01T12:00:00Z",
                                                                permutationRows: 100)).model
    return (model, matrix)
}

private func loadError(_ bytes: [UInt8], expectedSchema: FeatureSchema? = nil) -> ModelFileError? {
    do {
        _ = try ForestModel(serialized: bytes, expectedSchema: expectedSchema)
        return nil
    } catch let error as ModelFileError {
        return error
    } catch {
        return .io("unexpected \(error)")
    }
}

@Test func modelRoundTripGivesIdenticalPredictions() throws {
    let (model, matrix) = try smallModel(seed: UInt64.max - 3)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("model.rf")
    try model.save(to: path)
    let loaded = try ForestModel.load(from: path, expectedSchema: matrix.schema)
    #expect(loaded == model)
    #expect(try loaded.predict(matrix) == (try model.predict(matrix)))
    #expect(loaded.serialized() == model.serialized())
    #expect(loaded.metadata.trainedAt == "2024-06-01T12:00:00Z")
    #expect(loaded.metadata.targetName == "reordered")
    #expect(loaded.parameters.seed == UInt64.max - 3)
}

@Test func truncatedFileFailsSayingTruncated() throws {
    let bytes = try smallModel().0.serialized()
    for keep in [bytes.count - 1, bytes.count / 2, 40, 20, 5] {
        let error = loadError(Array(bytes.prefix(keep)))
        guard case .truncated = error else {
            Issue.record("kept \(keep) bytes: \(String(describing: error))")
            continue
        }
        #expect(error!.description.contains("truncated"))
    }
}

@Test func corruptedFileFailsSayingCorrupted() throws {
    var bytes = try smallModel().0.serialized()
    bytes[bytes.count / 2] ^= 0x10
    let error = try #require(loadError(bytes))
    guard case .corrupted(let why) = error else {
        Issue.record("got \(error)")
        return
    }
    #expect(why.contains("checksum"))
    #expect(error.description.contains("corrupted"))
}

@Test func otherVersionFileFailsSayingWhichVersion() throws {
    var bytes = try smallModel().0.serialized()
    bytes[8] = 7
    let error = try #require(loadError(bytes))
    #expect(error == .unsupportedVersion(found: 7, supported: 1))
    #expect(error.description.contains("version 7"))
}

@Test func otherSchemaFileFailsNamingTheDifference() throws {
    let (model, _) = try smallModel()
    let expected = FeatureSchema(names: ["f0", "f1", "f3", "f2"])
    let error = try #require(loadError(model.serialized(), expectedSchema: expected))
    guard case .schemaMismatch(let why) = error else {
        Issue.record("got \(error)")
        return
    }
    #expect(why.contains("another order"))
    let other = try #require(loadError(model.serialized(), expectedSchema: FeatureSchema(names: ["f0", "f1", "f2", "g"])))
    #expect(other.description.contains("g"))
}

@Test func notAModelFileIsRecognised() throws {
    #expect(loadError(Array("user_id,product_id,y\n1,2,0\n".utf8)) == .notAModelFile(looksLike: nil))
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    #expect {
        _ = try ForestModel.load(from: dir.file("absent.rf"))
    } throws: { "\($0)".contains("absent.rf") }
}

@Test func checksumIsZlibCRC32() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
    let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in long {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    #expect(CRC32.checksum(long) == crc ^ 0xFFFF_FFFF)
}

extension ForestModel {
    /// Writes the model's bytes to `path` (Forest writes no files; Serve's `write(to:)` is the atomic one).
    func save(to path: String) throws {
        try Data(serialized()).write(to: URL(fileURLWithPath: path))
    }
}
