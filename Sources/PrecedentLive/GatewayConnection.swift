#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A TCP connection to the gateway: POSIX sockets, connect with a time limit, reads that wait at
/// most a given time (so the caller can watch heartbeats and a stop flag between reads).
final class GatewayConnection {
    private var fd: Int32 = -1
    let endpoint: String

    /// Connects to `host:port` within `timeout` seconds.
    init(host: String, port: Int, timeout: Double) throws {
        endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw LiveError.connection("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if s < 0 { lastError = String(cString: strerror(errno)); continue }
            let flags = fcntl(s, F_GETFL)
            _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
            var r = connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen)
            if r != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
                r = poll(&p, 1, Int32(timeout * 1000))
                if r == 1 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len)
                    if err == 0 { r = 0 } else { errno = err; r = -1 }
                } else if r == 0 {
                    errno = ETIMEDOUT; r = -1
                } else { r = -1 }
            }
            if r == 0 {
                _ = fcntl(s, F_SETFL, flags)
                var one: Int32 = 1
                setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                fd = s
                return
            }
            lastError = String(cString: strerror(errno))
            Glibc.close(s)
        }
        throw LiveError.connection("cannot connect to \(endpoint): \(lastError)")
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Writes all of `text`.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LiveError.connection("sending to \(endpoint) failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    enum ReadResult { case bytes(Int), timedOut, closed }

    /// Waits at most `timeout` seconds for bytes and reads what is there into `buffer`.
    func read(into buffer: inout [UInt8], timeout: Double) throws -> ReadResult {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = poll(&p, 1, Int32(max(0, timeout) * 1000))
        if r == 0 { return .timedOut }
        if r < 0 {
            if errno == EINTR { return .timedOut }
            throw LiveError.connection("waiting for \(endpoint) failed: \(String(cString: strerror(errno)))")
        }
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n == 0 { return .closed }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return .timedOut }
            throw LiveError.connection("reading from \(endpoint) failed: \(String(cString: strerror(errno)))")
        }
        return .bytes(n)
    }
}
