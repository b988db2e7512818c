import Foundation
import Games

/// `play plot DIR`: the report of a run, or of a directory of runs (a sweep, seeds of an
/// experiment), as SVG figures and an `index.html` in `DIR/report/`.
///
/// From the run logs: learning curves per game, the final scores, aggregates across games
/// (IQM and mean with stratified-bootstrap intervals) and, with several conditions of at
/// least two seeds, the probability of improvement between them. From the result files,
/// when present in DIR: transfer curves and measures (`transfer.json`), held-out transfer
/// against the number of games (`heldout.json`), scaling with power-law fits
/// (`scaling.json`), CKA, task-variance and probe heatmaps (`analysis.json`).
///
///     let page = try Report.write(from: URL(fileURLWithPath: "runs/demo"))
public enum Report {
    /// Builds the report of `directory`. Intervals use bootstrap seed `seed`, so the same
    /// logs give the same page.
    public static func build(from directory: URL, seed: UInt64 = 0) throws -> ReportPage {
        let runs = try RunData.load(directory)
        let transfer = try TransferResult.read(from: directory), heldOut = try HeldOutResult.read(from: directory)
        let scaling = try ScalingResult.read(from: directory), analysis = try AnalysisResult.read(from: directory)
        if runs.isEmpty && transfer == nil && heldOut == nil && scaling == nil && analysis == nil {
            throw LabError("\(directory.path) holds no runs (directories with config.json and log.jsonl) and no result files "
                           + "(\([TransferResult.fileName, HeldOutResult.fileName, ScalingResult.fileName, AnalysisResult.fileName].joined(separator: ", ")))")
        }
        let conditions = Condition.group(runs)
        var page = ReportPage(title: "Lab report: \(directory.lastPathComponent)",
                              introduction: "\(runs.count) run\(runs.count == 1 ? "" : "s") in \(conditions.count) condition\(conditions.count == 1 ? "" : "s"), "
                                + "read from \(directory.path). Scores are wins + ½ draws per game of greedy play against the random player "
                                + "(tasks: the success rate of the policy's samples); 0.5 is what a random player scores against another.")
        if !runs.isEmpty { addRunSections(to: &page, conditions, seed: seed) }
        if let transfer { addTransfer(to: &page, transfer, seed: seed) }
        if let heldOut, !heldOut.records.isEmpty {
            page.section("Held-out games", [.figure(.init(name: "heldout", svg: ExperimentFigures.heldOutPlot(heldOut, seed: seed).svg,
                                                        caption: "Score on games left out of pre-training, against how many games the model was pre-trained on."))])
        }
        if let scaling { addScaling(to: &page, scaling, seed: seed) }
        if let analysis { addAnalysis(to: &page, analysis) }
        return page
    }

    /// Builds the report and writes it to `output` (default `directory/report`); returns
    /// the page's URL.
    @discardableResult
    public static func write(from directory: URL, to output: URL? = nil, seed: UInt64 = 0) throws -> URL {
        try build(from: directory, seed: seed).write(to: output ?? directory.appendingPathComponent("report"))
    }

    private static func addRunSections(to page: inout ReportPage, _ conditions: [Condition], seed: UInt64) {
        var curves: [ReportPage.Block] = []
        for game in RunFigures.games(conditions) {
            if let plot = RunFigures.learningCurves(conditions, game: game, seed: seed) {
                curves.append(.figure(.init(name: "curve-" + fileName(game), svg: plot.svg,
                                            caption: "\(game): score against the random player (tasks: success rate) as training goes on.")))
            }
        }
        if curves.isEmpty { curves.append(.paragraph("No periodic evaluations in the logs (train with --eval-every SECONDS to get learning curves).")) }
        page.section("Learning curves", curves)
        var finals: [ReportPage.Block] = [.table(RunFigures.finalScores(conditions, seed: seed))]
        if let (chart, table) = RunFigures.aggregates(conditions, seed: seed) {
            finals.append(.figure(.init(name: "aggregate", svg: chart.svg,
                                        caption: "IQM and mean over games and seeds of the final score against random, per condition.")))
            finals.append(.table(table))
        }
        if let (heatmap, table) = RunFigures.improvement(conditions, seed: seed) {
            finals.append(.figure(.init(name: "improvement", svg: heatmap.svg, caption: "How often a run of one condition beats a run of another, game by game.")))
            finals.append(.table(table))
        }
        page.section("Final scores", finals)
        page.section("Runs", [.table(RunFigures.runTable(conditions))])
        let runs = conditions.flatMap(\.runs)
        if runs.count == 1 { addTrainingDynamics(to: &page, runs[0]) }
    }

