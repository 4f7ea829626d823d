import Foundation
import TabularIO
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two runs writing one path, symbolic links, devices, pipes and interruption (issue 12, 3 5 10).

private func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

private func kind(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
}

@Test func twoWritersToOnePathEachRenameAWholeFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("same.csv")
    let a = try AtomicFileWriter(path: path, bufferSize: 64)
    let b = try AtomicFileWriter(path: path, bufferSize: 64)
    #expect(a.temporaryPath != b.temporaryPath)
    var wholeA = "", wholeB = ""
    for i in 0..<200 {
        let lineA = "a,\(i),\(String(repeating: "x", count: i % 7))\n", lineB = "b,\(i * 3)\n"
        try a.write(lineA)
        try b.write(lineB)
        wholeA += lineA
        wholeB += lineB
    }
    try a.commit()
    #expect(try text(path) == wholeA)
    try b.commit()
    #expect(try text(path) == wholeB)
    #expect(dir.leftovers().isEmpty)
}

@Test func aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: false)
    let target = try dir.write("real/target.csv", "old\n")
    #expect(symlink("real/target.csv", dir.file("link.csv")) == 0)
    let writer = try AtomicFileWriter(path: dir.file("link.csv"))
    #expect(writer.destination == dir.file("real/target.csv"))
    #expect(writer.temporaryPath.hasPrefix(dir.file("real/.target.csv.")))
    try writer.write("new\n")
    try writer.commit()
    #expect(kind(dir.file("link.csv")) == S_IFLNK)
    #expect(try text(target) == "new\n")
    #expect(try text(dir.file("link.csv")) == "new\n")
    #expect(dir.leftovers().isEmpty && TemporaryDirectory.leftovers(in: dir.file("real")).isEmpty)

    // a dangling link: its target is created, the link stays
    #expect(symlink(dir.file("real/absent.csv"), dir.file("dangling.csv")) == 0)
    let second = try AtomicFileWriter(path: dir.file("dangling.csv"))
    try second.write("created\n")
    try second.commit()
    #expect(kind(dir.file("dangling.csv")) == S_IFLNK)
    #expect(try text(dir.file("real/absent.csv")) == "created\n")
}

@Test func aLinkLoopIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    #expect(symlink("b", dir.file("a")) == 0 && symlink("a", dir.file("b")) == 0)
    let error = #expect(throws: FileError.self) { _ = try AtomicFileWriter(path: dir.file("a")) }
    #expect(error?.code == ELOOP)
}

@Test func aFullDeviceFailsWithNoSpaceAndStaysADevice() throws {
    // Never write to it unless it is the device: a writer that replaces it would break the machine.
    try #require(kind("/dev/full") == S_IFCHR, "/dev/full is not a character device here")
    let error = #expect(throws: FileError.self) {
        let writer = try AtomicFileWriter(path: "/dev/full")
        #expect(writer.isStream)
        try writer.write("lost\n")
        try writer.commit()
    }
    #expect(error?.code == ENOSPC)
    #expect(error?.description == "cannot write /dev/full: No space left on device")
    #expect(kind("/dev/full") == S_IFCHR)
}

@Test func aNamedPipeIsWrittenInPlace() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let fifo = dir.file("pipe")
    #expect(mkfifo(fifo, 0o600) == 0)
    let received = ReceivedBytes()
    let reader = Thread { received.set(readAll(fifo)) }
    reader.start()
    let writer = try AtomicFileWriter(path: fifo)
    #expect(writer.isStream && writer.temporaryPath == fifo)
    try writer.write("through the pipe\n")
    try writer.commit()
    while !received.isSet { usleep(1000) }
    #expect(String(decoding: received.value, as: UTF8.self) == "through the pipe\n")
    #expect(kind(fifo) == S_IFIFO)
    #expect(dir.leftovers().isEmpty)
}

@Test func aFolderIsRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let error = #expect(throws: FileError.self) { _ = try AtomicFileWriter(path: dir.path) }
    #expect(error?.code == EISDIR)
}

@Test func removeAllForExitRemovesTheFilesOfOpenWritersAndRefusesNewOnes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.write("kept.csv", "before\n")
    let registry = TemporaryFiles()
    let a = try AtomicFileWriter(path: dir.file("kept.csv"), registry: registry)
    let b = try AtomicFileWriter(path: dir.file("new.csv"), registry: registry)
    try a.write("after\n")
    try a.flush()
    try b.write("x")
    try b.flush()
    #expect(registry.recorded == [a.temporaryPath, b.temporaryPath].sorted())
    #expect(dir.leftovers().count == 2)
    #expect(registry.removeAllForExit() == 2)
    #expect(dir.leftovers().isEmpty)
    #expect(throws: FileError.self) { try a.commit() }
    #expect(try text(dir.file("kept.csv")) == "before\n")
    #expect(!FileManager.default.fileExists(atPath: dir.file("new.csv")))
    #expect(throws: FileError.self) { _ = try AtomicFileWriter(path: dir.file("later.csv"), registry: registry) }
    #expect(dir.leftovers().isEmpty)
}

/// Every byte of the file or pipe at `path`, read until end of file.
private func readAll(_ path: String) -> Data {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return Data() }
    defer { close(fd) }
    var data = Data()
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return data }
        data.append(contentsOf: chunk[..<n])
    }
}

private final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}

@Test func aMissingFolderIsNamedByTheOutputPath() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("absent/out.csv")
    let error = #expect(throws: FileError.self) { _ = try AtomicFileWriter(path: path) }
    #expect(error?.description == "cannot create \(path): No such file or directory")
}
