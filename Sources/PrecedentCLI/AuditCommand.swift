import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentLake
import PrecedentWarehouse

/// `precedent audit`
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "What the lake and the warehouse hold, per root, layer and table: partitions, rows, dates, gaps, empty and incomplete partitions.",
        discussion: """
            Reads only manifests and folder names (fast on large lakes). Gaps are weekdays without a \
            partition between a table's first and last date (exchange holidays show up as gaps too). \
            With --warehouse, also the daily matrix rows per symbol in the SQLite warehouse.

            Example:
              precedent audit --lake out/lake --json
            """)
    @Option(help: ArgumentHelp("Lake root folder.", valueName: "dir")) var lake: String?
    @Option(help: ArgumentHelp("SQLite warehouse file.", valueName: "file")) var warehouse: String?
    @Flag(help: "Print JSON.") var json = false

    struct Table: Encodable {
        var layer: String; var productType: String; var symbol: String; var table: String
        var partitions: Int; var complete: Int; var incomplete: [String]; var emptyPartitions: [String]
        var rows: Int; var firstDate: String?; var lastDate: String?; var gaps: [String]
        var contracts: [String]
    }
    struct WarehouseTable: Encodable { var symbol: String; var rows: Int; var firstDate: String; var lastDate: String }
    struct Report: Encodable { var lake: String?; var tables: [Table]; var warehouse: [WarehouseTable]? }

    func run() throws {
        guard lake != nil || warehouse != nil else { throw ValidationError("give --lake and/or --warehouse") }
        var tables: [Table] = []
        if let lake {
            guard FileManager.default.fileExists(atPath: lake) else { throw ValidationError("no lake at \(lake)") }
            let l = Lake(root: lake)
            let groups = Dictionary(grouping: l.partitions()) { "\($0.layer)|\($0.productType)|\($0.symbol)|\($0.table)" }
            for key in groups.keys.sorted() {
                let parts = groups[key]!.sorted()
                var rows = 0, incomplete: [String] = [], empty: [String] = [], contracts = Set<String>()
                for p in parts {
                    guard l.isComplete(p), let m = try? l.manifest(p) else { incomplete.append(p.date.description); continue }
                    rows += m.rows
                    if m.rows == 0 { empty.append(p.date.description) }
                    for (k, _) in m.properties ?? [:] where k.hasPrefix("volume.") { contracts.insert(String(k.dropFirst(7))) }
                    if let c = m.properties?["contract"], !c.isEmpty { contracts.insert(c) }
                }
                let dates = Set(parts.map(\.date))
                let gaps = CivilDate.missingWeekdays(in: dates).map(\.description)
                let p0 = parts[0]
                tables.append(Table(layer: p0.layer, productType: p0.productType, symbol: p0.symbol, table: p0.table,
                                    partitions: parts.count, complete: parts.count - incomplete.count, incomplete: incomplete,
                                    emptyPartitions: empty, rows: rows, firstDate: dates.min()?.description, lastDate: dates.max()?.description,
                                    gaps: gaps, contracts: contracts.sorted()))
            }
        }
        let held = try warehouse.map { path -> [WarehouseTable] in
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no warehouse at \(path)") }
            return try Warehouse(path: path).inventory().map { WarehouseTable(symbol: $0.symbol, rows: $0.rows, firstDate: $0.first, lastDate: $0.last) }
        }
        let report = Report(lake: lake, tables: tables, warehouse: held)
        if json { print(try jsonText(report)); return }
        if let lake { print("lake \(lake): \(tables.count) tables") }
        for t in tables {
            print("  \(t.layer)/\(t.productType)/\(t.symbol)/\(t.table): \(t.complete)/\(t.partitions) partitions complete, \(grouped(t.rows)) rows, "
                  + "\(t.firstDate ?? "–") … \(t.lastDate ?? "–")" + (t.contracts.isEmpty ? "" : ", contracts \(t.contracts.joined(separator: ","))"))
            if !t.incomplete.isEmpty { print("    INCOMPLETE: \(t.incomplete.joined(separator: ", "))") }
            if !t.emptyPartitions.isEmpty { print("    empty: \(t.emptyPartitions.joined(separator: ", "))") }
            if !t.gaps.isEmpty { print("    gaps (weekdays without a partition): \(t.gaps.count), e.g. \(t.gaps.prefix(5).joined(separator: ", "))") }
        }
        if let held {
            print("warehouse \(warehouse!): \(held.count) symbols")
            for w in held { print("  \(w.symbol): \(grouped(w.rows)) rows, \(w.firstDate) … \(w.lastDate)") }
        }
    }
}
