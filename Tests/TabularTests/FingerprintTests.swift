import Tabular
import Testing

/// Values of the C library (libxxhash 0.8.1, `XXH64(bytes, length, seed)`).
@Test func xxHash64MatchesTheReferenceImplementation() {
    #expect(XXHash64.hash([]) == 0xEF46_DB37_51D8_E999)
    #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
    #expect(XXHash64.hash(Array("Nobody inspects the spammish repetition".utf8)) == 0xFBCE_A83C_8A37_8BF1)
    #expect(XXHash64.hash((0..<4).flatMap { _ in (0...255).map(UInt8.init) } + Array("xyz".utf8)) == 0xE146_CB31_B65B_C21A)
    #expect(XXHash64.hash(Array("abc".utf8), seed: 12345) == 0x0170_0E64_F6F2_3509)
}

@Test func xxHash64InPiecesEqualsAtOnce() {
    let bytes = (0..<301).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let whole = XXHash64.hash(bytes)
    for cuts in [[1], [31], [32], [33], [5, 40, 41, 200], Array(stride(from: 3, to: 301, by: 7))] {
        var hasher = XXHash64()
        var start = 0
        for end in cuts + [bytes.count] {
            bytes[start..<end].withUnsafeBytes { hasher.update($0) }
            start = end
        }
        #expect(hasher.value == whole, "cut at \(cuts)")
    }
}

private func matrix(values: [Float] = [1, 2, .nan, 4, 5, 6], names: [String] = ["a", "b"], keys: [Int32] = [7, 8, 9],
                    target: [Float] = [0, 1, .nan], targetName: String = "y") -> LabelledMatrix {
    LabelledMatrix(features: FeatureMatrix(rowCount: 3, schema: FeatureSchema(names: names), values: values),
                   keys: RowKeys(names: ["user_id"], columns: [keys]), target: target, targetName: targetName)
}

@Test func fingerprintNamesTheDataAndChangesWithAnyPartOfIt() {
    let base = matrix().fingerprint()
    #expect(base.hasPrefix("xxh64:") && base.count == 22)
    #expect(matrix().fingerprint() == base)
    let others = [matrix(values: [1, 2, .nan, 4, 5, 6.5]), matrix(values: [4, 5, 6, 1, 2, .nan]), matrix(names: ["a", "c"]),
                  matrix(keys: [7, 8, 10]), matrix(target: [0, 1, 1]), matrix(targetName: "z")]
    let prints = others.map { $0.fingerprint() }
    #expect(Set(prints + [base]).count == others.count + 1)
}
