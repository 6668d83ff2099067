import Foundation
import PrecedentCore
import PrecedentDBN

/// One interruption of the stream, from the last record delivered before it to the first after.
public struct LiveGap: Sendable, Codable, Equatable {
    /// `ts_event` of the last data record delivered before the gap (nil: none yet).
    public var from: UInt64?
    /// `ts_event` of the first new data record after it (nil while open, or when none came).
    public var to: UInt64?
    /// Wall-clock time the gap was noticed (UTC ns).
    public var noticed: UInt64
    /// Why the stream was interrupted.
    public var reason: String
    /// How it was closed: `replay` (intraday replay from `resume_start`), `snapshot` (a new MBO
    /// snapshot), `open` (not closed yet, or could not be: what was missed is lost).
    public var closedBy: String
    /// The `start` the resubscription asked for.
    public var resumeStart: UInt64?
    /// Replayed records already delivered before the gap, dropped by position.
    public var dropped: Int
    /// Of those, how many did not carry the timestamps of the record they replaced (0 when the
    /// replay lined up with what was delivered).
    public var mismatched: Int
    /// Connection attempts it took.
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case from, to, noticed, reason, closedBy = "closed_by", resumeStart = "resume_start", dropped, mismatched, attempts
    }
}

/// What the client reports, in order, on the thread that runs it.
public enum LiveEvent {
    case connected(sessionID: String, attempt: Int)
    /// The metadata of each new session.
    case metadata(Metadata)
    /// A record not delivered before (market data, symbol mappings): valid only during the callback.
    case record(RecordRef)
    /// A heartbeat or other system message (replay completed, subscription acknowledged…).
    case system(code: UInt8, message: String)
    /// A warning worth showing: slow reader, unresolved symbols.
    case notice(String)
    /// A gap opened (`closedBy == "open"`) or closed.
    case gap(LiveGap)
    /// Nothing arrived for 0.2 s (a chance to flush or redraw).
    case tick
}

/// Where a client resumes: the tail of what was delivered before (from a recorded file, or kept
/// by the client itself across its own reconnections).
public struct ResumePoint: Sendable {
    /// Data records' `(ts_recv, ts_event)` delivered, in order, back to the replay start.
    public var tail: [(recv: UInt64, event: UInt64)] = []
    public init() {}

    /// A record received after the last one may still carry an earlier `ts_event`, by up to the
    /// exchange-to-capture latency: the replay starts this much before the last `ts_recv`.
    public static let latencyAllowance: UInt64 = 1_000_000_000

    public var lastEvent: UInt64? { tail.last?.event }

    public mutating func append(recv: UInt64, event: UInt64) {
        tail.append((recv, event))
        // Keep every record a replay from the current resume start could send again: those with
        // ts_recv ≥ start (a record received before it was stamped before it too). Records stamped
        // long before they were received (an MBO snapshot's) hold the start back, and the tail with it.
        if tail.count >= 1 << 16, let first = tail.first {
            let cut = Self.start(recv: recv, event: event)
            if first.recv < cut { tail.removeFirst(tail.firstIndex { $0.recv >= cut } ?? tail.count) }
        }
    }

    /// The replay start for a last record `(recv, event)`.
    static func start(recv: UInt64, event: UInt64) -> UInt64 {
        min(event, recv > latencyAllowance ? recv - latencyAllowance : 0)
    }

    /// Records before these, oldest first (a restart reading older files).
    public mutating func prepend(_ older: [(recv: UInt64, event: UInt64)]) { tail = older + tail }

    /// True when the tail reaches back to the replay start: every delivered record the replay could
    /// send again is in it.
    public var reachesStart: Bool {
        guard let last = tail.last, let first = tail.first else { return true }
        return first.recv < Self.start(recv: last.recv, event: last.event)
    }

    /// The intraday replay start after a gap, and the delivered records that replay will send again,
    /// in order: everything delivered with `ts_event ≥ start` (the gateway filters on `ts_event`).
    public func resume() -> (start: UInt64, replayed: [(recv: UInt64, event: UInt64)])? {
        guard let last = tail.last else { return nil }
        let start = Self.start(recv: last.recv, event: last.event)
        return (start, tail.filter { $0.event >= start })
    }
}

