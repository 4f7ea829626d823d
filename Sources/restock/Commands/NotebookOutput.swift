import ArgumentParser
import Features
import Foundation
import TabularIO

/// Writes a notebook and its figures: `NAME.md` and the folder `NAME_files/` beside it, each file
/// through a temporary name.
enum NotebookOutput {
    static func write(markdown: (String) -> (markdown: String, figures: [(name: String, svg: String)]), to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension().lastPathComponent
        let folderName = base + "_files"
        let folder = url.deletingLastPathComponent().appendingPathComponent(folderName)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (text, figures) = markdown(folderName)
        for (name, svg) in figures {
            let writer = try AtomicFileWriter(path: folder.appendingPathComponent(name + ".svg").path)
            try writer.write(svg)
            try writer.commit()
        }
        let writer = try AtomicFileWriter(path: path)
        try writer.write(text)
        try writer.commit()
    }

    /// The option that names the commands quoted before this one under "Regenerate with".
    static let preludeOption = "--report-prelude"
    static let preludeHelp = ArgumentHelp(
        "A command that produced this command's input (restock generate ..., say), quoted before it under the notebook's "
            + "\"Regenerate with\" (repeatable; not repeated in the quoted command).", valueName: "command")

    /// The redacted command line without `--report-prelude X` / `--report-prelude=X`: the
    /// notebook quotes the prelude on lines of its own.
    static func quotedCommand(_ arguments: [String] = RedactedCommandLine.arguments) -> [String] {
        var out: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext { skipNext = false; continue }
            if argument == preludeOption { skipNext = true; continue }
            if argument.hasPrefix(preludeOption + "=") { continue }
            out.append(argument)
        }
        return out
    }
}
