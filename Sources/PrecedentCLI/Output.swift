#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writing to standard output (one `write(2)` per 64 KiB).
struct StandardOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        // Anything a stray `print` left in stdio's buffer goes first, so lines never interleave.
        fflush(stdout)
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Prints one line to standard error.
func printError(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { fputs($0, stderr) }
}

/// Thousands separators for counts shown to people (`44,371`).
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// Nanoseconds on a monotonic clock.
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

#if os(Linux)
/// glibc's `mallopt(3)` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt") func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Keeps freed large buffers (Parquet pages, column arrays, books) in the heap for reuse instead of
/// returning them to the kernel after every use: each fresh mapping costs a page fault per 4 KiB.
/// Arrow does the same with its memory pool. Called first by the `precedent` and
/// `precedent-bench` executables.
public func configureHeap() {
    #if os(Linux)
    _ = mallopt(-3, 256 << 20)  // M_MMAP_THRESHOLD
    _ = mallopt(-1, 512 << 20)  // M_TRIM_THRESHOLD
    #endif
}
