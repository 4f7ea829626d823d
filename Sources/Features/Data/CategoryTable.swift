/// aisles.csv or departments.csv as columns: an id and a name per row.
///
/// Memory per row: 4 bytes (id) + 4 bytes (name offset) + the name's UTF-8 bytes.
public struct CategoryTable: Equatable, Sendable {
    public private(set) var id: [Int32]
    public private(set) var name: TextColumn

    public init() {
        id = []
        name = TextColumn()
    }

    public init(id: [Int32], name: TextColumn) {
        precondition(id.count == name.count, "column lengths differ")
        self.id = id
        self.name = name
    }

    public var count: Int { id.count }

    public mutating func append(id: Int32, name: String) {
        self.id.append(id)
        self.name.append(name)
    }

    /// Dense index from id to row.
    public func rowIndex() -> IDIndex { IDIndex(ids: id) }
}
