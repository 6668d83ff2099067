/// Everything that can go wrong reading or writing DBN, with the context a
/// person needs to find the problem: file, byte offset, record index.
///
/// "Need more bytes" is never an error inside the decoder; only the end of the
/// input turns a partial record into `.truncated`.
public struct DBNError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input ended inside the prelude, metadata, a record or a zstd frame.
        case truncated
        /// Not a DBN stream (bad magic) or a header field out of range.
        case invalidHeader
        /// Legacy DBZ (version 0) input, which is out of scope.
        case legacyDBZ
        /// A DBN version newer than this decoder knows (or 0 without DBZ framing).
        case unsupportedVersion
        /// The metadata block is inconsistent (counts past its end, bad lengths).
        case invalidMetadata
        /// A record's length is impossible or too short for its rtype.
        case corruptRecord
        /// The zstd stream is corrupt.
        case zstd
        /// Opening, reading or writing a file failed.
        case io
        /// Invalid use of the encoder (a record that cannot be written as asked).
        case encoding
    }

    public var kind: Kind
    /// What happened, in one sentence.
    public var message: String
    /// The file, when known.
    public var file: String?
    /// Offset in the decoded (uncompressed) DBN stream where the problem starts.
    public var byteOffset: Int?
    /// Index (0-based) of the record concerned, counting from the first record.
    public var recordIndex: Int?
    /// Bytes of the file read so far (differs from `byteOffset` for zstd input).
    public var fileOffset: Int?
    /// What the user can do about it.
    public var hint: String?

    public init(_ kind: Kind, _ message: String, byteOffset: Int? = nil, recordIndex: Int? = nil,
                file: String? = nil, fileOffset: Int? = nil, hint: String? = nil) {
        self.kind = kind; self.message = message; self.byteOffset = byteOffset
        self.recordIndex = recordIndex; self.file = file; self.fileOffset = fileOffset; self.hint = hint
    }

    public var description: String {
        var where_: [String] = []
        if let byteOffset { where_.append("byte \(byteOffset) of the DBN stream") }
        if let recordIndex { where_.append("record #\(recordIndex)") }
        if let fileOffset, fileOffset != byteOffset { where_.append("file byte \(fileOffset)") }
        var text = (file.map { "\($0): " } ?? "") + message
        if !where_.isEmpty { text += " (at " + where_.joined(separator: ", ") + ")" }
        if let hint { text += ". " + hint }
        return text
    }

    /// The same error with `file` filled in.
    public func inFile(_ path: String, fileOffset: Int? = nil) -> DBNError {
        var e = self
        e.file = e.file ?? path
        e.fileOffset = e.fileOffset ?? fileOffset
        return e
    }
}
