/// The moments of a publishing run (`InstacartIngest`, `ModelVersionTable`) at which the fault
/// tests stop a run: the client is killed there, or the server is killed or restarted there.
public enum PublishStep: String, CaseIterable, Sendable {
    /// The lock is held and leftovers are cleaned, no load table exists yet.
    case beforeLoad = "before-load"
    /// Inside the first INSERT into a load table, after its first batch of rows.
    case midLoad = "mid-load"
    /// Every load table checked (`count()` = rows sent), nothing published yet.
    case afterCheck = "after-check"
    /// Cluster ingest only: the run is committed (its row in `restock_ingest__commit` on shard 1),
    /// no shard has swapped it in yet.
    case afterCommit = "after-commit"
    /// Cluster ingest only: shard 1 has swapped the run in, the other shards not yet.
    case midSwap = "mid-swap"
    /// The RENAME swap is done; the replaced tables (`__old_<run>`) are not dropped yet.
    case afterPublish = "after-publish"
}

/// Called by a publishing run at each `PublishStep` (the `restock` executable installs one for the
/// fault tests; the library never reads the environment itself). It may block or end the process.
public typealias PublishFaultHook = @Sendable (PublishStep) -> Void
