import Foundation

/// A ClickHouse cluster as Restock uses it: N servers, one replica per shard, each reached over
/// HTTP directly by the client (no ZooKeeper, no `ON CLUSTER`: Restock runs its DDL on every shard
/// itself). `shards[k]` is the client of the shard with `shard_num` k + 1 in `system.clusters`.
///
/// Discovery (`discover`), from any node's URL and the cluster's name:
/// 1. `system.clusters` on that node lists the shards (shard_num 1...N, host, native TCP port). More
///    than one replica per shard, or numbers with gaps, are refused (Restock writes every shard itself,
///    so a replica would diverge).
/// 2. `system.clusters` gives the native port, not the HTTP port. Each shard's HTTP port is its macro
///    `http_port`, read from the discovering node with `remote('host:tcp_port', system.macros)` (one
///    small query per shard over the native protocol). A shard without that macro is taken to use
///    the discovering node's own HTTP port: the rule for a real deployment where every node listens on
///    8123 on its own host needs no macro at all, and one where ports differ sets
///    `<macros><http_port>P</http_port></macros>` on each node (scripts/clickhouse --shards does).
///    A shard that cannot be reached fails discovery (it never falls back silently to another port).
/// 3. The HTTP URL is the given URL's scheme, the shard's host name as configured (IPv6 in brackets)
///    and that port; credentials, settings and URL parameters are those of the discovering client.
/// 4. Where a shard has the macro `shard`, its HTTP endpoint must answer with shard_num: a wrong port
///    rule is caught before anything is written.
///
/// Routing (the cluster contract): user `u` lives on shard `u % N` (0-based index into `shards`).
/// Cost: 1 + 2N small queries.
public struct ClickHouseCluster: Sendable {
    /// The cluster's name in `remote_servers` (e.g. `restock`).
    public let name: String
    /// One client per shard, index k = shard_num − 1.
    public let shards: [ClickHouseClient]

    public init(name: String, shards: [ClickHouseClient]) {
        precondition(!shards.isEmpty, "a cluster has at least one shard")
        self.name = name
        self.shards = shards
    }

    /// The shards' HTTP URLs (without credentials), index k = shard_num − 1.
    public var shardURLs: [String] { shards.map(\.configuration.url) }

    /// The 0-based shard index of user `userID`: `userID % N` (the contract's routing rule).
    @inlinable
    public static func shard(ofUser userID: Int, shardCount: Int) -> Int {
        let r = userID % shardCount
        return r < 0 ? r + shardCount : r
    }

    public func shard(ofUser userID: Int) -> Int { Self.shard(ofUser: userID, shardCount: shards.count) }

    /// "cluster restock (2 shards: http://127.0.0.1:18123, http://127.0.0.1:18125)".
    public var description: String {
        "cluster \(name) (\(shards.count) shard\(shards.count == 1 ? "" : "s"): \(shardURLs.joined(separator: ", ")))"
    }

    /// One row of `system.clusters`.
    struct Entry: Equatable {
        var shard: Int, replica: Int, host: String, tcpPort: Int
    }

    /// Learns the shards of cluster `name` from the node `client` talks to (see the type).
    public static func discover(_ client: ClickHouseClient, name: String) throws -> ClickHouseCluster {
        var entries: [Entry] = []
        var others: Set<String> = []
        try client.selectTabSeparated("SELECT cluster, shard_num, replica_num, host_name, port FROM system.clusters "
                                      + "ORDER BY cluster, shard_num, replica_num") { f in
            guard f.count == 5, let cluster = f[0] else { return }
            guard cluster == name else { others.insert(cluster); return }
            entries.append(Entry(shard: Int(f[1] ?? "") ?? 0, replica: Int(f[2] ?? "") ?? 0, host: f[3] ?? "", tcpPort: Int(f[4] ?? "") ?? 0))
        }
        let node = client.configuration.url
        guard !entries.isEmpty else {
            let known = others.sorted().joined(separator: ", ")
            throw ClusterError(cluster: name, problem: "the node \(node) has no cluster '\(name)' in system.clusters "
                               + "(its remote_servers has \(known.isEmpty ? "none" : known))")
        }
        try check(entries, cluster: name)
        let (scheme, ownPort) = schemeAndPort(node)
        var shards: [ClickHouseClient] = []
        for entry in entries {
            let port = try httpPort(of: entry, via: client, cluster: name) ?? ownPort
            var configuration = client.configuration
            let host = entry.host.contains(":") ? "[\(entry.host)]" : entry.host
            configuration.url = "\(scheme)://\(host):\(port)"
            shards.append(ClickHouseClient(configuration: configuration, transport: client.transport))
        }
        let cluster = ClickHouseCluster(name: name, shards: shards)
        try cluster.checkShardMacros()
        return cluster
    }

