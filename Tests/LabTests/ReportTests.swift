import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Lab

/// Learning-curve measures, axes, run reading, CSV export and the report's contents.
@Suite struct ReportTests {
    @Test func learningCurveMeasuresByHand() throws {
        let scratch = LearningCurve(steps: [0, 1000, 2000], scores: [0.5, 0.7, 0.9])
        let tuned = LearningCurve(steps: [0, 1000, 2000], scores: [0.7, 0.9, 0.95])
        #expect(abs(tuned.initialScore - scratch.initialScore - 0.2) < 1e-12)
        #expect(scratch.area(upTo: 2000) == 1400)                  // 1000 * 0.6 + 1000 * 0.8
        #expect(abs(scratch.area(upTo: 1500) - 975) < 1e-9)         // 600 + 500 * (0.7 + 0.8) / 2
        #expect(abs(try #require(tuned.areaRatio(over: scratch)) - 325.0 / 1400) < 1e-12)
        let never = LearningCurve(steps: scratch.steps, scores: scratch.steps.map { _ in 0 })
        #expect(tuned.areaRatio(over: never) == nil, "no area ratio over a curve that never scored")
        #expect(abs(scratch.steps(toReach: 0.8)! - 1500) < 1e-9)
        #expect(scratch.steps(toReach: 0.95) == nil)
        #expect(scratch.effectiveDataTransferred(score: 0.9, spent: 1000) == 1000)
        #expect(scratch.score(at: 500) == 0.6)
        let (grid, scores) = LearningCurve.aligned([scratch, LearningCurve(steps: [500, 2500], scores: [0, 1])], points: 3)
        #expect(grid == [500, 1250, 2000])
        #expect(scores[1] == [0.75, 0.375])
    }

    @Test func niceAndLogTicks() {
        let ticks = Axis.niceTicks(0, 0.93)
        #expect(ticks.count == 6 && zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(Axis.niceTicks(0, 200_000) == [0, 50_000, 100_000, 150_000, 200_000])
        #expect(Axis.logTicks(1e3, 1e7) == [1e3, 1e4, 1e5, 1e6, 1e7])
        #expect(Axis.logTicks(1, 100) == [1, 2, 5, 10, 20, 50, 100])
        #expect(Axis.tickLabel(150_000) == "150k" && Axis.tickLabel(2e6) == "2M" && Axis.tickLabel(0.25) == "0.25")
    }

    @Test func svgEscapesText() {
        var svg = SVG(width: 10, height: 10)
        svg.text("a < b & \"c\"", x: 0, y: 0)
        #expect(svg.document.contains("a &lt; b &amp; &quot;c&quot;"))
    }

    @Test func runLogsAreReadAndGroupedBySettings() throws {
        let directory = try ReportFixtures.directory("runs")
        defer { ReportFixtures.cleanUp(directory) }
        try ReportFixtures.writeRuns(in: directory)
        // A run still writing: its last line is cut off; and an event kind the lab does not know.
        let line = ReportFixtures.evalLine(game: "tic-tac-toe", opponent: "random", wins: 60, draws: 0, losses: 40, decisions: 5, seconds: 1)
        try ReportFixtures.writeRun(in: directory, name: "w64-s9", seed: 9, width: 64,
                                    lines: [line, "{\"event\":\"checkpoint\",\"update\":3}", String(line.prefix(30))], finished: false)
        let runs = try RunData.load(directory)
        #expect(runs.map(\.name) == ["w256-s1", "w256-s2", "w256-s3", "w64-s1", "w64-s2", "w64-s9"])
        let partial = runs.last!
        #expect(partial.evaluations.count == 1 && partial.updates.isEmpty)
        // No final table: the last periodic evaluation stands in.
        #expect(partial.finalEvaluations.map(\.score.wins) == [60])
        #expect(runs[0].periodicEvaluations.count == 12 && runs[0].finalEvaluations.count == 4 && runs[0].updates.count == 6)
        let conditions = Condition.group(runs)
        #expect(conditions.map(\.name) == ["width=256", "width=64"])
        #expect(conditions.map(\.runs.count) == [3, 3])
    }

