/// Where a model comes from: the data it was trained on, the command that trained it and the tool
/// that ran the command. Recorded in the model file's optional `ORIG` section (models/FORMAT.md);
/// never part of the model's version, so the same training run from another command line or tool
/// build gives the same version. Files written before origins were recorded have none (`nil`).
public struct ModelOrigin: Sendable, Equatable, Codable {
    /// A fingerprint of the training data, as the caller computed it (for example
    /// `LabelledMatrix.fingerprint()`: "xxh64:" and 16 hex digits).
    public var dataFingerprint: String
    /// The command line that trained the model, program name first, as given by the caller.
    public var commandLine: [String]
    /// The version of the tool that trained the model.
    public var toolVersion: String

    public init(dataFingerprint: String, commandLine: [String], toolVersion: String) {
        self.dataFingerprint = dataFingerprint
        self.commandLine = commandLine
        self.toolVersion = toolVersion
    }
}
