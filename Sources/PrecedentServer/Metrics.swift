import Prometheus

/// The server's Prometheus metrics (`GET /metrics`, text exposition format).
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Connected WebSocket clients.
    public let clients: Gauge
    /// Frames queued to clients (each client counts).
    public let framesSent: Counter
    /// Frames dropped from slow clients' queues.
    public let framesDropped: Counter
    /// The replay clock, UTC seconds.
    public let replayClock: Gauge
    /// `/api/query` latency.
    public let queryLatency: DurationHistogram
    /// HTTP requests answered, by status class.
    public let requests: Counter

    public init() {
        clients = registry.makeGauge(name: "precedent_clients", help: "Connected WebSocket clients")
        framesSent = registry.makeCounter(name: "precedent_frames_sent_total", help: "Frames queued to clients, summed over clients")
        framesDropped = registry.makeCounter(name: "precedent_frames_dropped_total", help: "Frames dropped from slow clients' queues")
        replayClock = registry.makeGauge(name: "precedent_replay_clock_seconds", help: "The replay clock, UTC seconds since the epoch")
        queryLatency = registry.makeDurationHistogram(
            name: "precedent_query_duration_seconds",
            buckets: [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                      .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)],
            help: "Time to answer /api/query")
        requests = registry.makeCounter(name: "precedent_http_requests_total", help: "HTTP requests answered")
    }

    public func text() -> String { registry.emitToString() }
}
