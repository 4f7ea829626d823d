import Foundation
import Tabular
import Warehouse

/// A dataset a job reads or writes: a file (or standard input/output) or a ClickHouse table, with
/// what is known of it: its columns (name and type), rows, bytes, and the model version it holds.
/// The summary's `inputs`/`outputs` and the lineage events' datasets are both made from it.
struct JobDataset {
    enum Location: Equatable {
        /// A file by absolute path; "-" is standard input or output.
        case file(String)
        /// A table: `server` is "host:port", `name` is "database.table".
        case clickHouse(server: String, name: String)
        /// A MySQL table: `server` is "host:port", `name` is "database.table".
        case mysql(server: String, name: String)
    }

    var location: Location
    var columns: [(name: String, type: String)] = []
    var rows: Int?
    var bytes: Int?
    var modelVersion: String?
    /// The command-line option that named it ("--out"), for messages; not part of the summaries.
    var option: String?

    /// A file, its path made absolute; "-" stays "-". `option` is the option that named it.
    static func file(_ path: String, option: String? = nil, columns: [(name: String, type: String)] = [], rows: Int? = nil) -> JobDataset {
        JobDataset(location: .file(path == "-" ? "-" : absolute(path)), columns: columns, rows: rows, option: option)
    }

    /// The six files of an Instacart-layout data folder, with their columns and the types their
    /// values must have (those of the ClickHouse tables they load into).
    static func dataFolder(_ directory: String, option: String? = "--data") -> [JobDataset] {
        InstacartSchema.tables.map { table in
            .file(directory + "/" + table.file, option: option, columns: table.columns.map { ($0.name, $0.type) })
        }
    }

    /// The three catalog tables (aisles, departments, products) of a MySQL catalog, with the
    /// columns restock reads from them.
    static func mysqlCatalog(_ catalog: MySQLCatalogURL) -> [JobDataset] {
        [InstacartSchema.aisles, InstacartSchema.departments, InstacartSchema.products].map { table in
            JobDataset(location: .mysql(server: catalog.address, name: "\(catalog.database).\(table.name)"),
                       columns: table.columns.map { ($0.name, $0.type) })
        }
    }

    /// The six Instacart tables of `database` on the server of `url`, with their ClickHouse columns.
    static func clickHouseTables(url: String, database: String) -> [JobDataset] {
        let server = serverAddress(url)
        return InstacartSchema.tables.map { table in
            JobDataset(location: .clickHouse(server: server, name: "\(database).\(table.name)"),
                       columns: table.columns.map { ($0.name, $0.type) })
        }
    }

    static func clickHouseTable(url: String, database: String, table: String, columns: [(name: String, type: String)] = [],
                                rows: Int? = nil) -> JobDataset {
        JobDataset(location: .clickHouse(server: serverAddress(url), name: "\(database).\(table)"), columns: columns, rows: rows)
    }

    /// The columns of a matrix file: the keys (Int32), the features (Float32) and the target.
    static func matrixColumns(_ matrix: LabelledMatrix) -> [(name: String, type: String)] {
        matrix.keys.names.map { ($0, "Int32") } + matrix.features.schema.names.map { ($0, "Float32") }
            + [(matrix.targetName, "Float32")]
    }

    /// This dataset with its size on disk filled in (regular files only; streams have none).
    func measured() -> JobDataset {
        guard case .file(let path) = location, path != "-" else { return self }
        var copy = self
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular else { return self }
        if let size = attributes[.size] as? NSNumber { copy.bytes = size.intValue }
        return copy
    }

    /// "host:port" of an http(s) URL, without user or password; port 8123 (http) or 8443 (https) when none is given.
    static func serverAddress(_ url: String) -> String {
        guard let parts = URLComponents(string: url) else { return url }
        let port = parts.port ?? (parts.scheme == "https" ? 8443 : 8123)
        return "\(parts.host ?? "localhost"):\(port)"
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Records `rows` on the dataset of `datasets` at `location`, if there is one.
    static func setRows(_ rows: Int, at location: Location, in datasets: inout [JobDataset]) {
        if let i = datasets.firstIndex(where: { $0.location == location }) { datasets[i].rows = rows }
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [:]
        switch location {
        case .file(let path):
            object["kind"] = path == "-" ? "stream" : "file"
            object["path"] = .string(path)
        case .clickHouse(let server, let name):
            object["kind"] = "clickhouse_table"
            object["server"] = .string(server)
            object["table"] = .string(name)
        case .mysql(let server, let name):
            object["kind"] = "mysql_table"
            object["server"] = .string(server)
            object["table"] = .string(name)
        }
        if let rows { object["rows"] = .int(rows) }
        if let bytes { object["bytes"] = .int(bytes) }
        if let modelVersion { object["model_version"] = .string(modelVersion) }
        return .object(object)
    }
}
