/// The job a run belongs to (spec `Job`): a namespace (Restock uses `restock` unless told otherwise)
/// and a name unique within it (`restock.<command>`), both chosen by the caller.
public struct LineageJob: Sendable, Equatable, Hashable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
}
