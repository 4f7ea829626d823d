import Foundation

/// A fresh folder under the system temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "restock-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` (UTF-8, as is) to `name` in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let path = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The names of the temporary files writers left in the folder (`AtomicFileWriter`'s
    /// `.<name>.<pid>.<random>.partial`, or the older `<name>.partial`), sorted.
    public func leftovers() -> [String] { Self.leftovers(in: path) }

    /// The `.partial` files in the folder at `path`, sorted.
    public static func leftovers(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".partial") }.sorted()
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
