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
}

