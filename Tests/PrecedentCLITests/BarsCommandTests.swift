import Foundation
import PrecedentTestSupport
import Testing

/// `precedent bars …` as a user runs it: output read through a pipe, bad numbers, files that
/// give nothing.
@Suite struct BarsCommandTests {
    static let zl = Fixtures.path("bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv")
    static let esDaily = Fixtures.path("bars/lean-es/daily/es_trade.zip")

    /// Standard output through a pipe (as `> out.csv` or `| head`): every `#` line first, then the
    /// header once, then whole CSV rows — one writer, no fragments.
    @Test(arguments: [["--settlements", zl, "--root", "ZL"], ["--lean-daily", esDaily, "--root", "ES"]])
    func continuousOutputThroughAPipeIsWholeLinesInOrder(_ args: [String]) throws {
        let r = try runPrecedent(["bars", "continuous"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let header = try #require(lines.firstIndex(of: "date,contract,open,high,low,close,volume,source"), "no whole header line")
        #expect(lines[..<header].allSatisfy { $0.hasPrefix("# ") })
        #expect(lines[..<header].first?.hasPrefix("# ") == true && lines[..<header].contains { $0.hasPrefix("# roll ") })
        let rows = lines[(header + 1)...]
        #expect(rows.count > 50 && rows.allSatisfy { !$0.hasPrefix("#") && $0.split(separator: ",", omittingEmptySubsequences: false).count == 8 })
        // The summary line counts exactly the rows that follow it.
        #expect(lines[0].hasPrefix("# \(rows.count) rows,"), "\(lines[0])")
    }

    /// The sample with its contract names in the one-digit form of later years (`BOF95 Comdty` →
    /// `BOF5 Comdty`; prices untouched) gives the same series as the two-digit names.
    @Test func oneDigitYearNamesGiveTheSameSeries() throws {
        let lines = try String(contentsOfFile: Self.zl, encoding: .utf8).split(whereSeparator: \.isNewline)
        let renamed = [String(lines[0])] + lines.dropFirst().map { line -> String in
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let name = f[2].split(separator: " ")[0]
            f[2] = "\(name.dropLast(2))\(name.last!) Comdty"
            return f.joined(separator: ",")
        }
        let dir = Oracle.temporaryPath("")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The same file name, so that the rows' source column is the same too.
        let path = dir + "/" + (Self.zl as NSString).lastPathComponent
        try renamed.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let original = try runPrecedent(["bars", "continuous", "--zl-csv", Self.zl, "--root", "ZL"])
        let oneDigit = try runPrecedent(["bars", "continuous", "--zl-csv", path, "--root", "ZL"])
        #expect(original.status == 0 && oneDigit.status == 0, "\(oneDigit.stderr)")
        #expect(original.stdout.hasPrefix("# 2017 rows, 46 rolls, 0 input rows rejected"))
        #expect(oneDigit.stdout == original.stdout)
    }

    /// A file none of whose rows belongs to the asked root: exit 1, counts by reason and the first
    /// rejected lines on standard error, no series on standard output.
    @Test func aFileWithEveryRowRejectedIsAnError() throws {
        let r = try runPrecedent(["bars", "continuous", "--settlements", Self.zl, "--root", "ZC"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("input rows rejected") && r.stderr.contains("root ZL, not the selected ZC") && r.stderr.contains("e.g. "))
        #expect(r.stderr.contains("no row of") && !r.stdout.contains("date,contract"))
    }

    /// Numbers out of range are usage errors (exit 64, the option named), never a trap.
    @Test func badNumbersAreUsageErrors() throws {
        let zip = Fixtures.path("bars/lean-es/minute/20131007_trade.zip")
        let cases: [([String], String)] = [
            (["bars", "resample", zip, "--minutes", "0"], "--minutes"),
            (["bars", "resample", zip, "--minutes", "-5"], "--minutes"),
            (["bars", "continuous", "--lean-daily", Self.esDaily, "--root", "ES", "--window", "0"], "--window"),
            (["bars", "continuous", "--lean-daily", Self.esDaily, "--root", "ES", "--days-before-expiry", "-1"], "--days-before-expiry"),
            (["bars", "continuous", "--lean-daily", Self.esDaily, "--root", "ES", "--tick", "0"], "--tick"),
            (["bars", "continuous", "--lean-daily", Self.esDaily, "--root", "ES", "--sanity-band", "-0.2"], "--sanity-band"),
            (["bars", "continuous", "--lean-daily", Self.esDaily, "--root", "ES", "--sanity-dates", "0"], "--sanity-dates"),
            (["evaluate", "--symbol", "ES", "--k", "0"], "--k"),
            (["evaluate", "--symbol", "ES", "--minimum-precedents", "-1"], "--minimum-precedents"),
            (["query", "--symbol", "ES", "--date", "2023-12-26", "--time", "18:12", "--level", "or_high", "--k", "-3"], "--k"),
            (["book", Fixtures.path(Fixtures.cmeMBO), "--depth", "0"], "--depth"),
            (["run", "--symbol", "ES", "--workers", "0"], "--workers"),
            (["dbn", "cat", Fixtures.path(Fixtures.cmeMBO), "--limit", "-1"], "--limit"),
            (["parquet", "cat", "x.parquet", "--limit", "-1"], "--limit"),
            (["lake", "write-dbn", Fixtures.path(Fixtures.cmeMBO), "--lake", "/nonexistent", "--table", "mbo", "--row-group-size", "0"], "--row-group-size"),
            (["bench", "dbn", Fixtures.path(Fixtures.cmeMBO), "--repeat", "0"], "--repeat"),
            (["bench", "bars", "x.csv", "--repeat", "0"], "--repeat"),
            (["bench", "pipeline", Fixtures.path(Fixtures.cmeMBO), "--workers", "0"], "--workers"),
            (["bench", "parquet", Fixtures.path(Fixtures.cmeMBO), "--row-group-size", "0"], "--row-group-size"),
            (["bench", "knn", "--queries", "0"], "--queries"),
        ]
        for (args, option) in cases {
            let r = try runPrecedent(args)
            #expect(r.status == 64 && r.stderr.contains(option), "\(args.joined(separator: " ")): exit \(r.status), \(r.stderr.prefix(300))")
        }
    }
}
