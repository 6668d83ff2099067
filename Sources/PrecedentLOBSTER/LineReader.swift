#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line (streaming, any size).
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>? = nil
    private var capacity = 0
    let path: String
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(path: String) throws {
        guard let f = fopen(path, "r") else {
            throw LOBSTERError(file: path, line: nil, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        file = f
        self.path = path
    }

    deinit {
        fclose(file)
        free(buffer)
    }

    /// The next line without its line break, or `nil` at the end of the file.
    func next() -> [UInt8]? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else { return nil }
        lineNumber += 1
        var count = n
        while count > 0 && (buffer[count - 1] == 0x0A || buffer[count - 1] == 0x0D) { count -= 1 }
        return UnsafeRawBufferPointer(start: buffer, count: count).map { $0 }
    }
}

/// A problem in a LOBSTER file: which file, which line, what.
public struct LOBSTERError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}
