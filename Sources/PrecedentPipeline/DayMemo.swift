import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// What the stages of one trade date read, kept while a run goes through that date's stages one
/// after the other, so that each input is read once: the date's bronze records of the selected
/// contract (the silver engine's input and the trigger stage's trades), the prior trade date (the
/// levels and the silver engine), and the silver columns just written (the trigger and pressure
/// stages' input, split by level once).
///
/// Only what a stage has read from a complete partition or has itself written (the write
/// succeeded) goes in, so a stage reading from the memo sees exactly the bytes it would read back.
/// Used by one thread at a time (a worker owns a date).
final class DayMemo: @unchecked Sendable {
    /// Bronze records per contract, as `BronzeTable.read` returns them.
    var records: [String: [MBOMsg]] = [:]
    /// The prior trade date (`PipelineContext.priorDay`), once read; `.some(nil)` when it is not in the lake.
    var prior: PriorDay??
    /// The silver partition this run wrote for the date: its contract and columns in `SilverTable.fields` order.
    var silver: (contract: String, columns: [ParquetColumn])?
    /// `silver` split by level (`LevelSeries.from`), once asked for.
    var series: [LevelSeries]?
}

extension PipelineContext {
    /// `priorDay` through the memo.
    func priorDay(root: String, date: CivilDate, memo: DayMemo?) throws -> PriorDay? {
        if let known = memo?.prior { return known }
        let p = try priorDay(root: root, date: date)
        memo?.prior = .some(p)
        return p
    }

    /// The bronze records of `contract` in the partition at `path`, through the memo.
    func bronzeRecords(path: String, contract: String, memo: DayMemo?) throws -> [MBOMsg] {
        if let known = memo?.records[contract] { return known }
        let records = try BronzeTable.read(path: path, contract: contract).first?.records ?? []
        memo?.records[contract] = records
        return records
    }

    /// Trade prints per contract of the bronze partition at `path`: from the memo's records where it
    /// has them (`selected`'s are read whole into it first, as the silver stage will want them), the
    /// four trade columns of the other contracts' row groups.
    func bronzeTrades(path: String, selected: String?, memo: DayMemo?) throws -> [(contract: String, trades: [TradePrint])] {
        guard let memo else { return try BronzeTable.trades(path: path) }
        if let selected, !selected.isEmpty { _ = try bronzeRecords(path: path, contract: selected, memo: memo) }
        let known = memo.records
        return try BronzeTable.trades(path: path, skipping: Set(known.keys)).map { c, t in
            (c, known[c].map(BronzeTable.trades(records:)) ?? t)
        }
    }

    /// The silver partition `key` of `contract` split by level: from the memo when this run wrote it, else read back.
    func silverSeries(_ key: PartitionKey, contract: String, memo: DayMemo?) throws -> [LevelSeries] {
        if let memo, let s = memo.series { return s }
        let s: [LevelSeries]
        if let memo, let written = memo.silver, written.contract == contract {
            s = LevelSeries.from(silver: Array(zip(SilverTable.fields.map(\.name), written.columns)))
        } else {
            s = try silverSeries(key)
        }
        memo?.series = s
        return s
    }
}