    /// Refuses replicas and gaps in the shard numbers.
    static func check(_ entries: [Entry], cluster: String) throws {
        for (index, entry) in entries.enumerated() {
            if entry.replica != 1 || entries.filter({ $0.shard == entry.shard }).count > 1 {
                throw ClusterError(cluster: cluster, problem: "shard \(entry.shard) has more than one replica; Restock writes each "
                                   + "shard itself and supports one replica per shard")
            }
            if entry.shard != index + 1 {
                throw ClusterError(cluster: cluster, problem: "the shard numbers are not 1...\(entries.count) (found \(entry.shard) at place \(index + 1))")
            }
        }
    }

    /// The macro `http_port` of the shard, read through the discovering node; nil when the shard
    /// has no such macro. Throws when the shard cannot be reached.
    static func httpPort(of entry: Entry, via client: ClickHouseClient, cluster: String) throws -> Int? {
        let address = entry.host.contains(":") ? "[\(entry.host)]:\(entry.tcpPort)" : "\(entry.host):\(entry.tcpPort)"
        let text: String
        do {
            text = try client.queryText("SELECT substitution FROM remote(\(SQLLiteral.string(address)), system.macros) WHERE macro = 'http_port'")
        } catch {
            throw ClusterError(cluster: cluster, problem: "shard \(entry.shard) (\(address), native port) cannot be reached from "
                               + "\(client.configuration.url) to read its http_port macro: \(error)", isUnreachable: true)
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return nil }
        guard let port = Int(value), (1...65535).contains(port) else {
            throw ClusterError(cluster: cluster, problem: "shard \(entry.shard)'s macro http_port is '\(value)', not a port number")
        }
        return port
    }

    /// The scheme and port of a base URL `scheme://host[:port][/path]` (port 8123 for http and
    /// 8443 for https when none is written).
    static func schemeAndPort(_ url: String) -> (scheme: String, port: Int) {
        let scheme = url.components(separatedBy: "://").first ?? "http"
        var rest = url.components(separatedBy: "://").dropFirst().joined(separator: "://")
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        let portText = rest.hasSuffix("]") ? "" : (rest.split(separator: ":").last.map(String.init) ?? "")
        let port = rest.contains(":") && !rest.hasSuffix("]") ? Int(portText) : nil
        return (scheme, port ?? (scheme == "https" ? 8443 : 8123))
    }

    /// Where a shard has the macro `shard`, it must equal its shard number (catches a port rule
    /// that points two shards at one server).
    func checkShardMacros() throws {
        for (index, shard) in shards.enumerated() {
            let text: String
            do {
                text = try shard.queryText("SELECT substitution FROM system.macros WHERE macro = 'shard'")
            } catch {
                throw ClusterError(cluster: name, problem: "shard \(index + 1) at \(shard.configuration.url) does not answer over HTTP: \(error)",
                                   isUnreachable: true)
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty && value != String(index + 1) {
                throw ClusterError(cluster: name, problem: "shard \(index + 1)'s HTTP URL \(shard.configuration.url) answers as shard \(value) "
                                   + "(its macro shard); check the http_port macros")
            }
        }
    }
}

/// Why a cluster cannot be used: discovery failed, or its shards disagree.
public struct ClusterError: Error, CustomStringConvertible, Sendable, Equatable {
    public let cluster: String
    public let problem: String
    /// A shard could not be reached (the `restock` exit status is then "unavailable", 69).
    public let isUnreachable: Bool

    public init(cluster: String, problem: String, isUnreachable: Bool = false) {
        self.cluster = cluster
        self.problem = problem
        self.isUnreachable = isUnreachable
    }

    public var description: String { "ClickHouse cluster '\(cluster)': \(problem)" }
}