    /// Entropy curves (tasks and two-player games apart) and backplay reaches of a report's
    /// only run; a report of several runs would need them per run, so it leaves them out.
    private static func addTrainingDynamics(to page: inout ReportPage, _ run: RunData) {
        // The tasks: single-player games of the registry, and any game evaluated against its
        // optimum (a game the registry no longer has).
        let games = run.gamesWithEvaluations
        let tasks = Set(games.filter { (try? GameCatalog.registry.game($0))?.playerCount == 1 })
            .union(run.evaluations.filter { $0.score.opponent.hasPrefix("optimum") }.map(\.score.game))
        var blocks: [ReportPage.Block] = []
        for (games, kind) in [(games.filter { !tasks.contains($0) }, "two-player games"), (games.filter(tasks.contains), "tasks")] {
            guard let plot = RunFigures.entropyCurves(run, games: games, title: "Policy entropy: \(kind)") else { continue }
            blocks.append(.figure(.init(name: "entropy-" + (kind == "tasks" ? "tasks" : "two-player"), svg: plot.svg,
                                        caption: "Policy entropy per game (\(kind)) as training goes on; uniform play over n moves is ln n "
                                            + "(ln 4 = 1.39 for a maze, ln 6 = 1.79 for key-door).")))
        }
        if let plot = RunFigures.backplayReach(run) {
            blocks.append(.figure(.init(name: "backplay-reach", svg: plot.svg,
                                        caption: "How far before the goal (in solver steps) backplay starts each task's training episodes.")))
        }
        if !blocks.isEmpty { page.section("Training dynamics", blocks) }
    }

    private static func addTransfer(to page: inout ReportPage, _ result: TransferResult, seed: UInt64) {
        var blocks: [ReportPage.Block] = []
        for target in result.targets where !target.curves.isEmpty {
            let plot = ExperimentFigures.transferCurves(target, metric: result.metric, stepUnit: result.stepUnit, threshold: result.threshold, seed: seed)
            blocks.append(.figure(.init(name: "transfer-" + fileName(target.target), svg: plot.svg,
                                        caption: "\(target.target) learned from scratch, fine-tuned after pre-training, and jointly with the other games.")))
            blocks.append(.table(ExperimentFigures.transferTable(target, threshold: result.threshold, seed: seed)))
        }
        page.section("Transfer", blocks)
    }

    private static func addScaling(to page: inout ReportPage, _ result: ScalingResult, seed: UInt64) {
        var blocks: [ReportPage.Block] = [], fits: [ExperimentFigures.ScalingFit] = []
        for variable in ExperimentFigures.ScalingVariable.allCases {
            guard let (plot, variableFits) = ExperimentFigures.scalingPlot(result, versus: variable, seed: seed) else { continue }
            blocks.append(.figure(.init(name: "scaling-\(variable.rawValue)", svg: plot.svg,
                                        caption: "Error against \(variable.label), log-log, with fitted power laws per architecture.")))
            fits += variableFits
        }
        let dropped = result.points.filter { $0.error <= 0 }.count
        if dropped > 0 { blocks.append(.paragraph("\(dropped) point(s) with error 0 are not shown (a log axis has no 0).")) }
        if !fits.isEmpty { blocks.append(.table(ExperimentFigures.scalingTable(fits))) }
        page.section("Scaling", blocks)
    }

    private static func addAnalysis(to page: inout ReportPage, _ result: AnalysisResult) {
        var blocks: [ReportPage.Block] = []
        for (index, table) in result.cka.enumerated() {
            blocks.append(.figure(.init(name: "cka-\(index + 1)", svg: ExperimentFigures.ckaHeatmap(table).svg, caption: table.title)))
        }
        for (index, table) in result.taskVariance.enumerated() {
            blocks.append(.figure(.init(name: "task-variance-\(index + 1)", svg: ExperimentFigures.taskVarianceHeatmap(table).svg,
                                        caption: "\(table.title): which units vary in which games.")))
            // Every pair up to 6 pairs; more would flood the page.
            var pairs: [(Int, Int)] = []
            for a in table.games.indices { for b in table.games.indices where a < b { pairs.append((a, b)) } }
            for (a, b) in pairs.prefix(6) {
                blocks.append(.figure(.init(name: "ftv-\(index + 1)-\(fileName(table.games[a]))-\(fileName(table.games[b]))",
                                            svg: ExperimentFigures.fractionalVarianceChart(table, a, b).svg,
                                            caption: "Fractional task variance between \(table.games[a]) and \(table.games[b]), with the rotation control.")))
            }
        }
        if !result.taskVariance.isEmpty { blocks.append(.table(ExperimentFigures.taskVarianceTable(result.taskVariance))) }
        for (index, table) in result.probes.enumerated() {
            blocks.append(.figure(.init(name: "probe-\(index + 1)", svg: ExperimentFigures.probeHeatmap(table).svg, caption: table.title)))
        }
        for (index, table) in result.gates.enumerated() {
            blocks.append(.figure(.init(name: "gate-\(index + 1)", svg: ExperimentFigures.gateHeatmap(table).svg,
                                        caption: "\(table.title): how alike the games' gates are.")))
        }
        if !result.gates.isEmpty { blocks.append(.table(ExperimentFigures.gateTable(result.gates))) }
        if !result.glimpses.isEmpty { blocks.append(.table(ExperimentFigures.glimpseTable(result.glimpses))) }
        page.section("Shared representations", blocks)
    }

    /// A game id or label as a file name.
    static func fileName(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }
}
