/// Why a model file could not be read or written. Each case names what is wrong in words a user can
/// act on; `ModelFileError.at(path:)` adds the file's path.
public indirect enum ModelFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file does not start with the model magic "RSTKFRST"; `looksLike` names what it seems to
    /// be when it is a known binary format (`EchoedValue.binaryFormat`), e.g. a binary matrix.
    case notAModelFile(looksLike: String?)
    /// The file is shorter than its header says: it was cut off.
    case truncated(expectedBytes: Int, actualBytes: Int)
    /// The file is of a format version this build does not read.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// The bytes do not match their checksum, or a section is inconsistent.
    case corrupted(String)
    /// The model was trained on other features than the caller expects.
    case schemaMismatch(String)
    /// A required section that this build does not know.
    case unknownRequiredSection(String)
    /// The operating system refused to read or write the file.
    case io(String)
    /// Any of the above, for a given file.
    case file(path: String, ModelFileError)

    public var description: String {
        switch self {
        case .notAModelFile(let looksLike?):
            "not a Restock model file: it looks like \(looksLike), not a model (use it with --matrix, or give the .rf file a train run wrote)"
        case .notAModelFile(nil):
            "not a Restock model file (it does not start with RSTKFRST)"
        case .truncated(let expected, let actual) where expected == Int.max:
            "truncated model file: \(actual) bytes where the header announces more than any file holds"
        case .truncated(let expected, let actual):
            "truncated model file: \(actual) bytes where the header announces \(expected)"
        case .unsupportedVersion(let found, let supported):
            "model file format version \(found) is not supported (this build reads version \(supported))"
        case .corrupted(let why):
            "corrupted model file: \(why)"
        case .schemaMismatch(let why):
            "model was trained on other features: \(why)"
        case .unknownRequiredSection(let tag):
            "model file needs section \(tag), which this build does not know; use a newer restock"
        case .io(let why):
            why
        case .file(let path, let error):
            "\(path): \(error.description)"
        }
    }

    /// The error without its path.
    public var underlying: ModelFileError {
        if case .file(_, let error) = self { return error.underlying }
        return self
    }
}
