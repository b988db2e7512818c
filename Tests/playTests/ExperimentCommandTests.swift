import ArgumentParser
import Foundation
import Testing
@testable import play

/// `play train --init-from`, `play transfer` and `play analyze` on the command line.
@Suite struct ExperimentCommandTests {
    @Test func transferNeedsEitherTargetsOrHeldOutGames() {
        #expect(throws: (any Error).self) { _ = try Transfer.parse(["--pretrain", "tic-tac-toe", "--out", "/tmp/x"]) }
        #expect(throws: (any Error).self) {
            _ = try Transfer.parse(["--target", "tic-tac-toe", "--held-out", "maze-7x7", "--pretrain", "connect-four", "--out", "/tmp/x"])
        }
        #expect {
            _ = try Transfer.parse(["--target", "tic-tac-toe", "--pretrain", "tic-tac-toe", "--out", "/tmp/x"])
        } throws: { error in
            Transfer.message(for: error).contains("no other game")
        }
        #expect {
            _ = try Transfer.parse(["--held-out", "tic-tac-toe", "--pretrain", "tic-tac-toe,maze-7x7", "--pretrain-counts", "1,2", "--out", "/tmp/x"])
        } throws: { error in
            Transfer.message(for: error).contains("1 other games")
        }
        #expect(throws: (any Error).self) {
            _ = try Transfer.parse(["--held-out", "tic-tac-toe", "--pretrain", "all", "--pretrain-counts", "1,x", "--out", "/tmp/x"])
        }
        #expect(throws: Never.self) {
            _ = try Transfer.parse(["--held-out", "tic-tac-toe", "--pretrain", "all", "--pretrain-counts", "1,2,4,8", "--out", "/tmp/x"])
        }
    }

    /// `play train` and `play transfer` share one definition of their model and training
    /// options, each with its own defaults where they differ.
    @Test func trainAndTransferShareTheirTrainingOptions() throws {
        let train = try Train.parse([]).model
        let transfer = try Transfer.parse(["--target", "tic-tac-toe", "--pretrain", "connect-four", "--out", "/tmp/x"]).training.model
        #expect((train.width, train.envs, train.decisionsPerUpdate) == (128, 64, 8192))
        #expect((transfer.width, transfer.envs, transfer.decisionsPerUpdate) == (64, 32, 1024))
        #expect((train.depth, train.heads, train.learningRate, train.openingPlies, train.threads) == (2, 4, 1e-3, 4, 2))
        #expect((transfer.depth, transfer.heads, transfer.learningRate, transfer.openingPlies, transfer.threads) == (2, 4, 1e-3, 4, 2))
        let trainHelp = Train.helpMessage(columns: 1000), transferHelp = Transfer.helpMessage(columns: 1000)
        /// The help entry of `--option`: from its name to the next option.
        func entry(_ option: String, in help: String) -> Substring {
            guard let start = help.range(of: "  --\(option) <") else { return "" }
            let end = help.range(of: "\n  -", range: start.upperBound..<help.endIndex)?.lowerBound ?? help.endIndex
            return help[start.lowerBound..<end]
        }
        for (option, trainDefault, transferDefault) in [("width", "128", "64"), ("envs", "64", "32"), ("decisions-per-update", "8192", "1024"),
                                                        ("opening-plies", "4", "4"), ("entropy", "0.01", "0.01")] {
            #expect(entry(option, in: trainHelp).hasSuffix("(default: \(trainDefault))"), "\(option)")
            #expect(entry(option, in: transferHelp).hasSuffix("(default: \(transferDefault))"), "\(option)")
        }
        #expect(trainHelp.contains("--hide-game-id") && transferHelp.contains("--hide-game-id"))
    }

    @Test func analyzeTakesOneOrTwoCheckpoints() {
        #expect(throws: (any Error).self) { _ = try Analyze.parse(["--checkpoints", "a,b,c", "--games", "tic-tac-toe", "--out", "/tmp/x"]) }
        #expect(throws: (any Error).self) { _ = try Analyze.parse(["--checkpoints", "a", "--games", "nope", "--out", "/tmp/x"]) }
        #expect(Analyze.name(of: "r/ckpt/joint/seed-1.ckpt", among: ["r/ckpt/joint/seed-1.ckpt", "r/ckpt/scratch/seed-1.ckpt"]) == "joint/seed-1.ckpt")
    }

    @Test func initFromStartsFromACheckpointOfTheSameShapeOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let common = ["--width", "8", "--depth", "1", "--envs", "8", "--decisions-per-update", "64", "--eval-games", "2",
                      "--eval-mcts", "0", "--eval-quick", "2", "--runs", root.appendingPathComponent("runs").path,
                      "--checkpoints", root.appendingPathComponent("ckpt").path, "--steps", "100"]
        try Train.parse(common + ["--games", "tic-tac-toe", "--name", "base"]).run()
        let base = root.appendingPathComponent("ckpt/base/final.ckpt").path
        #expect(throws: (any Error).self) { _ = try Train.parse(common + ["--name", "x", "--init-from", base, "--resume"]) }
        try Train.parse(common + ["--games", "maze-7x7", "--name", "tuned", "--init-from", base, "--eval-every-steps", "50"]).run()
        let log = try String(contentsOf: root.appendingPathComponent("runs/tuned/log.jsonl"), encoding: .utf8)
        let periodic = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "eval" && $0["seconds"] != nil }
        #expect(periodic.first?["decisions"] as? Int == 0, "an evaluation at step 0")
        #expect(periodic.count >= 2)
        #expect {
            try Train.parse(common + ["--games", "tic-tac-toe", "--name", "wide", "--width", "16", "--init-from", base]).run()
        } throws: { error in
            "\(error)".contains("width 8") && "\(error)".contains("width 16")
        }
    }
}
