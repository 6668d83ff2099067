import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures

/// One raw DBN MBO file: what its metadata says.
public struct RawFile: Sendable {
    public var path: String
    public var dataset: String
    public var start: UnixNanos
    public var end: UnixNanos
    public var symbols: SymbolMap
}

/// The raw inputs of one root: every DBN file under
/// `<lake>/raw/source=*/product_type=<p>/symbol=<root>/` (any folder below,
/// any file name; the metadata decides what a file is). MBO files feed bronze;
/// definition files decide outright vs spread. Raw files are only read.
public struct RawCatalog: Sendable {
    public var root: String
    public var mbo: [RawFile] = []
    public var definitions = InstrumentDefinitions()
    /// Files that are not used, with the reason.
    public var ignored: [(path: String, reason: String)] = []

    public static func folders(lake: String, root: String, product: String) -> [String] {
        let fm = FileManager.default
        let raw = lake + "/raw"
        return ((try? fm.contentsOfDirectory(atPath: raw)) ?? []).filter { $0.hasPrefix("source=") }.sorted().map {
            "\(raw)/\($0)/product_type=\(product)/symbol=\(root)"
        }.filter { fm.fileExists(atPath: $0) }
    }

    public static func scan(lake: String, spec: InstrumentSpec) throws -> RawCatalog {
        var catalog = RawCatalog(root: spec.root)
        let fm = FileManager.default
        var paths: [String] = []
        for folder in folders(lake: lake, root: spec.root, product: spec.productType) {
            guard let walker = fm.enumerator(atPath: folder) else { continue }
            while let rel = walker.nextObject() as? String {
                let path = folder + "/" + rel
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
                let name = (rel as NSString).lastPathComponent
                guard !name.hasPrefix("."), !name.hasPrefix("_") else { continue }
                paths.append(path)
            }
        }
        return try of(paths: paths, root: spec.root)
    }

    /// The catalog of the given files (as `scan` reads a lake's raw tree): MBO files by their
    /// metadata's span, definition files for spreads, anything else ignored with the reason.
    public static func of(paths: [String], root: String) throws -> RawCatalog {
        var catalog = RawCatalog(root: root)
        var definitionPaths: [String] = []
        for path in paths.sorted() {
            guard path.hasSuffix(".dbn") || path.hasSuffix(".dbn.zst") else {
                catalog.ignored.append((path, "not a .dbn or .dbn.zst file")); continue
            }
            let metadata: Metadata
            do {
                guard let m = try DBNFileReader(path: path).metadata else { catalog.ignored.append((path, "no metadata")); continue }
                metadata = m
            } catch {
                catalog.ignored.append((path, "unreadable: \(error)")); continue
            }
            switch metadata.schema {
            case .mbo?:
                var end = metadata.end
                var symbols = SymbolMap(metadata: metadata)
                let noEnd = !end.isDefined || end.rawValue == 0 || end <= metadata.start
                if noEnd || metadata.mappings.isEmpty {
                    // A live recording (`precedent live record`): no end in the metadata (the last
                    // record's ts_recv + 1 ns) and symbols mapped by in-band records, which hold for
                    // the whole file (one UTC day).
                    var last: UInt64 = metadata.start.rawValue
                    try DBNFileReader(path: path).forEachRecord { ref in
                        if let m = ref.mbo { last = max(last, m.tsRecv.rawValue) }
                        else if ref.rtype == RType.symbolMapping, case .symbolMapping(let s)? = try ref.decode() { symbols.insert(s) }
                    }
                    if noEnd { end = UnixNanos(rawValue: last + 1) }
                }
                catalog.mbo.append(RawFile(path: path, dataset: metadata.dataset, start: metadata.start, end: end,
                                           symbols: symbols))
            case .definition?: definitionPaths.append(path)
            default: catalog.ignored.append((path, "schema \(metadata.schema.map { "\($0)" } ?? "mixed") is not used by the MBO pipeline"))
            }
        }
        catalog.definitions = try InstrumentDefinitions.load(paths: definitionPaths)
        catalog.mbo.sort { ($0.start, $0.path) < ($1.start, $1.path) }
        return catalog
    }

    /// Every trade date some MBO file covers.
    public func tradeDates(_ clock: ExchangeClock) -> [CivilDate] {
        var dates = Set<CivilDate>()
        for f in mbo {
            var d = clock.tradeDate(f.start)
            let last = clock.tradeDate(UnixNanos(rawValue: f.end.rawValue - 1))
            while d <= last { dates.insert(d); d = CivilDate(daysSinceEpoch: d.daysSinceEpoch + 1) }
        }
        return dates.filter { clock.boundary == nil || ($0.weekday != 0 && $0.weekday != 6) }.sorted()
    }
}