    /// A run whose config.json predates an option groups with a newer run that has the
    /// option at the value the older code used; a run with another value does not.
    @Test func runsFromBeforeAnOptionGroupWithRunsThatHaveItsOldValue() throws {
        let directory = try ReportFixtures.directory("options")
        defer { ReportFixtures.cleanUp(directory) }
        let line = ReportFixtures.evalLine(game: "tic-tac-toe", opponent: "random", wins: 60, draws: 0, losses: 40, decisions: 5, seconds: 1)
        for (name, extra) in [("old", ""), ("new", ",\"noveltyBonus\":0"), ("bonus", ",\"noveltyBonus\":0.01,\"learningRate\":0.123456789")] {
            let run = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try "{\"games\":[\"tic-tac-toe\"],\"seed\":1,\"width\":8\(extra)}".write(to: run.appendingPathComponent("config.json"),
                                                                                      atomically: true, encoding: .utf8)
            try (line + "\n").write(to: run.appendingPathComponent("log.jsonl"), atomically: true, encoding: .utf8)
        }
        let runs = try RunData.load(directory)
        let conditions = Condition.group(runs)
        // A written value stays as written (not as a Float read and written back); a
        // missing one is the default.
        #expect(runs.first { $0.name == "bonus" }?.settings["learningRate"] == "0.123456789")
        #expect(runs.first { $0.name == "old" }?.settings["learningRate"] == "0.001")
        #expect(conditions.map(\.runs.count).sorted() == [1, 2])
        #expect(Set(conditions.map(\.name)) == ["learningRate=0.001 noveltyBonus=0", "learningRate=0.123456789 noveltyBonus=0.01"])
    }

