import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import NIOCore
import PrecedentCore
import PrecedentDBN

/// Who may connect and how many.
public struct AccessSettings: Sendable {
    /// The bearer token every request must carry (header `Authorization: Bearer …` or the query
    /// parameter `token`, which the page passes on); nil: none asked (loopback only).
    public var token: String?
    public var maxClients: Int
    public init(token: String?, maxClients: Int) { self.token = token; self.maxClients = maxClients }
}

/// A JSON error as an HTTP response.
struct JSONError: HTTPResponseError {
    let error: APIError
    var status: HTTPResponse.Status { .init(code: error.status) }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        ViewServer.json(error.result)
    }
}

/// Refuses requests without the token (401, JSON), comparing in constant time. The token is
/// never logged: the server logs no request line at all.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var offered: Substring? = nil
        if let h = request.headers[.authorization], h.hasPrefix("Bearer ") { offered = h.dropFirst(7) }
        if offered == nil, let q = request.uri.queryParameters["token"] { offered = q }
        guard let offered, Self.equal(Array(offered.utf8), token) else {
            var r = ViewServer.json(APIError(401, "missing or wrong token: send Authorization: Bearer <token> (or ?token= on the page URL)").result)
            r.headers[.wwwAuthenticate] = "Bearer"
            return r
        }
        return try await next(request, context)
    }

    /// Equal bytes, in time that depends on the lengths only.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}

/// Counts answered requests and gives every error a JSON body (the router's own 404 included).
struct CountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        defer { metrics.requests.increment() }
        do {
            return try await next(request, context)
        } catch let e as JSONError {
            throw e
        } catch let e as HTTPResponseError {
            let code = Int(e.status.code)
            throw JSONError(error: APIError(code, code == 404 ? "no such endpoint \(request.uri.path.prefix(80)); see docs/API.md"
                                                  : "\(e.status.reasonPhrase) (\(request.method) \(request.uri.path.prefix(80)))"))
        } catch {
            throw JSONError(error: APIError(500, "\(error)"))
        }
    }
}

/// `precedent serve`'s routes: the page, the JSON API, the replay controls, the stream, health and metrics.
public enum ViewServer {
    public typealias Context = BasicWebSocketRequestContext

