/// Integer keys that identify each row of a matrix (for example an entity id and an item id),
/// kept beside the matrix so that predictions can be joined back. One `Int32` array per key name.
public struct RowKeys: Sendable, Equatable {
    public let names: [String]
    public let columns: [[Int32]]

    public init(names: [String], columns: [[Int32]]) {
        precondition(names.count == columns.count, "RowKeys: \(columns.count) columns for \(names.count) names")
        precondition(Set(columns.map(\.count)).count <= 1, "RowKeys: columns of unequal length")
        self.names = names
        self.columns = columns
    }

    public var rowCount: Int { columns.first?.count ?? 0 }

    public func column(named name: String) -> [Int32]? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    public func selectingRows(_ rows: [Int]) -> RowKeys {
        RowKeys(names: names, columns: columns.map { column in rows.map { column[$0] } })
    }
}