/// A client of Databento's live gateway that stays connected: heartbeat monitor, reconnection with
/// backoff, and after a gap intraday replay from where it stopped, dropping what was already
/// delivered by position (records can be byte-identical, so content cannot tell them apart).
public final class LiveClient {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var connectTimeout = 10.0
        public var authenticationTimeout = 30.0
        /// Silence allowed beyond the heartbeat interval before the connection is declared dead.
        public var heartbeatMargin = 10.0
        /// First reconnection delay; it doubles up to `maxBackoff`.
        public var initialBackoff = 1.0
        public var maxBackoff = 30.0
        /// Reconnection attempts in a row before giving up (nil: never give up).
        public var maxAttempts: Int?
        public init(host: String, port: Int) { self.host = host; self.port = port }
    }

    public let request: LiveRequest
    public let options: Options
    private let key: APIKey
    /// Data records delivered (after dropping replays).
    public private(set) var delivered = 0
    /// Gaps so far, closed or open.
    public private(set) var gaps: [LiveGap] = []
    private var resume: ResumePoint
    private let readBuffer = 1 << 16

    public init(request: LiveRequest, key: APIKey, options: Options, resume: ResumePoint = ResumePoint()) throws {
        try request.validate()
        self.request = request; self.key = key; self.options = options; self.resume = resume
    }

    /// Runs until `shouldStop` returns true (checked at least every 0.2 s), then returns.
    /// Throws on a fatal gateway error, a refused authentication, or when `maxAttempts` connection
    /// attempts in a row failed.
    public func run(shouldStop: () -> Bool, _ handle: (LiveEvent) throws -> Void) throws {
        var attempt = 0, failuresInARow = 0
        var backoff = options.initialBackoff
        // A resume point from before this run (a restarted recorder) opens with a replay.
        var pendingGap: LiveGap? = resume.lastEvent.map {
            LiveGap(from: $0, to: nil, noticed: Self.now(), reason: "restart", closedBy: "open", resumeStart: nil,
                    dropped: 0, mismatched: 0, attempts: 0)
        }
        var useSnapshot = false
        while !shouldStop() {
            attempt += 1
            var req = request
            var toDrop: [(recv: UInt64, event: UInt64)] = []
            if useSnapshot {
                req.start = nil; req.snapshot = true
            } else if let (start, replayed) = resume.resume() {
                req.start = start; req.snapshot = false
                toDrop = replayed
            }
            pendingGap?.resumeStart = req.start
            pendingGap?.attempts += 1
            let outcome: SessionEnd
            do {
                outcome = try session(req, attempt: attempt, toDrop: toDrop, gap: &pendingGap, shouldStop: shouldStop, handle)
            } catch let e as LiveError {
                if case .connection(let m) = e {
                    outcome = .lost(m, delivered: false)
                } else { throw e }
            }
            switch outcome {
            case .stopped:
                if let g = pendingGap { try handle(.gap(g)); gaps.append(g) }
                return
            case .agedOut:
                // Replay no longer reaches back to the gap: a snapshot rebuilds the book instead.
                guard request.schema == .mbo, !useSnapshot else {
                    throw LiveError.gateway(code: GatewayCodes.replayAgedOut, message: "replay data aged out and no snapshot is possible for \(request.schema)")
                }
                try handle(.notice("replay from the gap is no longer available; resubscribing with a snapshot"))
                useSnapshot = true
                continue
            case .lost(let why, let gotData):
                if gotData { failuresInARow = 0; backoff = options.initialBackoff; useSnapshot = false }
                failuresInARow += 1
                // Nothing delivered yet: no gap, only a failed start.
                if pendingGap == nil, resume.lastEvent != nil {
                    let g = LiveGap(from: resume.lastEvent, to: nil, noticed: Self.now(), reason: why, closedBy: "open",
                                    resumeStart: nil, dropped: 0, mismatched: 0, attempts: 0)
                    pendingGap = g
                    try handle(.gap(g))
                }
                if let max = options.maxAttempts, failuresInARow >= max {
                    if let g = pendingGap { gaps.append(g) }
                    throw LiveError.connection("\(why); gave up after \(failuresInARow) attempts in a row")
                }
                try handle(.notice("\(why); reconnecting in \(String(format: "%.1f", backoff)) s"))
                let until = Date().addingTimeInterval(backoff)
                while Date() < until, !shouldStop() { usleep(50_000) }
                backoff = min(options.maxBackoff, backoff * 2)
            }
        }
        if let g = pendingGap { try handle(.gap(g)); gaps.append(g) }
    }

    private enum SessionEnd { case stopped, lost(String, delivered: Bool), agedOut }

    private func session(_ req: LiveRequest, attempt: Int, toDrop: [(recv: UInt64, event: UInt64)], gap: inout LiveGap?,
                         shouldStop: () -> Bool, _ handle: (LiveEvent) throws -> Void) throws -> SessionEnd {
        let connection = try GatewayConnection(host: options.host, port: options.port, timeout: options.connectTimeout)
        defer { connection.close() }
        var proto = GatewayProtocol(request: req, key: key)
        var buffer = [UInt8](repeating: 0, count: readBuffer)
        let begun = Date()
        var lastInput = Date()
        let silenceLimit = Double(req.heartbeatInterval) + options.heartbeatMargin
        var dropIndex = 0, mismatched = 0
        var gotData = false
        var fatal: LiveError?
        var agedOut = false, skipped = false
        while true {
            if shouldStop() { return .stopped }
            let result = try connection.read(into: &buffer, timeout: 0.2)
            switch result {
            case .timedOut:
                try handle(.tick)
                if proto.phase != .streaming, Date().timeIntervalSince(begun) > options.authenticationTimeout {
                    return .lost("no authentication reply within \(Int(options.authenticationTimeout)) s", delivered: gotData)
                }
                if Date().timeIntervalSince(lastInput) > silenceLimit {
                    return .lost("no record or heartbeat for \(Int(silenceLimit)) s (heartbeat interval \(req.heartbeatInterval) s)", delivered: gotData)
                }
                continue
            case .closed:
                if let fatal { throw fatal }
                if agedOut { return .agedOut }
                return .lost(skipped ? "the gateway skipped records after slow reading" : "the gateway closed the connection", delivered: gotData)
            case .bytes(let n):
                lastInput = Date()
                var sends: [String] = []
                try buffer.withUnsafeBytes { raw in
                    try proto.receive(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { event in
                        switch event {
                        case .send(let line): sends.append(line)
                        case .authenticated(let id): try handle(.connected(sessionID: id, attempt: attempt))
                        case .metadata(let m): try handle(.metadata(m))
                        case .system(let code, let message, _):
                            if code == GatewayCodes.slowReaderWarning { try handle(.notice("gateway: \(message)")) }
                            try handle(.system(code: code, message: message))
                        case .error(let code, let message, _):
                            if GatewayCodes.isFatal(error: code) || code == 255 {
                                fatal = .gateway(code: code, message: message)
                            } else if code == GatewayCodes.replayAgedOut {
                                agedOut = true
                            } else if code == GatewayCodes.skippedRecords {
                                skipped = true
                                try handle(.notice("gateway: \(message)"))
                            } else {
                                try handle(.notice("gateway error \(code) (\(GatewayCodes.errorName(code))): \(message)"))
                            }
                        case .record(let ref):
                            guard let stamps = Self.stamps(ref) else { try handle(.record(ref)); return }
                            if dropIndex < toDrop.count {
                                if toDrop[dropIndex] != stamps { mismatched += 1 }
                                dropIndex += 1
                                if dropIndex == toDrop.count || gap != nil { gap?.dropped = dropIndex; gap?.mismatched = mismatched }
                                return
                            }
                            if var g = gap {
                                g.to = stamps.event
                                g.closedBy = req.snapshot ? "snapshot" : (req.start != nil ? "replay" : "open")
                                g.dropped = dropIndex; g.mismatched = mismatched
                                gaps.append(g)
                                gap = nil
                                try handle(.gap(g))
                            }
                            gotData = true
                            delivered += 1
                            resume.append(recv: stamps.recv, event: stamps.event)
                            try handle(.record(ref))
                        }
                    }
                }
                for line in sends { try connection.send(line) }
                if let fatal, proto.phase == .streaming {
                    // The gateway closes the session after a fatal error; do not wait for it.
                    throw fatal
                }
                if skipped { return .lost("the gateway skipped records after slow reading", delivered: gotData) }
            }
        }
    }

    /// `(ts_recv, ts_event)` of a data record; nil for symbol mappings and other non-data records.
    static func stamps(_ ref: RecordRef) -> (recv: UInt64, event: UInt64)? {
        if let m = ref.mbo { return (m.tsRecv.rawValue, m.hd.tsEvent.rawValue) }
        switch ref.rtype {
        case RType.symbolMapping, RType.instrumentDef, RType.status, RType.system, RType.error: return nil
        default:
            let e = ref.header.tsEvent.rawValue
            return (e, e)
        }
    }

    static func now() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1e9) }
}