    /// The router (tested without sockets through HummingbirdTesting; the stream needs a live server).
    public static func router(api: LakeAPI, hub: ReplayHub, access: AccessSettings, metrics: ServerMetrics) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: CountingMiddleware(metrics: metrics))
        if let token = access.token { router.add(middleware: TokenMiddleware(token: Array(token.utf8))) }

        router.get("/") { request, _ in
            _ = try params(request, [])
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: Page.html)))
        }
        router.get("/report") { request, _ in
            let p = try params(request, ["symbol", "level", "k", "minimum_precedents", "placebo"])
            let page: String
            do { page = try api.report(p) } catch let e as APIError { throw JSONError(error: e) }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        router.get("/healthz") { _, _ in json(.ok("{\"status\":\"ok\"}")) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("/api/symbols") { request, _ in
            _ = try params(request, [])
            return json(api.symbols())
        }
        router.get("/api/levels") { request, _ in try answer { try api.levels(params(request, ["symbol", "date"])) } }
        router.get("/api/windows") { request, _ in
            try answer { try api.windows(params(request, ["symbol", "date", "level", "from", "to", "limit"])) }
        }
        router.get("/api/triggers") { request, _ in try answer { try api.triggers(params(request, ["symbol", "date"])) } }
        router.get("/api/query") { request, _ in
            let start = ContinuousClock.now
            defer { metrics.queryLatency.record(ContinuousClock.now - start) }
            return try answer { try api.query(params(request, ["symbol", "date", "time", "level", "direction", "k"])) }
        }
        router.get("/api/setups/:id") { request, context in
            _ = try params(request, [])
            return try answer { try api.setup(context.parameters.get("id") ?? "") }
        }
        router.get("/api/replay") { request, _ in
            _ = try params(request, [])
            return json(.ok(replayState(hub)))
        }
        router.get("/api/columns") { request, _ in
            let p = try params(request, ["last"])
            var n = 60
            if let s = p["last"] {
                guard let v = Int(s), v > 0, v <= 10_000 else { throw JSONError(error: APIError(400, "last must be 1…10000; got \(s)", parameter: "last")) }
                n = v
            }
            return json(.ok("{\"columns\":[" + hub.recentColumns.suffix(n).joined(separator: ",") + "]}"))
        }
        router.post("/api/replay") { request, _ in
            try answer {
                let p = try params(request, ["action", "speed", "time", "symbol", "date"])
                try control(hub, api: api, p)
                return .ok(replayState(hub))
            }
        }
        router.ws("/ws") { request, _ in
            _ = try params(request, [])
            guard hub.clientCount < access.maxClients else {
                throw JSONError(error: APIError(503, "the server has its maximum of \(access.maxClients) clients; try again later"))
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            guard let box = hub.join(max: access.maxClients) else { return }
            defer { hub.leave(box) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The client only listens; reading finds its close.
                    for try await _ in inbound {}
                    box.close()
                }
                group.addTask {
                    while let f = await box.next() { try await outbound.write(.text(f.text)) }
                }
                try await group.next()
                group.cancelAll()
                box.close()
            }
        }
        // Anything else: a JSON 404.
        router.get("/**") { request, _ -> Response in
            throw JSONError(error: APIError(404, "no such endpoint \(request.uri.path.prefix(80)); see docs/API.md"))
        }
        return router
    }

    /// The replay's state as JSON.
    static func replayState(_ hub: ReplayHub) -> String {
        let c = hub.current
        return ReplayHub.stateJSON(c.status, playing: c.playing, speed: c.speed, clock: hub.clockOf(c.status.symbol))
    }

    /// `POST /api/replay?action=…`: play, pause, speed (1–100), seek (time HH:MM[:SS]), next_trigger,
    /// load (symbol, date[, time]).
    static func control(_ hub: ReplayHub, api: LakeAPI, _ p: APIParameters) throws {
        let action = try p.required("action")
        if hub.isLive {
            throw APIError(409, "the view follows a live feed: it cannot be paused, sped up, moved or reloaded (replay the recorded lake for that)")
        }
        switch action {
        case "play": hub.setPlaying(true)
        case "pause": hub.setPlaying(false)
        case "speed":
            let s = try p.required("speed")
            guard let x = Double(s), x >= 0.1, x <= 1000 else { throw APIError(400, "speed must be 0.1…1000; got \(s)", parameter: "speed") }
            hub.setSpeed(x)
        case "seek":
            let status = hub.current.status
            guard let d = CivilDate(iso: status.date), let clock = hub.clockOf(status.symbol) else { throw APIError(409, "nothing is loaded") }
            guard let t = try LakeAPI.time(p, "time") else { throw APIError(400, "time is required", parameter: "time") }
            hub.seek(to: clock.moment(d, t))
        case "next_trigger": hub.nextTrigger()
        case "load":
            let root = try api.symbol(p), d = try api.date(p, root: root)
            let at = try LakeAPI.time(p, "time").map { api.context.clocks[root]!.moment(d, $0) }
            hub.load(root: root, date: d, at: at)
        default:
            throw APIError(400, "action must be play, pause, speed, seek, next_trigger or load; got \(action)", parameter: "action")
        }
    }

    static func params(_ request: Request, _ allowed: Set<String>) throws -> APIParameters {
        do {
            return try APIParameters(request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                                     allowed: allowed.union(["token"]))
        } catch let e as APIError { throw JSONError(error: e) }
    }

    static func answer(_ body: () throws -> APIResult) throws -> Response {
        do { return json(try body()) } catch let e as APIError { throw JSONError(error: e) } catch let e as JSONError { throw e } catch {
            throw JSONError(error: APIError(500, "\(error)"))
        }
    }

    static func json(_ r: APIResult) -> Response {
        Response(status: .init(code: r.status), headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: r.json)))
    }
}

/// Closes every client's stream and stops the replay when the server shuts down (SIGINT/SIGTERM),
/// so the WebSocket handlers end and the process exits 0.
struct HubService: Service {
    let hub: ReplayHub
    func run() async throws {
        try? await gracefulShutdown()
        hub.stop()
    }
}

extension ViewServer {
    /// Serves until SIGINT or SIGTERM. `onRunning` gets the bound port.
    public static func serve(api: LakeAPI, hub: ReplayHub, access: AccessSettings, metrics: ServerMetrics, host: String, port: Int,
                             onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let router = router(api: api, hub: hub, access: access, metrics: metrics)
        var logger = Logger(label: "precedent-serve")
        logger.logLevel = .warning
        let app = Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                              configuration: .init(address: .hostname(host, port: port), serverName: "precedent"),
                              services: [HubService(hub: hub)],
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService()
    }
}
