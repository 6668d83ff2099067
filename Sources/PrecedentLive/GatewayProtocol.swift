import Foundation
import Crypto
import PrecedentCore
import PrecedentDBN

/// A Databento API key. Its text never leaves this type except in the challenge response (hashed)
/// and as its last five characters (the "bucket id" the gateway uses, which the official clients
/// also show); `description` and string interpolation print only `…ABCDE`.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    fileprivate let secret: String

    /// Validates a key as read from `DATABENTO_API_KEY` or a key file (surrounding whitespace removed).
    public init(_ text: String) throws {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard key.count >= 5 else { throw LiveError.usage("the API key is too short (\(key.count) characters; Databento keys have 32)") }
        guard key.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "|" }) else {
            throw LiveError.usage("the API key contains a character that cannot be part of a key (whitespace, '|' or non-ASCII)")
        }
        secret = key
    }

    /// The last five characters, which the gateway's authentication line carries in clear.
    public var bucketID: String { String(secret.suffix(5)) }
    public var description: String { "…" + bucketID }
    public var debugDescription: String { description }

    /// The CRAM response: lower-case hex SHA-256 of `challenge|key`, then `-` and the bucket id.
    public func response(to challenge: String) -> String {
        let digest = SHA256.hash(data: Array("\(challenge)|\(secret)".utf8))
        return digest.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined() + "-" + bucketID
    }

    /// `text` with every occurrence of the key replaced by `…ABCDE` (for messages from elsewhere,
    /// such as the gateway's, before they are shown).
    public func redacted(_ text: String) -> String { text.replacingOccurrences(of: secret, with: description) }
}

/// What a live session asks the gateway for.
public struct LiveRequest: Sendable, Equatable {
    public enum Compression: String, Sendable { case none, zstd }

    public var dataset: String
    public var schema: Schema
    public var stypeIn: SType
    public var symbols: [String]
    /// Intraday replay from this time (UTC ns; 0 = all the gateway holds); `nil` = from now.
    public var start: UInt64?
    /// Ask for an MBO snapshot (excludes `start`).
    public var snapshot = false
    public var compression: Compression = .none
    /// Seconds between the gateway's heartbeats when nothing else is sent (5…1800).
    public var heartbeatInterval = 30
    /// `warn` or `skip`: what the gateway does when this client reads too slowly; `nil` = its default.
    public var slowReaderBehavior: String?
    public var clientName = "Precedent"

    /// Most symbols one subscription line may carry.
    public static let symbolsPerLine = 500

    public init(dataset: String, schema: Schema, stypeIn: SType, symbols: [String]) {
        self.dataset = dataset; self.schema = schema; self.stypeIn = stypeIn; self.symbols = symbols
    }

    /// Checks what the gateway would refuse, before connecting.
    public func validate() throws {
        guard !dataset.isEmpty, dataset.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) else {
            throw LiveError.usage("dataset '\(dataset)' is not a dataset code (e.g. GLBX.MDP3)")
        }
        guard !symbols.isEmpty else { throw LiveError.usage("no symbols to subscribe to") }
        for s in symbols where s.isEmpty || s.contains("|") || s.contains(",") || s.contains("\n") {
            throw LiveError.usage("symbol '\(s)' cannot be sent to the gateway")
        }
        guard (5...1800).contains(heartbeatInterval) else {
            throw LiveError.usage("the heartbeat interval must be 5…1800 s, not \(heartbeatInterval)")
        }
        if snapshot && start != nil { throw LiveError.usage("a snapshot subscription cannot also replay from a start time") }
        if snapshot && schema != .mbo { throw LiveError.usage("snapshots exist for the mbo schema only") }
        if let b = slowReaderBehavior, b != "warn" && b != "skip" {
            throw LiveError.usage("slow reader behaviour is warn or skip, not '\(b)'")
        }
    }

    /// The gateway host of the dataset: `GLBX.MDP3` → `glbx-mdp3.lsg.databento.com` (port 13000).
    public var defaultHost: String { dataset.lowercased().replacingOccurrences(of: ".", with: "-") + ".lsg.databento.com" }
    public static let defaultPort = 13000

    /// The authentication line for `challenge`.
    public func authenticationLine(key: APIKey, challenge: String) -> String {
        var fields = ["auth=\(key.response(to: challenge))", "dataset=\(dataset)", "encoding=dbn", "ts_out=0",
                      "compression=\(compression.rawValue)", "heartbeat_interval_s=\(heartbeatInterval)"]
        if let slowReaderBehavior { fields.append("slow_reader_behavior=\(slowReaderBehavior)") }
        fields.append("client=\(clientName)")
        return fields.joined(separator: "|") + "\n"
    }

    /// The subscription lines: symbols in batches of at most 500, every line but the last `is_last=0`.
    public func subscriptionLines() -> [String] {
        var lines: [String] = []
        var i = 0
        repeat {
            let batch = symbols[i..<min(i + Self.symbolsPerLine, symbols.count)]
            i += batch.count
            var fields = ["schema=\(schema)", "stype_in=\(stypeIn)", "symbols=\(batch.joined(separator: ","))"]
            if let start { fields.append("start=\(start)") }
            fields.append("snapshot=\(snapshot ? 1 : 0)")
            fields.append("is_last=\(i >= symbols.count ? 1 : 0)")
            lines.append(fields.joined(separator: "|") + "\n")
        } while i < symbols.count
        return lines
    }
}

