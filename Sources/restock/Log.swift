import Foundation

/// The commands' stderr lines (durations are `Elapsed`'s, in Tabular).
enum Log {
    /// Writes one line to stderr.
    @Sendable static func stderr(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
