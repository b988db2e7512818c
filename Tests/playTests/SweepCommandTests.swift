import ArgumentParser
import Foundation
import Testing
import Lab
@testable import play

/// `play sweep` and `play scaling`: a real local sweep, restarting it, aggregating it, the
/// emitted Slurm script, and (where Slurm is installed and we are root) a real cluster run.
@Suite struct SweepCommandTests {
    static func writePlan(_ json: String, in root: URL) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let url = root.appendingPathComponent("plan.json")
        try Data(json.utf8).write(to: url)
        return url
    }

    static let tinyPlan = """
        {"name": "tiny", "games": ["tic-tac-toe,maze-7x7"], "architectures": ["mlp"], "widths": [8, 16], "depths": [1],
         "seeds": 1, "steps": 300, "threads": 1,
         "train": {"envs": 8, "decisions-per-update": 128, "eval-every": 0, "eval-games": 10, "eval-mcts": 0}}
        """

    @Test func badCommandLinesAreRefusedClearly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try Self.writePlan(Self.tinyPlan, in: root).path
        #expect(throws: (any Error).self) { _ = try Sweep.parse([plan, "-j", "0"]) }
        #expect(throws: (any Error).self) { _ = try Sweep.parse([plan, "--cell", "0", "--emit", "slurm"]) }
        #expect(throws: (any Error).self) { _ = try Sweep.parse([plan, "--emit", "pbs"]) }
        #expect(throws: (any Error).self) { _ = try Sweep.parse([root.appendingPathComponent("missing.json").path]) }
        #expect { try Sweep.parse([plan, "--cell", "7", "--out", root.appendingPathComponent("out").path]).run() } throws: { error in
            Sweep.message(for: error).contains("cells 0...1")
        }
        let bad = try Self.writePlan(#"{"games": ["chess"], "architectures": ["mlp"], "widths": [8], "depths": [1], "seeds": 1, "steps": 10}"#,
                                     in: root.appendingPathComponent("bad"))
        #expect { try Sweep.parse([bad.path, "--out", root.appendingPathComponent("out").path]).run() } throws: { error in
            Sweep.message(for: error).contains("unknown game 'chess'")
        }
        #expect(throws: (any Error).self) { _ = try Scaling.parse([root.appendingPathComponent("nowhere").path]) }
        #expect(Play.helpMessage().contains("sweep") && Play.helpMessage().contains("scaling"))
    }

    /// A value `play train` refuses fails the sweep before it writes or runs anything,
    /// with the cell and the reason.
    @Test func aBadTrainValueInAPlanIsRefusedBeforeAnyCellRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try Self.writePlan(Self.tinyPlan.replacingOccurrences(of: #""envs": 8"#, with: #""envs": 8, "clip": 1.5"#), in: root)
        let out = root.appendingPathComponent("out")
        #expect { try Sweep.parse([plan.path, "--out", out.path]).run() } throws: { error in
            let message = Sweep.message(for: error)
            return message.contains("cell 0") && message.contains("clip range must lie in (0, 1)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written")
        // A weight key that names no game of a cell (the tiny plan has no hex game).
        let weights = try Self.writePlan(Self.tinyPlan.replacingOccurrences(of: #""envs": 8"#, with: #""envs": 8, "game-weights": "hex-*=2""#),
                                         in: root.appendingPathComponent("weights"))
        #expect { try Sweep.parse([weights.path, "--out", out.path]).run() } throws: { error in
            let message = Sweep.message(for: error)
            return message.contains("cell 0") && message.contains("'hex-*'") && message.contains("names no game")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written")
    }

    /// Every option a plan's `train` object may set is one `play train` takes.
    @Test func everyAllowedTrainOptionIsATrainOption() throws {
        for (name, kind) in SweepPlan.trainOptions {
            let value: [String] = switch kind {
            case .flag: []
            case .integer: ["2"]
            case .number: ["0.5"]
            case .text: [["game-sampling": "episodes", "advantage-scaling": "batch", "entropy-weighting": "spread",
                                      "game-weights": "tasks=3"][name] ?? "ppo"]
            }
            #expect(throws: Never.self, "\(name)") { _ = try Train.parse(["--\(name)"] + value) }
        }
    }

    @Test func aLocalSweepRunsSkipsFinishedCellsAndAggregates() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try Self.writePlan(Self.tinyPlan, in: root).path
        let out = root.appendingPathComponent("sweep")
        let program = try EngineCommandTests.playProgram()
        try Sweep.parse([plan, "-j", "2", "--out", out.path, "--program", program]).run()
        let layout = SweepLayout(root: out)
        let cells = try SweepPlan.read(from: URL(fileURLWithPath: plan)).cells
        #expect(cells.count == 2)
        for cell in cells {
            #expect(try layout.status(of: cell) == .finished, "\(cell.name)")
            #expect(FileManager.default.fileExists(atPath: layout.output(cell).path))
        }
        #expect(FileManager.default.fileExists(atPath: layout.cellList.path) && FileManager.default.fileExists(atPath: layout.plan.path))
        // Again: nothing is trained (the logs do not grow).
        let log = layout.runDirectory(cells[0]).appendingPathComponent("log.jsonl")
        let before = try Data(contentsOf: log)
        try Sweep.parse([plan, "-j", "2", "--out", out.path, "--program", program]).run()
        #expect(try Data(contentsOf: log) == before)
        // A cell that lost its final checkpoint trains again (from scratch: it had no latest.ckpt).
        try FileManager.default.removeItem(at: layout.checkpointDirectory(cells[1]).appendingPathComponent("final.ckpt"))
        #expect(try layout.status(of: cells[1]) != .finished)
        try Sweep.parse([plan, "--cell", "1", "--out", out.path]).run()
        #expect(try layout.status(of: cells[1]) == .finished)

        try Scaling.parse([out.path, "--resamples", "20"]).run()
        let result = try #require(try ScalingResult.read(from: out))
        #expect(result.points.count == 2)
        for point in result.points {
            #expect(point.architecture == "mlp" && point.games == 2 && point.seed == 1)
            #expect(point.parameters > 1000 && (point.compute ?? 0) > 0 && point.error > 0 && point.error <= 1)
        }
        #expect(Set(result.points.map(\.parameters)).count == 2, "two widths, two sizes")

        // The emitted job array covers both cells and is valid bash.
        try Sweep.parse([plan, "--emit", "slurm", "--out", out.path, "--program", program]).run()
        let script = try String(contentsOf: layout.slurmScript, encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-1\n") && script.contains("--cell \"$SLURM_ARRAY_TASK_ID\""))
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-n", layout.slurmScript.path]
        try bash.run()
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0)
    }

    /// Whether this machine can start a Slurm of its own: root, with slurm-wlm and munge.
    static var slurmIsInstalled: Bool {
        getuid() == 0 && ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Tests/Slurm/run-local-slurm.sh: starts munged, slurmctld and slurmd, submits a sweep's
    /// job array with sbatch and checks every cell finished (CI installs slurm-wlm and munge).
    @Test(.enabled(if: slurmIsInstalled, "needs root and the Debian packages slurm-wlm and munge"), .timeLimit(.minutes(10)))
    func aJobArrayRunsOnARealSingleNodeSlurm() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("Tests/Slurm/run-local-slurm.sh").path, try EngineCommandTests.playProgram()]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("all 4 cells of job array"))
    }
}
