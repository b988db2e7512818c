import RL

/// Figures and tables made from run logs alone: learning curves per game, the final
/// scores, and aggregates across games with their intervals. Runs that differ only by
/// seed form one condition (see `Condition`); intervals are over seeds.
public enum RunFigures {
    /// The score every figure here reads: two-player games against the random player,
    /// tasks against their optimum (the success rate).
    static func isPrimary(_ score: GameScore) -> Bool { score.opponent == "random" || score.opponent == "optimum" }

    static let scoreLabel = "score vs random (wins + ½ draws; tasks: success rate)"
    static let stepLabel = "training decisions, all games (learner moves)"

    /// The games the conditions' runs were evaluated on, in first-seen order.
    public static func games(_ conditions: [Condition]) -> [String] {
        var seen: [String] = []
        for condition in conditions {
            for run in condition.runs {
                for event in run.evaluations where !seen.contains(event.score.game) { seen.append(event.score.game) }
            }
        }
        return seen
    }

    /// The learning curve of `game` for each condition: the periodic evaluations' score
    /// against training decisions. With several seeds, the mean over seeds on a common grid
    /// with a 95% bootstrap interval of that mean; with one, the run's own 95% Wilson
    /// interval over its evaluation games. Nil when no run evaluated the game periodically.
    public static func learningCurves(_ conditions: [Condition], game: String, seed: UInt64 = 0) -> LinePlot? {
        var series: [PlotSeries] = []
        var seedCounts: [Int] = []
        var bootstrap = StratifiedBootstrap(resamples: 1000, seed: seed)
        for (index, condition) in conditions.enumerated() {
            let curves: [(LearningCurve, [EvalEvent])] = condition.runs.compactMap { run in
                let events = run.periodicEvaluations.filter { $0.score.game == game && isPrimary($0.score) }
                    .reduce(into: [EvalEvent]()) { kept, event in
                        if kept.last.map({ Double($0.decisions) < Double(event.decisions) }) ?? true { kept.append(event) }
                    }
                guard !events.isEmpty else { return nil }
                return (LearningCurve(steps: events.map { Double($0.decisions) }, scores: events.map(\.score.score)), events)
            }
            guard !curves.isEmpty else { continue }
            let name = conditions.count > 1 ? condition.name : "\(game)"
            if curves.count == 1 {
                let (curve, events) = curves[0]
                series.append(PlotSeries(name: name + " (1 seed)", x: curve.steps, y: curve.scores,
                                         band: (events.map(\.lower), events.map(\.upper)), style: .lineAndMarkers, color: index))
            } else {
                let (steps, scores) = LearningCurve.aligned(curves.map(\.0))
                let intervals = scores.map { bootstrap.interval(of: $0) }
                series.append(PlotSeries(name: name + " (\(curves.count) seeds)", x: steps, y: intervals.map(\.estimate),
                                         band: (intervals.map(\.lower), intervals.map(\.upper)), color: index))
            }
            seedCounts.append(curves.count)
        }
        guard !series.isEmpty else { return nil }
        let band = seedCounts.allSatisfy { $0 == 1 } ? "band: 95% Wilson interval over the evaluation games"
            : seedCounts.allSatisfy({ $0 > 1 }) ? "line: mean over seeds; band: 95% bootstrap CI of that mean"
            : "several seeds: mean and 95% bootstrap CI; one seed: 95% Wilson interval"
        return LinePlot(title: "Learning curve: \(game)", subtitle: "Greedy play (tasks: sampled), periodic evaluations; \(band)",
                        x: Axis(stepLabel), y: Axis(scoreLabel, range: 0...1), series: series,
                        references: [ReferenceLine(y: 0.5, label: "random vs random ≈ 0.5")])
    }

    /// Per condition, game and opponent: the final score's mean over seeds with its 95%
    /// interval (bootstrap over seeds; Wilson over the evaluation games for one seed) and
    /// every seed's score.
    public static func finalScores(_ conditions: [Condition], seed: UInt64 = 0) -> ReportPage.Table {
        var bootstrap = StratifiedBootstrap(resamples: 1000, seed: seed)
        var rows: [[String]] = []
        for condition in conditions {
            var groups: [String: [EvalEvent]] = [:], order: [String] = []
            for run in condition.runs {
                for event in run.finalEvaluations {
                    let key = event.score.game + "\u{0}" + event.score.opponent
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(event)
                }
            }
            for key in order {
                let events = groups[key]!, scores = events.map(\.score.score)
                let interval = events.count == 1 ? Interval(estimate: scores[0], lower: events[0].lower, upper: events[0].upper)
                                                 : bootstrap.interval(of: scores)
                let steps = events.filter { $0.score.meanOptimalSteps > 0 }
                let efficiency = steps.isEmpty ? "" : Format.fixed(Statistics.mean(steps.map { $0.score.meanSteps / $0.score.meanOptimalSteps }), 2)
                rows.append([condition.name, events[0].score.game, events[0].score.opponent, String(events.count),
                             String(events.map(\.score.games).reduce(0, +) / events.count), interval.formatted(),
                             scores.map { Format.fixed($0, 2) }.joined(separator: " "), efficiency])
            }
        }
        var header = ["condition", "game", "opponent", "seeds", "games/seed", "score [95% CI]", "per seed", "steps/optimal"]
        var caption = "Final scores (wins + ½ draws per game; tasks: success rate). CI: 95% bootstrap over seeds, or the Wilson interval "
            + "over the evaluation games when there is one seed."
        if rows.allSatisfy({ $0[7].isEmpty }) {
            header.removeLast()
            rows = rows.map { Array($0.dropLast()) }
        } else {
            caption += " Steps/optimal: solved tasks' moves over the shortest solution."
        }
        return ReportPage.Table(caption: caption, header: header, rows: rows)
    }

