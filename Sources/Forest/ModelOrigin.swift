/// Where a model comes from: the data it was trained on, the command that trained it and the tool
/// that ran the command. Recorded in the model file's optional `ORIG` section (models/FORMAT.md);
/// never part of the model's version, so the same training run from another command line or tool
/// build gives the same version. Files written before origins were recorded have none (`nil`).
public struct ModelOrigin: Sendable, Equatable, Codable {
    /// A fingerprint of the training data, as the caller computed it (for example
    /// `LabelledMatrix.fingerprint()`: "xxh64:" and 16 hex digits). For a merged model, the
    /// fingerprint of its parts' fingerprints (`ForestMerge`).
    public var dataFingerprint: String
    /// The command line that trained (or merged) the model, program name first, as given by the caller.
    public var commandLine: [String]
    /// The version of the tool that trained the model.
    public var toolVersion: String
    /// For a model made by `ForestMerge`: its parts, in tree order; nil (and absent from the file)
    /// for a model grown in one run.
    public var parts: [ModelPart]?

    public init(dataFingerprint: String, commandLine: [String], toolVersion: String, parts: [ModelPart]? = nil) {
        self.dataFingerprint = dataFingerprint
        self.commandLine = commandLine
        self.toolVersion = toolVersion
        self.parts = parts
    }
}

/// One group of trees of a merged model, as it was before the merge: trees `firstTree ..<
/// firstTree + treeCount` of the merged model are this part's trees, in their order.
public struct ModelPart: Sendable, Equatable, Codable {
    /// What the caller called the part (the file name as given to `restock merge`).
    public var name: String
    /// The part's own content version (`ForestModel.version`, "rf-" and 12 hex digits).
    public var version: String
    public var firstTree: Int
    public var treeCount: Int
    /// The part's training rows and master seed.
    public var rowCount: Int
    public var seed: UInt64
    /// The part's origin, when it had one (nil for files written before origins were recorded).
    public var dataFingerprint: String?
    public var commandLine: [String]?
    public var toolVersion: String?

    public init(name: String, version: String, firstTree: Int, treeCount: Int, rowCount: Int, seed: UInt64,
                dataFingerprint: String? = nil, commandLine: [String]? = nil, toolVersion: String? = nil) {
        self.name = name
        self.version = version
        self.firstTree = firstTree
        self.treeCount = treeCount
        self.rowCount = rowCount
        self.seed = seed
        self.dataFingerprint = dataFingerprint
        self.commandLine = commandLine
        self.toolVersion = toolVersion
    }
}
