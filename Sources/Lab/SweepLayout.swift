import Foundation
import RL

/// Where a sweep keeps its files, the same on a laptop and on a cluster:
///
///     DIR/plan.json            the plan the cells were made from
///     DIR/cells.tsv            index, name and shape of every cell
///     DIR/runs/CELL/           each cell's run directory (config.json, log.jsonl)
///     DIR/checkpoints/CELL/    its checkpoints (latest.ckpt, final.ckpt)
///     DIR/logs/CELL.out        its console output (local runs; Slurm: logs/slurm-JOB_TASK.out)
///     DIR/sweep.sbatch         the Slurm job array (--emit slurm)
///     DIR/scaling.json         written by play scaling
///
/// Aggregation reads only `runs/`; the rest is bookkeeping.
public struct SweepLayout: Sendable {
    public let root: URL
    public init(root: URL) { self.root = root.standardizedFileURL }

    public var runs: URL { root.appendingPathComponent("runs") }
    public var checkpoints: URL { root.appendingPathComponent("checkpoints") }
    public var logs: URL { root.appendingPathComponent("logs") }
    public var plan: URL { root.appendingPathComponent("plan.json") }
    public var cellList: URL { root.appendingPathComponent("cells.tsv") }
    public var slurmScript: URL { root.appendingPathComponent("sweep.sbatch") }

    public func runDirectory(_ cell: SweepCell) -> URL { runs.appendingPathComponent(cell.name) }
    public func checkpointDirectory(_ cell: SweepCell) -> URL { checkpoints.appendingPathComponent(cell.name) }
    public func output(_ cell: SweepCell) -> URL { logs.appendingPathComponent(cell.name + ".out") }

    /// How far a cell got.
    public enum Status: String, Sendable {
        /// Nothing on disk.
        case new
        /// Started and checkpointed: it continues from `latest.ckpt` (`play train --resume`).
        case resumable
        /// Started but stopped before its first checkpoint: it starts again from scratch.
        case restart
        /// Its final checkpoint is written and its log holds the final evaluation of every game.
        case finished
    }

    /// The cell's status. A run directory that holds a different run (another shape, seed
    /// or game set under the same name) is an error, never overwritten.
    public func status(of cell: SweepCell) throws -> Status {
        let run = runDirectory(cell), checkpoint = checkpointDirectory(cell)
        let fileManager = FileManager.default
        let hasLog = fileManager.fileExists(atPath: run.appendingPathComponent("log.jsonl").path)
        let hasLatest = fileManager.fileExists(atPath: checkpoint.appendingPathComponent("latest.ckpt").path)
        let hasFinal = fileManager.fileExists(atPath: checkpoint.appendingPathComponent("final.ckpt").path)
        guard hasLog || hasLatest || hasFinal else { return .new }
        if hasLog {
            let data = try RunData(directory: run)
            try check(data, holds: cell)
            let evaluated = Set(data.evaluations.filter { $0.seconds == nil }.map(\.score.game))
            if hasFinal && Set(cell.games).isSubset(of: evaluated) { return .finished }
        }
        return hasLatest ? .resumable : .restart
    }

    /// Throws if the run directory's config is not the cell's.
    func check(_ run: RunData, holds cell: SweepCell) throws {
        let expected: [String: String] = ["architecture": cell.architecture.rawValue, "width": String(cell.width),
                                          "depth": String(cell.depth), "seed": String(cell.seed),
                                          "games": cell.games.joined(separator: ",")]
        var expectedWithHeads = expected
        if cell.architecture == .transformer { expectedWithHeads["heads"] = String(cell.heads) }
        for (key, value) in expectedWithHeads.sorted(by: { $0.key < $1.key }) where run.settings[key] != value {
            throw LabError("\(run.directory.path) holds another run (\(key) = \(run.settings[key] ?? "missing"), the plan's cell \(cell.name) has \(value)); "
                           + "use another --out for a different plan, or remove that directory")
        }
    }

    /// Removes what a cell left behind so it can start again.
    public func clear(_ cell: SweepCell) throws {
        for url in [runDirectory(cell), checkpointDirectory(cell)] where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }

    /// Writes `plan.json` (the plan's text as given) and `cells.tsv`.
    public func writeBookkeeping(planText: Data, plan: SweepPlan) throws {
        for directory in [root, runs, checkpoints, logs] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        if (try? Data(contentsOf: self.plan)) != planText { try planText.write(to: self.plan, options: .atomic) }
        try Data(SweepLayout.cellTable(plan).utf8).write(to: cellList, options: .atomic)
    }

    /// The cell list: one line per cell, tab-separated, with a header.
    public static func cellTable(_ plan: SweepPlan) -> String {
        var lines = ["index\tname\tgames\tarchitecture\twidth\tdepth\tseed"]
        for cell in plan.cells {
            lines.append("\(cell.index)\t\(cell.name)\t\(cell.games.joined(separator: ","))\t\(cell.architecture.rawValue)\t\(cell.width)\t\(cell.depth)\t\(cell.seed)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
