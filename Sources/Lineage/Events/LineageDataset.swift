import Foundation

/// A dataset read or written by a run (spec `InputDataset` / `OutputDataset`), named as the
/// OpenLineage naming spec says (https://openlineage.io/docs/spec/naming), optionally with its
/// columns (the `schema` facet), its version (the `version` facet) and, for what a run wrote or read,
/// its size (the `outputStatistics` facet of an output, `inputStatistics` of an input).
public struct LineageDataset: Sendable, Equatable, Hashable {
    /// One column of the `schema` facet.
    public struct Field: Sendable, Equatable, Hashable {
        public var name: String
        /// The storage's own type name (`Float32`, `UInt32`, `string`, ...).
        public var type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    /// What a run wrote to (or read from) the dataset; absent values are left out of the facet.
    public struct Statistics: Sendable, Equatable, Hashable {
        public var rowCount: Int?
        /// Bytes.
        public var size: Int?
        public var fileCount: Int?

        public init(rowCount: Int? = nil, size: Int? = nil, fileCount: Int? = nil) {
            self.rowCount = rowCount
            self.size = size
            self.fileCount = fileCount
        }
    }

    public var namespace: String
    public var name: String
    /// Columns, encoded as the `schema` dataset facet; nil leaves the facet out.
    public var schema: [Field]?
    /// Encoded as `outputFacets.outputStatistics` on an output, `inputFacets.inputStatistics` on an input.
    public var statistics: Statistics?
    /// The version of the data the run read or wrote (a model file's content-derived version),
    /// encoded as the standard `version` dataset facet (`datasetVersion`); nil leaves it out.
    public var version: String?

    public init(namespace: String, name: String, schema: [Field]? = nil, statistics: Statistics? = nil, version: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.schema = schema
        self.statistics = statistics
        self.version = version
    }

    /// A file or folder. With no host this is the naming spec's local file system (namespace `file`);
    /// with a host, its remote file system (namespace `file://{host}`). The name is the absolute,
    /// standardised path: a relative path is resolved against the current directory (no file is
    /// touched).
    public static func file(path: String, host: String? = nil) -> LineageDataset {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let namespace = host.map { $0.isEmpty ? "file" : "file://\($0)" } ?? "file"
        return LineageDataset(namespace: namespace, name: absolute)
    }

    /// A ClickHouse table: namespace `clickhouse://{host}:{port}`, name `{database}.{table}` (the
    /// naming spec's pattern for warehouses without schemas, and what OpenLineage's ClickHouse JDBC
    /// extractor produces).
    public static func clickHouse(host: String, port: Int, database: String, table: String) -> LineageDataset {
        LineageDataset(namespace: "clickhouse://\(host):\(port)", name: "\(database).\(table)")
    }

    /// This dataset with its columns set.
    public func with(schema: [Field]) -> LineageDataset {
        var copy = self
        copy.schema = schema
        return copy
    }

    /// This dataset with its version set.
    public func with(version: String) -> LineageDataset {
        var copy = self
        copy.version = version
        return copy
    }

    /// This dataset with its statistics set.
    public func with(statistics: Statistics) -> LineageDataset {
        var copy = self
        copy.statistics = statistics
        return copy
    }
}
