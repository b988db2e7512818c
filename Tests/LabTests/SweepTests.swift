import Foundation
import Games
import Neural
import RL
import Testing
@testable import Lab

/// Sweep plans, their cells and names, the skip-finished logic and the Slurm script.
@Suite struct SweepPlanTests {
    static func plan(_ json: String) throws -> SweepPlan { try SweepPlan(json: Data(json.utf8), defaultName: "test") }

    /// The message of the `LabError` a plan gives.
    static func problem(_ json: String) -> String {
        do {
            _ = try plan(json)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static let base = #""architectures": ["mlp"], "widths": [8], "depths": [1], "seeds": 1, "steps": 100"#

    @Test func aGridHasEveryCombinationInAFixedOrder() throws {
        let plan = try Self.plan("""
            {"name": "grid", "games": ["tic-tac-toe", ["tic-tac-toe", "connect-four"]], "architectures": ["mlp", "transformer"],
             "widths": {"mlp": [8, 16], "transformer": [8]}, "depths": [1], "seeds": [3, 5], "steps": 500, "heads": 2,
             "train": {"envs": 8, "learning-rate": 3e-4, "hide-game-id": true, "eval-mcts": 0}}
            """)
        #expect(plan.name == "grid")
        let cells = plan.cells
        // 2 game sets x (2 MLP widths + 1 Transformer width) x 1 depth x 2 seeds.
        #expect(cells.count == 12)
        #expect(cells.map(\.index) == Array(0..<12))
        #expect(cells[0].name == "tic-tac-toe-mlp-w8-d1-s3")
        #expect(cells[1].name == "tic-tac-toe-mlp-w8-d1-s5")
        #expect(cells[2].name == "tic-tac-toe-mlp-w16-d1-s3")
        #expect(cells[4].name == "tic-tac-toe-transformer-w8-d1-s3")
        #expect(cells[6].name == "tic-tac-toe+connect-four-mlp-w8-d1-s3")
        #expect(cells[6].games == ["tic-tac-toe", "connect-four"])
        #expect(plan.train.map(\.name) == ["envs", "eval-mcts", "hide-game-id", "learning-rate"])
        let layout = SweepLayout(root: URL(fileURLWithPath: "/sweeps/grid"))
        let arguments = cells[4].trainArguments(plan: plan, layout: layout, threads: 2, resume: true)
        #expect(arguments.joined(separator: " ") == "--games tic-tac-toe --arch transformer --width 8 --depth 1 --heads 2 --seed 3 "
                + "--steps 500 --threads 2 --name tic-tac-toe-transformer-w8-d1-s3 --runs /sweeps/grid/runs "
                + "--checkpoints /sweeps/grid/checkpoints --envs 8 --eval-mcts 0 --hide-game-id --learning-rate 0.0003 --resume")
    }

    @Test func gameCountsDrawNestedSetsFromThePoolBySeed() throws {
        let json = #"{"gameCounts": [1, 2, 3], "gamePool": ["tic-tac-toe", "connect-four", "maze-7x7", "hex-5x5"], "gameSeed": 4, "#
            + Self.base + "}"
        let sets = try Self.plan(json).gameSets
        #expect(sets.map(\.count) == [1, 2, 3])
        #expect(Array(sets[2].prefix(2)) == sets[1] && Array(sets[1].prefix(1)) == sets[0], "nested: each set adds games")
        #expect(Set(sets[2]).isSubset(of: ["tic-tac-toe", "connect-four", "maze-7x7", "hex-5x5"]))
        #expect(try Self.plan(json).gameSets == sets, "the same seed draws the same sets")
        let subsets = try Self.plan(json.replacingOccurrences(of: #""gameSeed": 4"#, with: #""gameSeed": 4, "gameSubsets": 3"#)).gameSets
        #expect(subsets.count > 3 && Array(subsets.prefix(3)) == sets)
    }

    /// The plans the README runs (Tests/Sweeps) stay valid.
    @Test func shippedPlansParse() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sweeps")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        #expect(!files.isEmpty)
        for file in files { #expect(try !SweepPlan.read(from: file).cells.isEmpty, "\(file.lastPathComponent)") }
    }

    @Test func seedsMayBeACount() throws {
        #expect(try Self.plan(#"{"games": ["tic-tac-toe"], "architectures": ["mlp"], "widths": [8], "depths": [1], "seeds": 3, "steps": 1}"#).seeds == [1, 2, 3])
    }

    @Test func malformedPlansSayWhatIsAllowed() {
        let unknown = Self.problem(#"{"games": ["tic-tac-toe"], "width": [8], "# + Self.base + "}")
        #expect(unknown.contains("unknown key 'width'") && unknown.contains("did you mean 'widths'") && unknown.contains("architectures, depths"))
        let game = Self.problem(#"{"games": ["tic-tac-tow"], "# + Self.base + "}")
        #expect(game.contains("tic-tac-tow") && game.contains("did you mean 'tic-tac-toe'"))
        let empty = Self.problem(#"{"games": ["tic-tac-toe"], "architectures": ["mlp"], "widths": [], "depths": [1], "seeds": 1, "steps": 1}"#)
        #expect(empty.contains("empty grid") && empty.contains("widths"))
        #expect(Self.problem(#"{"games": [], "# + Self.base + "}").contains("empty grid"))
        #expect(Self.problem(#"{"games": ["tic-tac-toe"], "architectures": ["mlp"], "widths": [8], "depths": [1], "seeds": [], "steps": 1}"#).contains("empty grid"))
        let noGames = Self.problem("{" + Self.base + "}")
        #expect(noGames.contains("'games'") && noGames.contains("gameCounts") && noGames.contains("connect-four"))
        let architecture = Self.problem(#"{"games": ["tic-tac-toe"], "architectures": ["rnn"], "widths": [8], "depths": [1], "seeds": 1, "steps": 1}"#)
        #expect(architecture.contains("architecture") && architecture.contains("\"rnn\""))
        let reserved = Self.problem(#"{"games": ["tic-tac-toe"], "train": {"width": 8}, "# + Self.base + "}")
        #expect(reserved.contains("may not set 'width'") && reserved.contains("widths"))
        let option = Self.problem(#"{"games": ["tic-tac-toe"], "train": {"lr": 0.1}, "# + Self.base + "}")
        #expect(option.contains("unknown play train option 'lr'") && option.contains("learning-rate"))
        #expect(Self.problem(#"{"games": ["tic-tac-toe"], "train": {"envs": "many"}, "# + Self.base + "}").contains("takes an integer"))
        #expect(Self.problem(#"{"games": ["tic-tac-toe"], "architectures": ["mlp"], "widths": [8], "depths": [1], "seeds": 1}"#).contains("'steps' is missing"))
        #expect(Self.problem(#"{"games": ["tic-tac-toe"], "gameCounts": [1], "# + Self.base + "}").contains("not both"))
        let heads = Self.problem(#"{"games": ["tic-tac-toe"], "architectures": ["transformer"], "widths": [6], "depths": [1], "seeds": 1, "steps": 1}"#)
        #expect(heads.contains("cell 0") && heads.contains("heads (4) must divide width (6)"))
        #expect(Self.problem(#"{"games": ["tic-tac-toe"], "slurm": {"queue": "x"}, "# + Self.base + "}").contains("allowed: memory, maxParallel"))
        #expect(Self.problem("[1, 2]").contains("not a JSON object"))
        #expect(Self.problem(#"{"games": ["tic-tac-toe"], "widths": [8, 8], "architectures": ["mlp"], "depths": [1], "seeds": 1, "steps": 1}"#).contains("twice"))
    }

    /// `game-weights` goes to every cell as `--game-weights` (its keys are checked against
    /// each cell's games by `play sweep`, as `play train` checks them), except to a resumed
    /// cell, whose checkpoint holds them.
    @Test func gameWeightsArePassedToEveryCell() throws {
        let plan = try Self.plan(#"{"games": ["maze-7x7,tic-tac-toe", "maze-9x9"], "train": {"game-weights": "tasks=3,maze-*=2"}, "#
                                 + Self.base + "}")
        for cell in plan.cells {
            let arguments = cell.trainArguments(plan: plan, layout: SweepLayout(root: URL(fileURLWithPath: "/s")), threads: 1, resume: false)
            #expect(arguments.suffix(2) == ["--game-weights", "tasks=3,maze-*=2"])
            // A resumed cell keeps the weights of its checkpoint; play train refuses them with --resume.
            let resumed = cell.trainArguments(plan: plan, layout: SweepLayout(root: URL(fileURLWithPath: "/s")), threads: 1, resume: true)
            #expect(resumed.last == "--resume" && !resumed.contains("--game-weights"))
        }
    }

    @Test func longGameSetsAreNamedByCountAndAStableHash() {
        #expect(SweepCell.fnv1a("") == 0x811C_9DC5)
        #expect(SweepCell.fnv1a("a") == 0xE40C_292C)
        let games = ["tic-tac-toe", "connect-four", "gomoku-9x9", "breakthrough-6x6", "othello-6x6"]
        let label = SweepCell.gamesLabel(games)
        #expect(label == "5games-" + String(format: "%08x", SweepCell.fnv1a(games.joined(separator: "+"))))
        #expect(SweepCell.gamesLabel(["tic-tac-toe", "maze-7x7"]) == "tic-tac-toe+maze-7x7")
    }

    @Test func slurmScriptRunsOneCellPerArrayTask() throws {
        var plan = try Self.plan("""
            {"name": "it's big", "games": ["tic-tac-toe"], "architectures": ["mlp"], "widths": [8, 16, 32], "depths": [1], "seeds": 2, "steps": 100,
             "slurm": {"partition": "cpu", "time": "01:00:00", "memory": "2G", "maxParallel": 4, "options": ["--qos=short"]}}
            """)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-slurm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = SweepLayout(root: root)
        let script = SlurmScript.text(plan: plan, layout: layout, program: "/opt/lab/play", threads: 2)
        for line in ["#!/bin/bash", "#SBATCH --array=0-5%4", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=01:00:00",
                     "#SBATCH --mem=2G", "#SBATCH --qos=short", "#SBATCH --job-name=sweep-it_s_big",
                     "#SBATCH --output=\(root.path)/logs/slurm-%A_%a.out", "PLAY=${PLAY:-/opt/lab/play}",
                     "exec \"$PLAY\" sweep \(root.path)/plan.json --cell \"$SLURM_ARRAY_TASK_ID\" --out \(root.path) \\",
                     "    --threads \"${SLURM_CPUS_PER_TASK:-2}\""] {
            #expect(script.split(separator: "\n").contains(Substring(line)), "\(line)")
        }
        // Every #SBATCH line comes before the first command, or sbatch ignores it.
        let lines = script.split(separator: "\n")
        #expect(lines.lastIndex { $0.hasPrefix("#SBATCH") }! < lines.firstIndex { !$0.hasPrefix("#") }!)
        plan.slurm = SlurmSettings()
        let plain = SlurmScript.text(plan: plan, layout: layout, program: "/path with space/play", threads: 1)
        #expect(plain.contains("#SBATCH --array=0-5\n") && !plain.contains("--partition") && plain.contains("PLAY=${PLAY:-'/path with space/play'}"))
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("sweep.sbatch")
        try Data(plain.utf8).write(to: file)
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-n", file.path]
        try bash.run()
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0, "bash -n accepts the script")
        let table = SweepLayout.cellTable(plan).split(separator: "\n")
        #expect(table.count == 7 && table[0] == "index\tname\tgames\tarchitecture\twidth\tdepth\tseed")
        #expect(table[1] == "0\ttic-tac-toe-mlp-w8-d1-s1\ttic-tac-toe\tmlp\t8\t1\t1")
    }
}

/// Run directories as a sweep judges them: new, restart, resumable, finished.
@Suite struct SweepLayoutTests {
    static func cell(games: [String] = ["tic-tac-toe", "maze-7x7"], width: Int = 8) -> SweepCell {
        SweepCell(index: 0, games: games, architecture: .mlp, width: width, depth: 1, heads: 4, seed: 1)
    }

    static func finalScore(_ game: String, opponent: String, wins: Int, draws: Int = 0, losses: Int) -> GameScore {
        // GameScore's initialiser is internal to RL; its JSON form is the log's.
        let json = #"{"game": "\#(game)", "opponent": "\#(opponent)", "games": \#(wins + draws + losses), "wins": \#(wins), "#
            + #""draws": \#(draws), "losses": \#(losses), "meanSteps": 0, "meanOptimalSteps": 0}"#
        return try! JSONDecoder().decode(GameScore.self, from: Data(json.utf8))
    }

    /// Writes a run directory as `play train` would: config, train events, final evaluations.
    static func writeRun(_ cell: SweepCell, in layout: SweepLayout, decisions: Int = 1000, scores: [GameScore],
                         latest: Bool = false, final: Bool = true, config: TrainingConfig? = nil) throws {
        let log = try RunLog(directory: layout.runDirectory(cell), config: config ?? cell.trainingConfig)
        let statistics = try JSONDecoder().decode(UpdateStatistics.self, from: Data(#"{"decisions": 1000, "policyLoss": 0, "valueLoss": 0, "entropy": 1, "approximateKL": 0, "clipFraction": 0, "gradientNorm": 0, "learningRate": 0.001}"#.utf8))
        try log.write(TrainEvent(update: 1, decisions: decisions, games: 10, seconds: 1, decisionsPerSecond: 1000,
                                 statistics: statistics, returns: [:]))
        for score in scores { try log.write(EvalEvent(update: 1, decisions: decisions, score: score)) }
        let checkpoints = layout.checkpointDirectory(cell)
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        if latest { try Data([1]).write(to: checkpoints.appendingPathComponent("latest.ckpt")) }
        if final { try Data([1]).write(to: checkpoints.appendingPathComponent("final.ckpt")) }
    }

    static func layout() -> SweepLayout {
        SweepLayout(root: FileManager.default.temporaryDirectory.appendingPathComponent("mgl-sweep-\(UUID().uuidString)"))
    }

    @Test func finishedNeedsTheFinalCheckpointAndEveryGamesFinalEvaluation() throws {
        let layout = Self.layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let cell = Self.cell()
        #expect(try layout.status(of: cell) == .new)
        // Stopped before its first checkpoint: only a log.
        try Self.writeRun(cell, in: layout, scores: [], final: false)
        #expect(try layout.status(of: cell) == .restart)
        try layout.clear(cell)
        #expect(try layout.status(of: cell) == .new)
        // Checkpointed, not finished.
        try Self.writeRun(cell, in: layout, scores: [], latest: true, final: false)
        #expect(try layout.status(of: cell) == .resumable)
        try layout.clear(cell)
        // Final checkpoint, but the final evaluation stopped after the first game.
        try Self.writeRun(cell, in: layout, scores: [Self.finalScore("tic-tac-toe", opponent: "random", wins: 8, losses: 2)], latest: true)
        #expect(try layout.status(of: cell) == .resumable)
        // A periodic evaluation (it has a time) does not count as the final one.
        var periodic = EvalEvent(update: 1, decisions: 1000, score: Self.finalScore("maze-7x7", opponent: "optimum", wins: 5, losses: 5))
        periodic.seconds = 3
        try RunLog(directory: layout.runDirectory(cell), config: cell.trainingConfig).write(periodic)
        #expect(try layout.status(of: cell) == .resumable)
        try RunLog(directory: layout.runDirectory(cell), config: cell.trainingConfig)
            .write(EvalEvent(update: 1, decisions: 1000, score: Self.finalScore("maze-7x7", opponent: "optimum", wins: 5, losses: 5)))
        #expect(try layout.status(of: cell) == .finished)
    }

    @Test func aDirectoryHoldingAnotherRunIsNeverTakenForTheCell() throws {
        let layout = Self.layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let cell = Self.cell()
        var other = cell.trainingConfig
        other.width = 32
        try Self.writeRun(cell, in: layout, scores: [], config: other)
        #expect {
            _ = try layout.status(of: cell)
        } throws: { error in
            "\(error)".contains("holds another run") && "\(error)".contains("width = 32")
        }
    }
}

/// Points, fits and the MLP/Transformer comparison from run directories.
@Suite struct ScalingAnalysisTests {
    @Test func pointsComeFromTheRunDirectoriesAlone() throws {
        let layout = SweepLayoutTests.layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        let a = SweepLayoutTests.cell(width: 8), b = SweepLayoutTests.cell(width: 16)
        try SweepLayoutTests.writeRun(a, in: layout, decisions: 3000, scores: [
            SweepLayoutTests.finalScore("tic-tac-toe", opponent: "random", wins: 6, draws: 2, losses: 2),
            SweepLayoutTests.finalScore("tic-tac-toe", opponent: "mcts-50", wins: 0, losses: 10),
            SweepLayoutTests.finalScore("maze-7x7", opponent: "optimum", wins: 4, losses: 6)])
        try SweepLayoutTests.writeRun(b, in: layout, scores: [
            SweepLayoutTests.finalScore("tic-tac-toe", opponent: "random", wins: 10, losses: 0),
            SweepLayoutTests.finalScore("maze-7x7", opponent: "optimum", wins: 10, losses: 0)])
        // An unfinished run is left out, with the reason.
        try SweepLayoutTests.writeRun(SweepLayoutTests.cell(width: 32), in: layout, scores: [], final: false)
        let analysis = try ScalingAnalysis(directory: layout.root)
        #expect(analysis.rows.count == 2)
        #expect(analysis.skipped.count == 1 && analysis.skipped[0].reason.contains("no final evaluation"))
        let small = try #require(analysis.rows.first { $0.width == 8 })
        // tic-tac-toe vs random: (6 + 1) / 10 = 0.7; maze success 0.4; error 1 - 0.55.
        #expect(abs(small.point.error - 0.45) < 1e-12)
        #expect(small.point.parameters == Double(TextPolicyNetwork(config: a.trainingConfig.model, seed: 0).parameterCount))
        let games = try GameCatalog.registry.games("tic-tac-toe,maze-7x7")
        #expect(small.point.compute == TrainingCompute.flops(config: a.trainingConfig, games: games, decisions: 3000))
        #expect(small.point.games == 2 && small.point.architecture == "mlp" && small.decisions == 3000)
        // Everything won: error 0 becomes half a game of the 20 evaluated.
        let large = try #require(analysis.rows.first { $0.width == 16 })
        #expect(large.corrected && large.point.error == 0.5 / 20)
        // Against another opponent the score changes; a run without that evaluation is skipped.
        let mcts = try ScalingAnalysis(directory: layout.root, opponent: "mcts-50")
        #expect(mcts.rows.count == 1 && abs(mcts.rows[0].point.error - (1 - 0.2)) < 1e-12)
        try analysis.result.write(to: layout.root)
        let written = try #require(try ScalingResult.read(from: layout.root))
        #expect(written.points.count == 2)
    }

    @Test func exponentsAreComparedWhereBothArchitecturesHaveAFit() {
        func fit(_ series: String, _ variable: String, _ low: Double, _ high: Double) -> ExperimentFigures.ScalingFit {
            ExperimentFigures.ScalingFit(series: series, variable: variable, points: 6, law: PowerLaw(floor: 0, scale: 1, exponent: (low + high) / 2),
                                         exponent: Interval(estimate: (low + high) / 2, lower: low, upper: high))
        }
        let fits = [fit("mlp", "parameters", 0.1, 0.3), fit("transformer", "parameters", 0.25, 0.5),
                    fit("mlp", "compute", 0.1, 0.2), fit("transformer", "compute", 0.3, 0.4), fit("mlp, 2 games", "compute", 0.1, 0.2)]
        let comparisons = ScalingAnalysis.comparisons(fits)
        #expect(comparisons.count == 2)
        #expect(comparisons[0].variable == "parameters" && comparisons[0].overlap)
        #expect(comparisons[1].variable == "compute" && !comparisons[1].overlap)
        #expect(comparisons.allSatisfy { $0.first == .mlp && $0.second == .transformer })

        // With the conv family too, every pair is compared, per game count.
        let three = fits + [fit("conv", "compute", 0.15, 0.35), fit("conv, 2 games", "compute", 0.4, 0.5)]
        let pairs = ScalingAnalysis.comparisons(three).map { "\($0.first.rawValue)-\($0.second.rawValue) \($0.variable)\($0.games) \($0.overlap)" }
        #expect(pairs == ["mlp-conv compute true", "mlp-conv compute, 2 games false", "mlp-transformer parameters true",
                          "mlp-transformer compute false", "conv-transformer compute true"])
    }

    @Test func aPowerLawInTheRunsIsRecovered() throws {
        // Six synthetic points error = 0.05 + 40 N^-0.5 per architecture: the fit finds alpha near 0.5.
        var points: [ScalingResult.Point] = []
        for (i, n) in [1e3, 3e3, 1e4, 3e4, 1e5, 3e5].enumerated() {
            let noise = i % 2 == 0 ? 1.02 : 0.98
            points.append(.init(architecture: "mlp", games: 1, seed: 1, parameters: n, compute: n * 1e6, error: (0.05 + 40 * pow(n, -0.5)) * noise))
        }
        let fits = ExperimentFigures.scalingFits(ScalingResult(metric: "error", points: points), versus: .parameters, resamples: 50)
        #expect(fits.count == 1 && abs(fits[0].exponent.estimate - 0.5) < 0.15)
        #expect(fits[0].exponent.lower <= fits[0].exponent.estimate && fits[0].exponent.estimate <= fits[0].exponent.upper)
    }
}