    /// Final scores (against random; tasks: the optimum) of each condition as `[game][seed]`.
    public static func finalScoreMatrix(_ condition: Condition, games: [String]) -> [[Double]] {
        games.map { game in
            condition.runs.compactMap { run in run.finalEvaluations.first { $0.score.game == game && isPrimary($0.score) }?.score.score }
        }.filter { !$0.isEmpty }
    }

    /// IQM and mean across games of each condition's final scores, with stratified-bootstrap
    /// 95% intervals (runs resampled within each game): a bar chart and its table.
    public static func aggregates(_ conditions: [Condition], seed: UInt64 = 0) -> (BarChart, ReportPage.Table)? {
        let games = games(conditions)
        var bootstrap = StratifiedBootstrap(resamples: 2000, seed: seed)
        var names: [String] = [], iqm: [Interval] = [], mean: [Interval] = [], rows: [[String]] = []
        for condition in conditions {
            let scores = finalScoreMatrix(condition, games: games)
            guard !scores.isEmpty else { continue }
            // One seed per game leaves nothing to resample: no interval rather than a zero-width one.
            let oneSeed = scores.allSatisfy { $0.count == 1 }
            var a = bootstrap.interval(of: .iqm, scores: scores), b = bootstrap.interval(of: .mean, scores: scores)
            if oneSeed { (a.lower, a.upper, b.lower, b.upper) = (.nan, .nan, .nan, .nan) }
            names.append(condition.name)
            iqm.append(a)
            mean.append(b)
            func text(_ i: Interval) -> String { oneSeed ? Format.fixed(i.estimate, 2) + " (1 seed, no CI)" : i.formatted() }
            rows.append([condition.name, String(scores.count), String(scores.map(\.count).max() ?? 0), text(a), text(b),
                         Format.fixed(Aggregate.median(scores), 2)])
        }
        guard !names.isEmpty else { return nil }
        let chart = BarChart(title: "Score across games", subtitle: "Final score vs random (tasks: success rate); error bars: 95% stratified-bootstrap CI",
                             categories: names, categoryAxis: "condition", valueAxis: Axis("score, aggregated over games and seeds", range: 0...1),
                             groups: [BarChart.Group(name: "IQM", values: iqm.map(\.estimate), intervals: iqm),
                                      BarChart.Group(name: "mean", values: mean.map(\.estimate), intervals: mean)])
        let table = ReportPage.Table(
            caption: "Aggregates across games of the final score vs random (tasks: success rate). IQM: mean of the middle 50% of all "
                + "runs of all games; CI: 95% stratified bootstrap (seeds resampled within each game, 2,000 resamples).",
            header: ["condition", "games", "seeds", "IQM [95% CI]", "mean [95% CI]", "median"], rows: rows)
        return (chart, table)
    }

    /// P(row condition > column condition) on the games both were evaluated on, averaged over
    /// games, for conditions with at least 2 seeds; nil for fewer than 2 such conditions.
    public static func improvement(_ conditions: [Condition], seed: UInt64 = 0) -> (Heatmap, ReportPage.Table)? {
        let games = games(conditions)
        let usable = conditions.filter { $0.runs.count >= 2 }
        guard usable.count >= 2 else { return nil }
        var bootstrap = StratifiedBootstrap(resamples: 1000, seed: seed)
        var values = [[Double]](repeating: [Double](repeating: .nan, count: usable.count), count: usable.count)
        var rows: [[String]] = []
        for (i, x) in usable.enumerated() {
            for (j, y) in usable.enumerated() where i != j {
                let shared = games.filter { game in [x, y].allSatisfy { !finalScoreMatrix($0, games: [game]).isEmpty } }
                guard !shared.isEmpty else { continue }
                let p = bootstrap.probabilityOfImprovement(finalScoreMatrix(x, games: shared), over: finalScoreMatrix(y, games: shared))
                values[i][j] = p.estimate
                if i < j { rows.append([x.name, y.name, String(shared.count), p.formatted()]) }
            }
        }
        let heatmap = Heatmap(title: "Probability of improvement", subtitle: "P(a run of the row condition beats one of the column condition), mean over games",
                              rowLabels: usable.map(\.name), columnLabels: usable.map(\.name), values: values,
                              rowAxis: "condition X", columnAxis: "condition Y", colorLabel: "P(X > Y)")
        let table = ReportPage.Table(caption: "Probability of improvement P(X > Y) on the final scores (Mann-Whitney per game, averaged over games); "
                                        + "95% CI from resampling each condition's seeds within each game.",
                                     header: ["X", "Y", "games", "P(X > Y) [95% CI]"], rows: rows)
        return (heatmap, table)
    }