    @Test func aBrokenLogLineIsAnErrorWithItsLineNumber() throws {
        let directory = try ReportFixtures.directory("broken")
        defer { ReportFixtures.cleanUp(directory) }
        try ReportFixtures.writeRun(in: directory, name: "run", seed: 1, width: 8, lines: ["{\"event\":\"eval\"}", "{}"])
        #expect {
            _ = try RunData.load(directory)
        } throws: { error in
            "\(error)".contains("line 1")
        }
        let empty = try ReportFixtures.directory("empty")
        defer { ReportFixtures.cleanUp(empty) }
        #expect(throws: LabError.self) { _ = try Report.build(from: empty) }
    }

    @Test func finalScoresTableAveragesSeeds() throws {
        let directory = try ReportFixtures.directory("finals")
        defer { ReportFixtures.cleanUp(directory) }
        for (seed, wins) in [(1, 60), (2, 80)] {
            try ReportFixtures.writeRun(in: directory, name: "s\(seed)", seed: seed, width: 8, lines: [
                ReportFixtures.evalLine(game: "tic-tac-toe", opponent: "random", wins: wins, draws: 0, losses: 100 - wins, decisions: 10, seconds: nil),
            ])
        }
        let table = RunFigures.finalScores(Condition.group(try RunData.load(directory)))
        #expect(table.rows.count == 1)
        #expect(table.rows[0][3] == "2" && table.rows[0][5].hasPrefix("0.70 [0.60, 0.80]") && table.rows[0][6] == "0.60 0.80")
    }

    @Test func csvHasOneRowPerEventAndQuotesCommas() throws {
        let directory = try ReportFixtures.directory("export")
        defer { ReportFixtures.cleanUp(directory) }
        try ReportFixtures.writeRuns(in: directory)
        let files = try Export.csv(from: directory)
        let evals = try String(contentsOf: files[0], encoding: .utf8).split(separator: "\n")
        let train = try String(contentsOf: files[1], encoding: .utf8).split(separator: "\n")
        #expect(evals.count == 1 + 5 * (12 + 4))
        #expect(train.count == 1 + 5 * 6)
        #expect(evals[0] == Substring(Export.evalColumns.joined(separator: ",")))
        #expect(train[0].hasSuffix("return/tic-tac-toe,return/connect-four"))
        #expect(evals[1].hasPrefix("w256-s1,width=256,1,periodic,tic-tac-toe,random,"))
        #expect(Export.row(["a,b", "say \"hi\"", "c"]) == "\"a,b\",\"say \"\"hi\"\"\",c")
    }

    /// Per-game entropies and backplay reaches get a column per game some run logs them
    /// for; a run that does not log one leaves its cell empty.
    @Test func csvHasEntropyAndBackplayReachColumnsWhereRunsLogThem() throws {
        let directory = try ReportFixtures.directory("export-reach")
        defer { ReportFixtures.cleanUp(directory) }
        try ReportFixtures.writeRun(in: directory, name: "a-backplay", seed: 1, width: 8, lines: [
            ReportFixtures.trainLine(update: 1, decisions: 100, returns: ["maze-7x7": 0.5], entropies: ["maze-7x7": 1.25, "tic-tac-toe": 0.75],
                                     backplayReach: ["maze-7x7": 6]),
        ])
        try ReportFixtures.writeRun(in: directory, name: "b-old", seed: 2, width: 8, lines: [
            ReportFixtures.trainLine(update: 1, decisions: 100, returns: ["maze-7x7": 0.25]),
        ])
        let train = Export.tables(try RunData.load(directory)).train.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = train[0].map(String.init)
        #expect(Array(header.suffix(4)) == ["return/maze-7x7", "entropy/tic-tac-toe", "entropy/maze-7x7", "backplay_reach/maze-7x7"])
        #expect(train[1].suffix(4) == ["0.5", "0.75", "1.25", "6"])
        #expect(train[2].suffix(4) == ["0.25", "", "", ""])
    }

    /// `play summary`'s tables: scores per evaluation and final, entropies averaged over
    /// windows, advantage spreads, backplay reaches; tables an old log lacks are named.
    @Test func summaryTablesComeFromTheLog() throws {
        let directory = try ReportFixtures.directory("summary")
        defer { ReportFixtures.cleanUp(directory) }
        var lines: [String] = []
        for update in 1...5 {
            lines.append(ReportFixtures.trainLine(update: update, decisions: update * 1000, returns: ["maze-7x7": 0.5],
                                                  entropies: ["maze-7x7": Double(update) / 5, "tic-tac-toe": 1],
                                                  backplayReach: ["maze-7x7": update + 1]))
            if update % 2 == 0 {
                let eval = ReportFixtures.evalLine(game: "maze-7x7", opponent: "optimum", wins: 30 + update, draws: 0, losses: 70 - update,
                                                   decisions: update * 1000, seconds: Double(update))
                lines.append("{\"advantageSpread\":0.25," + eval.dropFirst())
            }
        }
        lines.append(ReportFixtures.evalLine(game: "maze-7x7", opponent: "optimum", wins: 40, draws: 0, losses: 60, decisions: 5000, seconds: nil))
        try ReportFixtures.writeRun(in: directory, name: "bp", seed: 1, width: 8, lines: lines)
        let text = RunSummary.text(try RunData(directory: directory.appendingPathComponent("bp")), entropyWindow: 2, reachEvery: 2)
        let rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func row(after heading: String, _ game: String) -> [String]? {
            guard let start = text.split(separator: "\n").firstIndex(where: { $0.hasPrefix(heading) }) else { return nil }
            return rows[start...].first { $0.first == game }
        }
        #expect(row(after: "score against random", "maze-7x7") == ["maze-7x7", "0.32", "0.34", "0.40"], "at 2k and 4k decisions, then final")
        #expect(row(after: "score against random", "game") == ["game", "2", "4", "final"])
        // Windows of updates 1-2, 3-4 and the shorter last one, 5: (0.2 + 0.4) / 2, (0.6 + 0.8) / 2, 1.
        #expect(row(after: "each game's policy entropy", "game") == ["game", "2", "4", "5"])
        #expect(row(after: "each game's policy entropy", "maze-7x7") == ["maze-7x7", "0.30", "0.70", "1.00"])
        #expect(row(after: "each game's policy entropy", "tic-tac-toe") == ["tic-tac-toe", "1.00", "1.00", "1.00"])
        #expect(row(after: "advantage spread", "maze-7x7") == ["maze-7x7", "0.25", "0.25"])
        #expect(text.contains("last update: 5, decisions 5000"))
        #expect(row(after: "backplay reach", "2") == ["2", "2000", "3"])
        #expect(row(after: "backplay reach", "5") == ["5", "5000", "6"], "the last update is shown too")

        try ReportFixtures.writeRun(in: directory, name: "old", seed: 1, width: 8, lines: [
            ReportFixtures.trainLine(update: 1, decisions: 100, returns: [:]),
        ])
        let old = RunSummary.text(try RunData(directory: directory.appendingPathComponent("old")))
        #expect(old.contains("no evaluations") && old.contains("no per-game entropies") && !old.contains("backplay reach"))
    }

    /// A report of one run shows its entropies (tasks apart) and, with backplay, the reaches.
    @Test func aOneRunReportShowsEntropiesAndBackplayReach() throws {
        let directory = try ReportFixtures.directory("dynamics")
        defer { ReportFixtures.cleanUp(directory) }
        var lines: [String] = []
        for update in 1...120 {
            lines.append(ReportFixtures.trainLine(update: update, decisions: update * 100, returns: [:],
                                                  entropies: ["maze-7x7": 1.3, "tic-tac-toe": 2 - Double(update) / 100],
                                                  backplayReach: ["maze-7x7": 2 + update / 10]))
        }
        lines.append(ReportFixtures.evalLine(game: "maze-7x7", opponent: "optimum", wins: 40, draws: 0, losses: 60, decisions: 12000, seconds: nil))
        lines.append(ReportFixtures.evalLine(game: "tic-tac-toe", opponent: "random", wins: 90, draws: 0, losses: 10, decisions: 12000, seconds: nil))
        try ReportFixtures.writeRun(in: directory, name: "run", seed: 1, width: 8, lines: lines)
        let page = try Report.build(from: directory.appendingPathComponent("run"))
        let figures = Dictionary(uniqueKeysWithValues: page.figures.map { ($0.name, $0.svg) })
        #expect(Array(page.figures.map(\.name).suffix(3)) == ["entropy-two-player", "entropy-tasks", "backplay-reach"])
        #expect(figures["entropy-tasks"]?.contains("maze-7x7") == true && figures["entropy-tasks"]?.contains("tic-tac-toe") == false)
        #expect(figures["entropy-two-player"]?.contains("tic-tac-toe") == true)
        let entropies = try #require(RunFigures.entropyCurves(try RunData(directory: directory.appendingPathComponent("run")), games: ["tic-tac-toe"],
                                                              title: "t", points: 60))
        // 120 updates in windows of 2: 60 points, each the mean of its two updates.
        #expect(entropies.series[0].x.count == 60 && abs(entropies.series[0].y[0] - (1.99 + 1.98) / 2) < 1e-9)

        try ReportFixtures.writeRun(in: directory, name: "old", seed: 1, width: 8, lines: [
            ReportFixtures.trainLine(update: 1, decisions: 100, returns: [:]),
            ReportFixtures.evalLine(game: "tic-tac-toe", opponent: "random", wins: 90, draws: 0, losses: 10, decisions: 100, seconds: nil),
        ])
        #expect(try !Report.build(from: directory.appendingPathComponent("old")).figures.contains { $0.name.hasPrefix("entropy") })
    }

    @Test func reportHasEveryFigureAndEachIsWellFormedSVG() throws {
        let directory = try ReportFixtures.fullReportDirectory("contents")
        defer { ReportFixtures.cleanUp(directory) }
        let page = try Report.build(from: directory)
        let names = page.figures.map(\.name)
        #expect(names == ["curve-tic-tac-toe", "curve-connect-four", "aggregate", "improvement", "transfer-tic-tac-toe", "heldout",
                          "scaling-parameters", "scaling-compute", "cka-1", "task-variance-1",
                          "ftv-1-tic-tac-toe-connect-four", "ftv-1-tic-tac-toe-breakthrough", "ftv-1-connect-four-breakthrough", "probe-1"])
        for figure in page.figures {
            let parser = XMLParser(data: Data(figure.svg.utf8))
            #expect(parser.parse(), "\(figure.name) is not well-formed XML")
            #expect(figure.svg.contains("<text"), "\(figure.name) has no text")
        }
        let html = page.html
        for section in ["Learning curves", "Final scores", "Transfer", "Held-out games", "Scaling", "Shared representations"] {
            #expect(html.contains("<h2>\(section)</h2>"))
        }
        // The scaling fit recovers the exponents the fixture was made with.
        let result = try #require(try ScalingResult.read(from: directory))
        let (_, fits) = try #require(ExperimentFigures.scalingPlot(result, versus: .parameters, resamples: 30))
        #expect(fits.map(\.series) == ["mlp", "transformer"])
        #expect(abs(fits[0].exponent.estimate - 0.35) < 0.1 && abs(fits[1].exponent.estimate - 0.5) < 0.1)
        // Transfer: fine-tuning's jumpstart over scratch is about 0.15.
        let transfer = try #require(try TransferResult.read(from: directory))
        let table = ExperimentFigures.transferTable(transfer.targets[0], threshold: 0.85)
        #expect(table.rows.map { $0[0] } == ["scratch", "fine-tune", "joint"])
        let jumpstart = try #require(Double(table.rows[1][3].prefix(4)))
        #expect(abs(jumpstart - 0.15) < 0.05)
    }
}