/// Errors of the live client. None of them carries the API key (at most its last five characters).
public enum LiveError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Bad options, found before connecting.
    case usage(String)
    /// The gateway refused the key or the request during authentication.
    case authentication(String)
    /// The gateway broke the protocol (a line it should not send, a corrupt stream).
    case protocolViolation(String)
    /// A fatal error record: the gateway ends the session.
    case gateway(code: UInt8, message: String)
    /// The connection could not be made or was lost (retried by the client).
    case connection(String)

    public var description: String {
        switch self {
        case .usage(let m): "usage: \(m)"
        case .authentication(let m): "authentication failed: \(m)"
        case .protocolViolation(let m): "protocol error: \(m)"
        case .gateway(let code, let m): "gateway error \(code) (\(GatewayCodes.errorName(code))): \(m)"
        case .connection(let m): "connection: \(m)"
        }
    }
}

/// The codes of the gateway's system and error records.
public enum GatewayCodes {
    public static let heartbeat: UInt8 = 0, subscriptionAck: UInt8 = 1, slowReaderWarning: UInt8 = 2
    public static let replayCompleted: UInt8 = 3, endOfInterval: UInt8 = 4

    /// Error codes that end the session: authentication failed, key deactivated, connection limit,
    /// invalid subscription, internal error. Symbol resolution failed (4), records skipped after slow
    /// reading (7) and replay data aged out (8) leave it open; the client handles each.
    public static func isFatal(error code: UInt8) -> Bool { [1, 2, 3, 5, 6].contains(code) }
    public static let symbolResolutionFailed: UInt8 = 4, skippedRecords: UInt8 = 7, replayAgedOut: UInt8 = 8

    public static func errorName(_ code: UInt8) -> String {
        switch code {
        case 1: "auth failed"; case 2: "API key deactivated"; case 3: "connection limit exceeded"
        case 4: "symbol resolution failed"; case 5: "invalid subscription"; case 6: "internal error"
        case 7: "skipped records after slow reading"; case 8: "replay data aged out"
        default: "code \(code)"
        }
    }
}

/// The gateway protocol as a state machine that does no I/O (like `DBNDecoder`): feed it the bytes
/// the socket received; it says which lines to send and hands out the session's metadata and
/// records. The text phase (greeting, challenge, authentication, subscription, start) then the DBN
/// stream, plain or one zstd stream.
public struct GatewayProtocol {
    public enum Phase: Sendable, Equatable { case awaitingChallenge, awaitingAuthentication, streaming }

    /// What a chunk of input produced, in order.
    public enum Event {
        /// A line to write to the gateway (newline included).
        case send(String)
        /// Authentication succeeded; the subscription and start lines follow as `send` events.
        case authenticated(sessionID: String)
        case metadata(Metadata)
        /// A system record: heartbeat, subscription acknowledged, slow-reader warning, replay completed…
        case system(code: UInt8, message: String, ts: UnixNanos)
        /// An error record. Fatal ones (`GatewayCodes.isFatal`) end the session.
        case error(code: UInt8, message: String, ts: UnixNanos)
        /// Any other record (market data, symbol mappings); valid only during the callback.
        case record(RecordRef)
    }

    public private(set) var phase: Phase = .awaitingChallenge
    public let request: LiveRequest
    private let key: APIKey
    private var line: [UInt8] = []
    private var decoder = DBNDecoder()
    private var zstd: ZstdStreamInput?
    /// Text-phase lines received (greeting included).
    public private(set) var linesReceived = 0
    /// Longest text line accepted; a gateway line is far shorter.
    public static let maxLineLength = 4096