    /// The policy's entropy per game over one run's training (`TrainEvent.entropies`), for
    /// the games of `games` the log has it for: the mean over consecutive windows of updates,
    /// about `points` windows in all. A policy still near uniform (ln of its move count) has
    /// not learned the game; one that falls fast may have collapsed. Nil without entropies.
    public static func entropyCurves(_ run: RunData, games: [String], title: String, points: Int = 60) -> LinePlot? {
        let updates = run.updates
        let window = max(1, updates.count / max(1, points))
        var series: [PlotSeries] = []
        for game in games {
            var x: [Double] = [], y: [Double] = []
            let ranges = windows(of: updates.count, size: window)
            for (range, mean) in zip(ranges, meanEntropies(updates, game: game, over: ranges)) {
                guard let mean else { continue }
                x.append(Double(updates[range.upperBound - 1].decisions))
                y.append(mean)
            }
            guard !x.isEmpty else { continue }
            // Eight colours, then the same eight dashed: sixteen lines stay apart.
            series.append(PlotSeries(name: game, x: x, y: y, dashed: series.count / 8 % 2 == 1, color: series.count % 8))
        }
        guard !series.isEmpty else { return nil }
        return LinePlot(title: title, subtitle: "Mean -log π of the moves played in training, over windows of \(window) update\(window == 1 ? "" : "s")",
                        x: Axis(stepLabel), y: Axis("policy entropy (nats)"), series: series)
    }

    /// `game`'s mean policy entropy over each of `windows` of `updates`; nil for a window
    /// whose updates do not log it (the curves and `play summary`'s table).
    static func meanEntropies(_ updates: [TrainEvent], game: String, over windows: [Range<Int>]) -> [Double?] {
        windows.map { window in
            let values = updates[window].compactMap { $0.entropies?[game] }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
    }

    /// Consecutive windows of `size` over `count` items, the last one shorter when `size`
    /// does not divide `count` (so the last updates of a run are not left out).
    static func windows(of count: Int, size: Int) -> [Range<Int>] {
        precondition(size >= 1, "windows of at least one item")
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    /// Each task's backplay reach over one run's training (`TrainEvent.backplayReach`), on a
    /// log axis: it grows while the network finishes from the starts it is given. Nil when
    /// the run trained without backplay.
    public static func backplayReach(_ run: RunData) -> LinePlot? {
        let events = run.updates.filter { $0.backplayReach != nil }
        guard let last = events.last?.backplayReach else { return nil }
        let step = max(1, events.count / 200)
        var indices = Array(stride(from: 0, to: events.count, by: step))
        if indices.last != events.count - 1 { indices.append(events.count - 1) }
        let shown = indices.map { events[$0] }
        let tasks = (run.games + last.keys.sorted()).reduce(into: [String]()) { all, game in
            if last[game] != nil && !all.contains(game) { all.append(game) }
        }
        let series = tasks.enumerated().map { index, task in
            PlotSeries(name: task, x: shown.map { Double($0.decisions) }, y: shown.map { Double($0.backplayReach?[task] ?? 0) },
                       dashed: index / 8 % 2 == 1, color: index % 8)
        }
        return LinePlot(title: "Backplay reach per task", subtitle: "Training episodes start up to this many solver steps before the goal",
                        x: Axis(stepLabel), y: Axis("reach (solver steps)", scale: .log), series: series)
    }

    /// One row per run: what it trained and how far it got.
    public static func runTable(_ conditions: [Condition]) -> ReportPage.Table {
        let rows = conditions.flatMap { condition in
            condition.runs.map { run -> [String] in
                let last = run.updates.last
                let model = [run.settings["architecture"], run.settings["width"].map { "w" + $0 }, run.settings["depth"].map { "d" + $0 }]
                    .compactMap { $0 }.joined(separator: " ")
                return [run.name, condition.name, run.games.joined(separator: ", "), model, run.seed, String(last?.update ?? 0),
                        Format.compact(Double(last?.decisions ?? 0)), Format.fixed(last?.seconds ?? 0, 0)]
            }
        }
        return ReportPage.Table(caption: "Runs read. Runs that differ only in their seed form one condition.",
                                header: ["run", "condition", "games", "model", "seed", "updates", "decisions", "seconds"], rows: rows)
    }
}
