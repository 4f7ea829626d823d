/// The moments of a publishing run (`InstacartIngest`, `ModelVersionTable`) at which the fault
/// tests stop a run: the client is killed there, or the server is killed or restarted there.
public enum PublishStep: String, CaseIterable, Sendable {
    /// The lock is held and leftovers are cleaned, no load table exists yet.
    case beforeLoad = "before-load"
    /// Inside the first INSERT into a load table, after its first batch of rows.
    case midLoad = "mid-load"
    /// Every load table checked (`count()` = rows sent), nothing published yet.
    case afterCheck = "after-check"
    /// The RENAME swap is done; the replaced tables (`__old_<run>`) are not dropped yet.
    case afterPublish = "after-publish"
}

/// Called by a publishing run at each `PublishStep` (the `restock` executable installs one for the
/// fault tests; the library never reads the environment itself). It may block or end the process.
public typealias PublishFaultHook = @Sendable (PublishStep) -> Void
