import ClickHouse

/// The tables every node of a cluster gets for reading the whole data set, named `<table>_all`
/// (the cluster contract): for the sharded tables (orders, order_products__prior,
/// order_products__train) a `Distributed(cluster, database, table)` over the shards' local tables;
/// for the catalog (aisles, departments, products), which every shard holds whole, a `VIEW` of the
/// node's own copy (a Distributed table would repeat each row once per shard). So `SELECT ... FROM
/// <table>_all` on any node gives what the single-node table gives. No sharding key: the
/// Distributed tables are for reading (an INSERT through them is refused by ClickHouse with more
/// than one shard; Restock writes each shard's local tables itself). Created with IF NOT EXISTS:
/// idempotent, and they follow the RENAME swaps of the local tables (a Distributed table names its
/// local table, resolved at each query). Cost: six DDL statements per node.
public enum ClusterTables {
    public static let suffix = "_all"
    public static let sharded = [InstacartSchema.orders, InstacartSchema.priorProducts, InstacartSchema.trainProducts]
    public static let catalog = [InstacartSchema.aisles, InstacartSchema.departments, InstacartSchema.products]

    public static func allName(_ table: String) -> String { table + suffix }

    /// The six CREATE statements for one node.
    public static func createStatements(cluster: String, database: String) -> [String] {
        let sharded = Self.sharded.map { table in
            let columns = table.columns.map { "\(SQLLiteral.identifier($0.name)) \($0.type)" }.joined(separator: ", ")
            return "CREATE TABLE IF NOT EXISTS \(SQLLiteral.qualifiedName(database, allName(table.name))) (\(columns)) ENGINE = "
                + "Distributed(\(SQLLiteral.string(cluster)), \(SQLLiteral.string(database)), \(SQLLiteral.string(table.name)))"
        }
        let catalog = Self.catalog.map { table in
            "CREATE VIEW IF NOT EXISTS \(SQLLiteral.qualifiedName(database, allName(table.name))) AS SELECT "
                + table.columns.map { SQLLiteral.identifier($0.name) }.joined(separator: ", ")
                + " FROM \(SQLLiteral.qualifiedName(database, table.name))"
        }
        return sharded + catalog
    }

    /// Creates the six tables on every node of `cluster`.
    public static func create(_ cluster: ClickHouseCluster, database: String) throws {
        for shard in cluster.shards {
            for statement in createStatements(cluster: cluster.name, database: database) { try shard.execute(statement) }
        }
    }
}
