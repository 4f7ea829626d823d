extension LabelledMatrix {
    /// A name for the data itself: `xxh64:` and 16 lowercase hex digits of the XXH64 (seed 0) of
    /// these bytes, in this order (integers little-endian, text as a UInt64 byte count + UTF-8):
    /// row count (UInt64); feature count (UInt64) and each feature name; every feature value as
    /// stored (Float32 bit patterns, column-major, NaN as stored); key count (UInt64), each key name,
    /// each key column (Int32 values); the target name; the target values (Float32, NaN = unknown).
    /// Equal matrices give equal fingerprints; a changed value, row, name, key or order gives
    /// another one (up to 64-bit collisions). Keys are included because folds and groups follow them.
    /// Cost: one pass over the matrix, O(bytes), no copy (XXH64 runs at several GB/s in a release build).
    public func fingerprint() -> String {
        var hasher = XXHash64()
        hasher.update(UInt64(rowCount))
        hasher.update(UInt64(features.featureCount))
        for name in features.schema.names { hasher.update(text: name) }
        features.withUnsafeValues { hasher.update(UnsafeRawBufferPointer($0)) }
        hasher.update(UInt64(keys.names.count))
        for name in keys.names { hasher.update(text: name) }
        for column in keys.columns { hasher.update(contentsOf: column) }
        hasher.update(text: targetName)
        hasher.update(contentsOf: target)
        let hex = String(hasher.value, radix: 16)
        return "xxh64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
