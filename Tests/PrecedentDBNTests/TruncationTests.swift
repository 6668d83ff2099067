import Foundation
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Cutting a file anywhere yields the records wholly before the cut, then a
/// `.truncated` error — never a crash, a hang or a wrong record.
@Suite struct TruncationTests {
    /// Files up to this size are cut at every byte offset; larger ones at a
    /// stride (their every offset is covered by `everyOffsetOfTheStream`).
    static let exhaustiveLimit = 24 * 1024

    @Test(arguments: Fixtures.dbnFiles)
    func truncatedFile(_ file: String) throws {
        let bytes = try Fixtures.bytes(file)
        let (_, full) = try Fixtures.records(file)
        let fragment = Fixtures.fragmentVersion(file).map { ($0, false) }
        let cuts: [Int] = bytes.count <= Self.exhaustiveLimit
            ? Array(0..<bytes.count)
            : Array(Set(Array(0..<512) + Array(stride(from: 512, to: bytes.count, by: 4099)) + Array((bytes.count - 512)..<bytes.count))).sorted()
        for cut in cuts {
            var got: [DBNRecord] = []
            var error: DBNError? = nil
            do {
                let reader = try DBNFileReader(bytes: Array(bytes[..<cut]), name: "cut", fragment: fragment)
                try reader.forEachRecord { ref in if let r = try ref.decode() { got.append(r) } }
            } catch let e as DBNError {
                error = e
            }
            // A prefix of the real records, never a wrong one.
            guard got.count <= full.count, got == Array(full.prefix(got.count).map(\.0)) else {
                Issue.record("\(file) cut at \(cut): decoded records are not a prefix of the file's records")
                return
            }
            if let error {
                guard error.kind == .truncated else {
                    Issue.record("\(file) cut at \(cut): \(error.kind) instead of .truncated: \(error)")
                    return
                }
            } else if cut < bytes.count && file.hasSuffix(".zst") && cut > 0 {
                // No error is right only where the prefix is itself complete zstd
                // (a cut between frames, like a raw cut between records); the
                // `zstd` command decides, independently of our decompressor.
                if !(try Self.isCompleteZstd(Array(bytes[..<cut]))) {
                    Issue.record("\(file) cut at \(cut) of \(bytes.count): no error reported inside a zstd frame")
                    return
                }
            }
        }
    }

    static func isCompleteZstd(_ bytes: [UInt8]) throws -> Bool {
        let path = Oracle.temporaryPath(".zst")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["zstd", "-tq", path]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Every byte offset of the decompressed stream of every file: the decoder,
    /// fed one byte at a time, reports a truncation at every point except
    /// between records, and delivers exactly the file's records.
    @Test(arguments: Fixtures.dbnFiles.filter { !$0.contains(".frag") })
    func everyOffsetOfTheStream(_ file: String) throws {
        let stream = try Fixtures.decompressedStream(file)
        let (_, full) = try Fixtures.records(file)
        var decoder = DBNDecoder()
        var got: [DBNRecord] = []
        var boundaries = 0
        for i in 0..<stream.count {
            stream.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[i..<i + 1])) }
            _ = try decoder.decodeMetadata()
            try decoder.decodeRecords { ref in if let r = try ref.decode() { got.append(r) } }
            do {
                try decoder.finish()
                boundaries += 1
                #expect(decoder.metadata != nil && decoder.pendingByteCount == 0)
            } catch let e as DBNError {
                #expect(e.kind == .truncated, "\(file) at \(i + 1): \(e)")
            }
        }
        #expect(got == full.map(\.0))
        #expect(boundaries == full.count + 1, "a clean end after the metadata and after each record")
    }

    @Test(arguments: Fixtures.dbzFiles)
    func legacyDBZIsRejected(_ file: String) throws {
        #expect(throws: DBNError.self) { _ = try Fixtures.reader(file) }
        do { _ = try Fixtures.reader(file) } catch let e as DBNError {
            #expect(e.kind == .legacyDBZ)
            #expect(e.description.contains("DBZ"))
        }
    }
}
