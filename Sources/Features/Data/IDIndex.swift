/// A map from an id column's values to row numbers.
///
/// Dense (an `[Int32]` of size maxID + 1, -1 where absent; O(1) lookup, 4 bytes per possible id) when
/// the ids are non-negative and `maxID < max(2^20, 8 * count)`, as Instacart's 1-based ids are;
/// otherwise sorted ids with binary search (O(log n), 8 bytes per row). Where an id occurs twice, the
/// first row wins and `firstDuplicate` names the pair. Building costs O(n) (dense) or O(n log n).
public struct IDIndex: Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        case dense([Int32])
        case sorted(ids: [Int32], rows: [Int32])
    }

    let storage: Storage
    /// The first row whose id already occurred, and the row where it first occurred.
    public let firstDuplicate: (row: Int, firstRow: Int)?

    public static func == (a: IDIndex, b: IDIndex) -> Bool { a.storage == b.storage }

    public init(ids: [Int32]) {
        let maxID = ids.max() ?? 0
        let minID = ids.min() ?? 0
        var duplicate: (row: Int, firstRow: Int)?
        if minID >= 0 && Int(maxID) < max(1 << 20, 8 * ids.count) {
            var table = [Int32](repeating: -1, count: Int(maxID) + 1)
            table.withUnsafeMutableBufferPointer { t in
                ids.withUnsafeBufferPointer { ids in
                    for r in ids.indices {
                        let id = Int(ids[r])
                        if t[id] < 0 {
                            t[id] = Int32(r)
                        } else if duplicate == nil {
                            duplicate = (r, Int(t[id]))
                        }
                    }
                }
            }
            storage = .dense(table)
        } else {
            let order = ids.indices.sorted { (ids[$0], $0) < (ids[$1], $1) }
            var sortedIDs: [Int32] = []
            var rows: [Int32] = []
            sortedIDs.reserveCapacity(ids.count)
            rows.reserveCapacity(ids.count)
            for r in order {
                if let last = sortedIDs.last, last == ids[r] {
                    let here = (row: r, firstRow: Int(rows[rows.count - 1]))
                    if duplicate == nil || here.row < duplicate!.row { duplicate = here }
                    continue
                }
                sortedIDs.append(ids[r])
                rows.append(Int32(r))
            }
            storage = .sorted(ids: sortedIDs, rows: rows)
        }
        firstDuplicate = duplicate
    }

    /// The row of `id`, or nil.
    public func row(of id: Int32) -> Int? {
        withLookup { l in
            let r = l.row(of: id)
            return r < 0 ? nil : Int(r)
        }
    }

    /// Calls `body` with a pointer-based lookup for hot loops (valid only inside `body`).
    public func withLookup<R>(_ body: (IDLookup) throws -> R) rethrows -> R {
        switch storage {
        case .dense(let table):
            return try table.withUnsafeBufferPointer { t in
                try body(IDLookup(dense: t.baseAddress, count: t.count, sortedIDs: nil, sortedRows: nil))
            }
        case .sorted(let ids, let rows):
            return try ids.withUnsafeBufferPointer { i in
                try rows.withUnsafeBufferPointer { r in
                    try body(IDLookup(dense: nil, count: i.count, sortedIDs: i.baseAddress, sortedRows: r.baseAddress))
                }
            }
        }
    }
}

/// A borrowed view of an `IDIndex` for hot loops; see `IDIndex.withLookup`.
public struct IDLookup: @unchecked Sendable {
    let dense: UnsafePointer<Int32>?
    let count: Int
    let sortedIDs: UnsafePointer<Int32>?
    let sortedRows: UnsafePointer<Int32>?

    /// The row of `id`, or -1 when absent.
    @inline(__always)
    public func row(of id: Int32) -> Int32 {
        if let dense {
            return UInt(bitPattern: Int(id)) < UInt(count) ? dense[Int(id)] : -1
        }
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if sortedIDs![mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && sortedIDs![lo] == id ? sortedRows![lo] : -1
    }
}
