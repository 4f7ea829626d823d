import Tabular

/// A short, stable name for a model's content, recorded beside every prediction table and
/// recommendation: `rf-` and 12 lowercase hex digits, the top 48 bits of `hash`.
///
/// `hash` is the XXH64 (seed 0) of what decides the model's predictions, in this order (models/FORMAT.md,
/// "Model version"): the tag "SCHM", its payload length (UInt64) and payload; the same for "BINS";
/// "PARM", its length (UInt64: 72 plus 8 per optional word) and the nine hyperparameters as 8-byte
/// little-endian values (treeCount, maxFeatures, minSamplesLeaf, maxDepth, maxBins, sampleFraction,
/// minImpurityDecrease, seed, leafSmoothing; integers as Int64/UInt64, the others as Float64), then
/// only when set leafShrinkage (≠ 0), 0xB007 (bootstrap false) and 0xA070 (automatic min leaf), so
/// models without them keep their versions; the same for "TREE" with its
/// payload. The training date, the other metadata, the importances and the origin are left out, so
/// training the same data with the same parameters and seed gives the same version on any day, from
/// any command line, with any thread count; another schema, bin edge, parameter or tree gives
/// another (up to collisions of 48 bits: about 1 in 10¹⁴ for two models).
public struct ModelVersion: Sendable, Hashable, CustomStringConvertible {
    /// The full 64-bit content hash.
    public let hash: UInt64

    public init(hash: UInt64) {
        self.hash = hash
    }

    /// The version of the model file at `path`: reads and checks the whole file (`ForestModel.load`);
    /// throws its `ModelFileError`. When the model is loaded anyway, use its `version` instead.
    public init(modelFile path: String) throws {
        self = try ForestModel.load(from: path).version
    }

    /// `rf-` followed by the top 48 bits of `hash` as 12 lowercase hex digits.
    public var description: String {
        let hex = String(hash >> 16, radix: 16)
        return "rf-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}

extension ForestModel {
    /// The model's content version (`ModelVersion`). Cost: one pass over the trees' arrays, O(nodes)
    /// (about a millisecond for a 1 MB model); no copy of the trees.
    public var version: ModelVersion {
        var hasher = XXHash64()
        func section(_ tag: String, _ payload: [UInt8]) {
            hasher.update(contentsOf: Array(tag.utf8))
            hasher.update(UInt64(payload.count))
            hasher.update(contentsOf: payload)
        }
        section("SCHM", schemaPayload())
        section("BINS", binsPayload())
        var p = ByteWriter()
        let q = parameters
        p.append(Int64(q.treeCount))
        p.append(q.maxFeatures.bitPattern)
        p.append(Int64(q.minSamplesLeaf))
        p.append(Int64(q.maxDepth))
        p.append(Int64(q.maxBins))
        p.append(q.sampleFraction.bitPattern)
        p.append(q.minImpurityDecrease.bitPattern)
        p.append(q.seed)
        p.append(q.leafSmoothing.bitPattern)
        if q.leafShrinkage != 0 { p.append(q.leafShrinkage.bitPattern) }
        if !q.bootstrap { p.append(UInt64(0xB007)) }
        if q.minSamplesLeafIsAutomatic { p.append(UInt64(0xA070)) }
        section("PARM", p.bytes)
        hasher.update(contentsOf: Array("TREE".utf8))
        hasher.update(UInt64(treeLength))
        emitTreePayload { hasher.update($0) }
        return ModelVersion(hash: hasher.value)
    }
}