    public init(request: LiveRequest, key: APIKey) {
        self.request = request
        self.key = key
        if request.compression == .zstd { zstd = ZstdStreamInput() }
    }

    /// Bytes decoded in the binary phase so far (the DBN stream offset).
    public var streamOffset: Int { decoder.streamOffset }
    /// Records of the binary phase so far.
    public var recordCount: Int { decoder.recordCount }

    /// Takes bytes from the socket and reports what they produce.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, _ handle: (Event) throws -> Void) throws {
        var i = 0
        while i < bytes.count, phase != .streaming {
            let b = bytes[i]
            i += 1
            if b != 0x0A {
                line.append(b)
                if line.count > Self.maxLineLength {
                    throw LiveError.protocolViolation("a gateway line is longer than \(Self.maxLineLength) bytes before authentication completed")
                }
                continue
            }
            linesReceived += 1
            let text = String(decoding: line, as: UTF8.self)
            line.removeAll(keepingCapacity: true)
            try takeLine(text, handle)
        }
        guard phase == .streaming, i < bytes.count else { return }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[i...])
        if let zstd {
            do { try zstd.feed(rest, into: &decoder) } catch let e as DBNError {
                throw LiveError.protocolViolation("the zstd stream is corrupt at stream byte \(decoder.streamOffset): \(e.message)")
            }
        } else {
            decoder.append(rest)
        }
        try drain(handle)
    }

    private mutating func takeLine(_ text: String, _ handle: (Event) throws -> Void) throws {
        let fields = Self.fields(text)
        switch phase {
        case .awaitingChallenge:
            // Greeting lines (`lsg_version=…`) and anything else before the challenge are not parsed strictly.
            guard let challenge = fields["cram"] else { return }
            guard !challenge.isEmpty else { throw LiveError.protocolViolation("the gateway sent an empty challenge") }
            phase = .awaitingAuthentication
            try handle(.send(request.authenticationLine(key: key, challenge: challenge)))
        case .awaitingAuthentication:
            guard let success = fields["success"] else {
                throw LiveError.protocolViolation("expected the authentication reply (success=…), got \(Self.quoted(text))")
            }
            guard success == "1" else {
                throw LiveError.authentication((fields["error"].map { $0.isEmpty ? nil : $0 } ?? nil)
                                               ?? "the gateway refused the request without saying why")
            }
            phase = .streaming
            try handle(.authenticated(sessionID: fields["session_id"] ?? ""))
            for l in request.subscriptionLines() { try handle(.send(l)) }
            try handle(.send("start_session=0\n"))
        case .streaming:
            break
        }
    }

    private mutating func drain(_ handle: (Event) throws -> Void) throws {
        do {
            if decoder.metadata == nil {
                guard let m = try decoder.decodeMetadata() else { return }
                try handle(.metadata(m))
            }
            try decoder.decodeRecords { ref in
                switch ref.rtype {
                case RType.system:
                    guard case .system(let s)? = try ref.decode() else { return }
                    let message = s.msg.string
                    // DBN v1 system records carry no code: a heartbeat is told by its text.
                    let code = ref.version >= 2 ? s.code : (message == "Heartbeat" ? GatewayCodes.heartbeat : 255)
                    try handle(.system(code: code, message: message, ts: s.hd.tsEvent))
                case RType.error:
                    guard case .error(let e)? = try ref.decode() else { return }
                    try handle(.error(code: ref.version >= 2 ? e.code : 255, message: e.err.string, ts: e.hd.tsEvent))
                default:
                    try handle(.record(ref))
                }
            }
        } catch let e as DBNError {
            throw LiveError.protocolViolation("the DBN stream is corrupt: \(e)")
        }
    }

    /// `key=value` pairs of a gateway line (`|`-separated; a trailing `|` or CR is ignored).
    static func fields(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in text.split(separator: "|", omittingEmptySubsequences: true) {
            let p = part.hasSuffix("\r") ? part.dropLast() : part[...]
            if let eq = p.firstIndex(of: "=") {
                out[String(p[..<eq])] = String(p[p.index(after: eq)...])
            } else {
                out[String(p)] = ""
            }
        }
        return out
    }

    static func quoted(_ text: String) -> String {
        "'" + String(text.prefix(120)).unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "'"
    }
}
