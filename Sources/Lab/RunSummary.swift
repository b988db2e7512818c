import Foundation
import RL

/// `play summary RUN`: one run's log as plain-text tables, the form in which the runs under
/// `docs/tasks/` are kept, so a curve quoted in a note can be made again from the log.
///
/// The tables, one row per game:
/// 1. the score at each periodic evaluation against the random player (tasks: the success
///    rate against the optimum) and at the final evaluation;
/// 2. each game's policy entropy (`TrainEvent.entropies`), averaged over windows of updates;
/// 3. each game's running advantage spread at each evaluation (`EvalEvent.advantageSpread`);
/// 4. with `--backplay`, each task's reach (`TrainEvent.backplayReach`) every so many updates.
///
/// A table the log has no data for (an old log, a run without periodic evaluations) is left
/// out with a line that says so.
public enum RunSummary {
    /// The summary of `run`: entropies averaged over windows of `entropyWindow` updates,
    /// backplay reaches every `reachEvery` updates and at the last update.
    public static func text(_ run: RunData, entropyWindow: Int = 500, reachEvery: Int = 250) -> String {
        precondition(entropyWindow >= 1 && reachEvery >= 1, "windows of at least one update")
        var lines = ["# run \(run.name)", "config:",
                     "  " + run.settings.filter { $0.key != "games" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
                     "  games: " + run.games.joined(separator: ","), ""]
        let games = run.gamesWithEvaluations
        let width = max(20, (games.map(\.count).max() ?? 0) + 1)
        func row(_ label: String, _ cells: [String]) -> String { label.padded(to: width, minimumGap: 1) + rightAligned(cells, in: 7) }

        // Scores.
        let periodic = run.periodicEvaluations.filter { RunFigures.isPrimary($0.score) }
        let finals = run.evaluations.filter { $0.seconds == nil && RunFigures.isPrimary($0.score) }
        let evaluationPoints = Array(Set(periodic.map(\.decisions))).sorted()
        if periodic.isEmpty && finals.isEmpty {
            lines.append("no evaluations against the random player or the optimum in the log")
        } else {
            lines.append("score against random (two-player games, wins + draws/2) or success rate (tasks) at each evaluation; "
                         + "columns: thousands of decisions; the last column is the final evaluation:")
            lines.append(row("game", evaluationPoints.map { String($0 / 1000) } + ["final"]))
            for game in games {
                var byPoint: [Int: Double] = [:]
                for event in periodic where event.score.game == game { byPoint[event.decisions] = event.score.score }
                let final = finals.last { $0.score.game == game }
                guard !byPoint.isEmpty || final != nil else { continue }
                lines.append(row(game, evaluationPoints.map { byPoint[$0].map { Format.fixed($0, 2) } ?? "-" }
                                 + [final.map { Format.fixed($0.score.score, 2) } ?? "-"]))
            }
        }

        // Entropies.
        lines.append("")
        let updates = run.updates
        let windows = RunFigures.windows(of: updates.count, size: entropyWindow)
        if !updates.contains(where: { $0.entropies != nil }) {
            lines.append("no per-game entropies in the log (\(updates.count) train events)")
        } else {
            lines.append("each game's policy entropy (mean -log pi of the moves chosen), averaged over windows of \(entropyWindow) updates "
                         + "(the last window may be shorter); columns: the update at the window's end:")
            lines.append(row("game", windows.map { String(updates[$0.upperBound - 1].update) }))
            for game in games {
                let cells = RunFigures.meanEntropies(updates, game: game, over: windows).map { $0.map { Format.fixed($0, 2) } ?? "-" }
                if cells.contains(where: { $0 != "-" }) { lines.append(row(game, cells)) }
            }
        }

        // Advantage spreads.
        lines.append("")
        let spreadUpdates = Array(Set(periodic.filter { $0.advantageSpread != nil }.map(\.update))).sorted()
        if spreadUpdates.isEmpty {
            lines.append("no advantage spreads in the log's periodic evaluations")
        } else {
            lines.append("advantage spread at each evaluation (the running standard deviation); columns: updates:")
            lines.append(row("game", spreadUpdates.map(String.init)))
            for game in games {
                var byUpdate: [Int: Double] = [:]
                for event in periodic where event.score.game == game { byUpdate[event.update] = event.advantageSpread }
                if !byUpdate.isEmpty { lines.append(row(game, spreadUpdates.map { byUpdate[$0].map { Format.fixed($0, 2) } ?? "-" })) }
            }
        }

        if let last = updates.last {
            lines.append("")
            lines.append("last update: \(last.update), decisions \(last.decisions), decisions/s \(Int(last.decisionsPerSecond.rounded())), "
                         + "entropy \(Format.fixed(Double(last.statistics.entropy), 4))")
        }

        // Backplay reaches.
        if let lastReach = updates.last(where: { $0.backplayReach != nil }), let reaches = lastReach.backplayReach {
            let tasks = games.filter { reaches[$0] != nil }
            lines.append("")
            lines.append("backplay reach (solver steps before the goal) every \(reachEvery) updates, and at the last update:")
            let taskWidth = max(13, (tasks.map(\.count).max() ?? 0) + 1)
            lines.append(rightAligned(["update"], in: 7) + rightAligned(["decisions"], in: 11) + rightAligned(tasks, in: taskWidth))
            var shown = updates.filter { $0.update % reachEvery == 0 && $0.backplayReach != nil }
            if shown.last?.update != lastReach.update { shown.append(lastReach) }
            for event in shown {
                lines.append(rightAligned([String(event.update)], in: 7) + rightAligned([String(event.decisions)], in: 11)
                             + rightAligned(tasks.map { event.backplayReach?[$0].map(String.init) ?? "-" }, in: taskWidth))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The cells side by side, each right-aligned in `width` characters after at least one space.
    static func rightAligned(_ cells: [String], in width: Int) -> String {
        cells.map { String(repeating: " ", count: max(1, width - $0.count)) + $0 }.joined()
    }
}
