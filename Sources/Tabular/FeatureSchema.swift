/// The ordered feature names of a matrix or a model. Two schemas match when their names are equal
/// in the same order; `difference(from:)` explains a mismatch in words a user can act on.
public struct FeatureSchema: Equatable, Hashable, Sendable, Codable {
    public let names: [String]

    public init(names: [String]) {
        self.names = names
    }

    public var count: Int { names.count }

    /// The index of a feature by name, or nil. O(n).
    public func index(of name: String) -> Int? {
        names.firstIndex(of: name)
    }

    /// Nil when the schemas match; otherwise a one-line description of the first differences:
    /// names missing, names unexpected, or the same names in another order.
    public func difference(from expected: FeatureSchema) -> String? {
        if self == expected { return nil }
        let mine = Set(names)
        let theirs = Set(expected.names)
        let missing = expected.names.filter { !mine.contains($0) }
        let extra = names.filter { !theirs.contains($0) }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { parts.append("unexpected \(extra.joined(separator: ", "))") }
        if parts.isEmpty {
            let position = zip(names, expected.names).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(names.count, expected.names.count)
            if names.count != expected.names.count {
                parts.append("\(names.count) features where \(expected.names.count) are expected")
            } else {
                parts.append("same names in another order: position \(position + 1) is "
                    + "'\(names[position])' where '\(expected.names[position])' is expected")
            }
        }
        return parts.joined(separator: "; ")
    }
}
