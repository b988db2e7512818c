import ArgumentParser
import Foundation
import GameKit
import Testing
@testable import play
import Games

/// The command line's parsing and its messages for bad input.
@Suite struct CommandLineTests {
    @Test func benchRejectsUnknownWorkloadWithTheKnownOnes() {
        #expect {
            _ = try Bench.parse(["--workloads", "mlp,bogus"])
        } throws: { error in
            let message = Bench.message(for: error)
            return message.contains("bogus") && message.contains("mlp-sweep") && message.contains("transformer")
        }
    }

    @Test func benchRejectsBadWidthsAndBlocks() {
        #expect(throws: (any Error).self) { _ = try Bench.parse(["--widths", "64,x"]) }
        #expect(throws: (any Error).self) { _ = try Bench.parse(["--blocks", "0"]) }
    }

    @Test func blasThreadsMustBePositive() {
        #expect {
            _ = try Bench.parse(["--blas-threads", "0"])
        } throws: { error in
            Bench.message(for: error).contains("--blas-threads")
        }
        #expect(throws: Never.self) { _ = try Bench.parse(["--blas-threads", "2"]) }
    }

    @Test func helpListsEveryWorkload() {
        let help = Bench.helpMessage()
        for workload in Bench.Workload.allCases { #expect(help.contains(workload.rawValue)) }
        #expect(Play.helpMessage().contains("bench"))
    }

    @Test func flopCountMatchesTheReferenceForW1() throws {
        // torch_workloads.py: 6 x (1024*256 + 256 + 256*256 + 256 + 256*128 + 128 + 256 + 1) x 256.
        let bench = try Bench.parse([])
        let expected = 6.0 * Double(1024 * 256 + 256 + 256 * 256 + 256 + 256 * 128 + 128 + 256 + 1) * 256
        #expect(bench.trainingFlops(bench.mlpConfig(width: 256), batch: 256) == expected)
    }
}

/// The game commands.
@Suite struct GameCommandTests {
    @Test func gamesTableListsEveryRegisteredGame() {
        let table = ListGames.table(GameCatalog.registry)
        for id in GameCatalog.registry.ids { #expect(table.contains(id)) }
        #expect(table.hasPrefix("game"))
    }

    @Test func showRejectsUnknownGamesAndIllegalMovesClearly() throws {
        #expect {
            _ = try ShowGame.parse(["tic-tac-tow"])
        } throws: { error in
            let message = ShowGame.message(for: error)
            return message.contains("did you mean 'tic-tac-toe'") && message.contains("connect-four")
        }
        let show = try ShowGame.parse(["tic-tac-toe", "--moves", "b2,b2"])
        #expect {
            try show.run()
        } throws: { error in
            let message = ShowGame.message(for: error)
            return message.contains("move 2 of 2") && message.contains("'b2' is not a legal move")
        }
    }
}

/// The default command checks its game list even before the trainer exists.
@Suite struct TrainCommandTests {
    @Test func unknownGamesAreNamedWithTheKnownOnes() throws {
        #expect {
            _ = try Train.parse(["--games", "tic-tac-toe,chess"])
        } throws: { error in
            let message = Train.message(for: error)
            return message.contains("unknown game 'chess'") && message.contains("connect-four")
        }
        _ = try Train.parse(["--games", "all"])
        #expect(throws: (any Error).self) { _ = try Train.parse(["--resume"]) }
        #expect(throws: (any Error).self) { _ = try Train.parse(["--name", "../x"]) }
        #expect(throws: (any Error).self) { _ = try Train.parse(["--envs", "0"]) }
    }

    @Test func gameWeightsReachTheConfigAndBadOnesAreRefused() throws {
        let config = try Train.parse(["--games", "tic-tac-toe,maze-7x7,maze-9x9", "--game-weights", "tasks=3,maze-9x9=0"]).config()
        #expect(config.gameWeights == ["maze-7x7": 3, "maze-9x9": 0] && config.gameWeightList == [1, 3, 0])
        #expect(try Train.parse(["--games", "tic-tac-toe"]).config().gameWeights.isEmpty)
        for (arguments, says) in [(["--games", "tic-tac-toe", "--game-weights", "tasks=3"], "names no game"),
                                  (["--game-weights", "tasks=-2"], "must be 0 or lie between"),
                                  (["--name", "x", "--resume", "--game-weights", "tasks=3"], "leave out --game-weights")] {
            #expect {
                _ = try Train.parse(arguments)
            } throws: { error in
                Train.message(for: error).contains(says)
            }
        }
    }

    @Test func lossOptionsReachTheConfigAndBadValuesAreRefused() throws {
        let config = try Train.parse(["--games", "maze-7x7", "--value-coefficient", "0.25", "--clip", "0.1", "--epochs", "2",
                                      "--minibatches", "8", "--max-gradient-norm", "1.5", "--entropy", "0.001",
                                      "--novelty-bonus", "0.01", "--entropy-weighting", "spread",
                                      "--adam-epsilon", "0.001", "--backplay", "0.25"]).config()
        #expect(config.valueCoefficient == 0.25 && config.clip == 0.1 && config.epochs == 2 && config.minibatches == 8)
        #expect(config.maxGradientNorm == 1.5 && config.entropyCoefficient == 0.001 && config.noveltyBonus == 0.01)
        #expect(config.entropyWeighting == .spread && config.adamEpsilon == 0.001 && config.backplay == 0.25)
        for (option, value, allowed) in [("--clip", "1.5", "(0, 1)"), ("--value-coefficient", "-1", "0 or more"),
                                         ("--entropy", "-0.1", "0 or more"), ("--epochs", "0", "at least 1"), ("--minibatches", "0", "at least 1"),
                                         ("--max-gradient-norm", "0", "positive"), ("--max-gradient-norm", "inf", "positive"), ("--novelty-bonus", "2", "[0, 1]"),
                                         ("--adam-epsilon", "0", "positive"), ("--backplay", "1", "[0, 1)")] {
            #expect {
                _ = try Train.parse(["--games", "maze-7x7", "\(option)=\(value)"])
            } throws: { error in Train.message(for: error).contains(allowed) }
        }
    }

    @Test func modelAndReturnOptionsReachTheConfig() throws {
        let config = try Train.parse(["--games", "maze-7x7", "--arch", "conv", "--conv-layers", "3", "--gamma", "0.9",
                                      "--lambda", "1"]).config()
        #expect(config.architecture == .conv && config.model.convolutionDepth == 3)
        #expect(config.gamma == 0.9 && config.lambda == 1)
        // Out of range: refused with the allowed range.
        #expect {
            _ = try Train.parse(["--games", "maze-7x7", "--lambda", "1.5"])
        } throws: { error in Train.message(for: error).contains("[0, 1]") }
        #expect {
            _ = try Train.parse(["--games", "maze-7x7", "--arch", "conv", "--conv-layers", "0"])
        } throws: { error in Train.message(for: error).contains("at least 1 convolution layer") }
    }

    /// `play train` gives the MLP and conv families two glimpse heads unless `--glimpses N`
    /// says otherwise, a Transformer none; a Transformer with glimpses or a negative count is
    /// refused with what is allowed.
    @Test func glimpsesAreAskedForByCount() throws {
        #expect(try Train.parse(["--games", "maze-7x7"]).config().model.glimpseCount == 2, "two heads by default")
        #expect(try Train.parse(["--games", "maze-7x7", "--arch", "transformer"]).config().model.glimpseCount == 0)
        #expect(try Train.parse(["--games", "maze-7x7", "--glimpses", "0"]).config().model.glimpseCount == 0)
        #expect(try Train.parse(["--games", "maze-7x7", "--glimpse-radius", "2"]).config().model.glimpseWindowRadius == 2)
        #expect {
            _ = try Train.parse(["--games", "maze-7x7", "--glimpse-radius", "5"])
        } throws: { error in Train.message(for: error).contains("glimpse radius must be 1 to 3") }
        #expect(try Train.parse(["--games", "maze-7x7", "--glimpses", "3"]).config().model.glimpseCount == 3)
        #expect(try Train.parse(["--games", "maze-7x7", "--arch", "conv", "--glimpses", "1"]).config().model.glimpseCount == 1)
        #expect {
            _ = try Train.parse(["--games", "maze-7x7", "--arch", "transformer", "--glimpses", "2"])
        } throws: { error in Train.message(for: error).contains("glimpses belong to the mlp and conv families") }
        #expect {
            _ = try Train.parse(["--games", "maze-7x7", "--glimpses=-1"])
        } throws: { error in Train.message(for: error).contains("glimpses must be 0 or more") }
    }

    /// The game gate is on by default for the MLP and conv families of `play train`, off for
    /// a Transformer (which has none), and each flag says otherwise.
    @Test func theGameGateIsOnByDefaultForTheMLPAndConvFamilies() throws {
        #expect(try Train.parse(["--games", "maze-7x7"]).config().model.hasGameGate)
        #expect(try Train.parse(["--games", "maze-7x7", "--arch", "conv"]).config().model.hasGameGate)
        #expect(try !Train.parse(["--games", "maze-7x7", "--no-game-gate"]).config().model.hasGameGate)
        #expect(try !Train.parse(["--games", "maze-7x7", "--arch", "transformer"]).config().model.hasGameGate)
        #expect {
            _ = try Train.parse(["--games", "maze-7x7", "--arch", "transformer", "--game-gate"])
        } throws: { error in Train.message(for: error).contains("game gate belongs to the mlp and conv families") }
    }

    @Test func aShortRunWritesItsLogAndCheckpointsAndResumes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let common = ["--games", "tic-tac-toe,maze-7x7", "--width", "16", "--depth", "1", "--envs", "8",
                      "--decisions-per-update", "128", "--checkpoint-every", "2", "--eval-games", "2", "--eval-mcts", "2",
                      "--name", "tiny", "--runs", root.appendingPathComponent("runs").path,
                      "--checkpoints", root.appendingPathComponent("ckpt").path]
        // A maze episode of an untrained network can take its whole budget (98 moves), so
        // an update of 128 finished decisions may need several hundred: 2,000 steps give
        // several updates and at least one checkpoint boundary.
        try Train.parse(common + ["--steps", "2000"]).run()
        let log = try String(contentsOf: root.appendingPathComponent("runs/tiny/log.jsonl"), encoding: .utf8)
        let events = log.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(events.contains { $0["event"] as? String == "train" })
        #expect(events.filter { $0["event"] as? String == "eval" }.count == 3, "tic-tac-toe against random and MCTS, maze against its optimum")
        for file in ["ckpt/tiny/latest.ckpt", "ckpt/tiny/final.ckpt", "ckpt/tiny/model.ckpt", "runs/tiny/config.json",
                     "runs/tiny/report/index.html", "runs/tiny/summary.txt"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), "\(file)")
        }
        // The same name again is refused (no lost work); --resume continues it.
        #expect(throws: (any Error).self) { try Train.parse(common + ["--steps", "2000"]).run() }
        try Train.parse(common + ["--steps", "3000", "--resume"]).run()
        let resumed = try String(contentsOf: root.appendingPathComponent("runs/tiny/log.jsonl"), encoding: .utf8)
        #expect(resumed.split(separator: "\n").count > events.count)
        // The saved network plays: evaluation (also on a game it never saw) and versus.
        let final = root.appendingPathComponent("ckpt/tiny/final.ckpt").path
        try Evaluate.parse(["--checkpoint", final, "--games", "tic-tac-toe,connect-four,lava-7x7", "--opponent", "random,greedy",
                            "--games-per-pair", "4"]).run()
        let evalLog = try String(contentsOfFile: final + ".eval.jsonl", encoding: .utf8)
        #expect(evalLog.split(separator: "\n").count == 5, "two games against two opponents, one task")
        // Tasks from a start distance are logged apart; a distance below 1, or one given for
        // two-player games only, is refused with the reason.
        try Evaluate.parse(["--checkpoint", final, "--games", "lava-7x7", "--games-per-pair", "4", "--start-distance", "3"]).run()
        let nearLog = try String(contentsOfFile: final + ".eval.jsonl", encoding: .utf8)
        #expect(nearLog.split(separator: "\n").count == 6 && nearLog.contains("optimum-from-3"))
        #expect {
            _ = try Evaluate.parse(["--checkpoint", final, "--games", "lava-7x7", "--start-distance", "0"])
        } throws: { error in Evaluate.message(for: error).contains("at least 1") }
        #expect {
            try Evaluate.parse(["--checkpoint", final, "--games", "tic-tac-toe", "--start-distance", "2"]).run()
        } throws: { error in "\(error)".contains("none of the games is a task") }
        var session = VersusSession(game: try GameCatalog.registry.game("tic-tac-toe"),
                                    opponent: try PlayerSpec.player(named: "checkpoint:" + final, for: try GameCatalog.registry.entry("tic-tac-toe")),
                                    humanPlayer: 1, seed: 2)
        var transcript: [String] = []
        _ = session.run(input: { nil }, output: { transcript.append($0) })
        #expect(transcript.contains { $0.hasPrefix("checkpoint plays ") })
        #expect(throws: (any Error).self) { _ = try Evaluate.parse(["--checkpoint", root.appendingPathComponent("missing.ckpt").path]) }
    }
}

/// `play show --json`, `play versus` and `play golden`.
@Suite struct GameToolTests {
    @Test func showJSONGivesBothNotationsInTheSameOrder() throws {
        let show = try ShowGame.parse(["chess-lite", "--moves", "b2b3", "--json"])
        let text = try show.output()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(object["game"] as? String == "chess-lite")
        #expect(object["player"] as? Int == 1)
        #expect(object["terminal"] as? Bool == false)
        #expect(object["observation"] as? String == "chess-lite\nrnbqk\np.ppp\n.p...\nPPPPP\nRNBQK")
        let legal = object["legal_actions"] as! [String: [String]]
        #expect(legal["absolute"]!.count == legal["mover"]!.count)
        let pairs = Dictionary(uniqueKeysWithValues: zip(legal["absolute"]!, legal["mover"]!))
        #expect(pairs["c4b3"] == "c2b3", "Black's capture, in Black's flipped coordinates")
        #expect(object["returns"] is NSNull)
    }

    @Test func versusRecoversFromBadMovesAndFinishes() throws {
        var session = VersusSession(game: try GameCatalog.registry.game("tic-tac-toe"),
                                    opponent: try BaselinePlayers.player(named: "minimax", minimaxAllowed: true),
                                    humanPlayer: 0, seed: 1)
        // Bad input first (nonsense, an occupied square later), then every square in order:
        // the person keeps trying until the game ends.
        var script = ["hello", "moves", "b2", "b2"] + ["a1", "a2", "a3", "b1", "b3", "c1", "c2", "c3"].flatMap { [$0, $0] }
        var transcript: [String] = []
        let returns = session.run(input: { script.isEmpty ? nil : script.removeFirst() }, output: { transcript.append($0) })
        let all = transcript.joined(separator: "\n")
        #expect(all.contains("'hello' is not a legal move in tic-tac-toe here; legal moves: a1"))
        #expect(all.contains("legal moves: a1 a2 a3 b1 b2 b3 c1 c2 c3"))
        #expect(all.contains("'b2' is not a legal move"), "an occupied square is refused")
        #expect(returns != nil, "the game was played to the end")
        #expect((returns?[0] ?? 1) <= 0, "minimax never loses at tic-tac-toe")
    }

    @Test func versusEndsCleanlyWhenInputEnds() throws {
        var session = VersusSession(game: try GameCatalog.registry.game("go-lite-5x5"), opponent: RandomPlayer(), humanPlayer: 1, seed: 3)
        var transcript: [String] = []
        #expect(session.run(input: { nil }, output: { transcript.append($0) }) == nil)
        #expect(transcript.last?.contains("unfinished") == true)
    }

    @Test func opponentNamesAreChecked() {
        for (name, fragment) in [("mcts:0", "mcts:N"), ("mcts:x", "mcts:N"), ("stockfish", "players: random"), ("minimax", "small enough")] {
            #expect {
                _ = try Versus.parse(["connect-four", "--opponent", name])
            } throws: { error in
                Versus.message(for: error).contains(fragment)
            }
        }
        #expect(throws: Never.self) { _ = try Versus.parse(["tic-tac-toe", "--opponent", "minimax"]) }
        #expect(throws: (any Error).self) { _ = try Golden.parse(["--games", "chess"]) }
    }
}

/// `play plot`, `play export` and `play summary` check their directory and format before reading anything.
@Suite struct ReportCommandTests {
    @Test func plotAndExportNeedAnExistingDirectory() {
        #expect {
            _ = try PlotReport.parse(["/no/such/run"])
        } throws: { error in
            PlotReport.message(for: error).contains("'/no/such/run' is not a directory")
        }
        #expect {
            _ = try ExportLogs.parse([FileManager.default.temporaryDirectory.path])
        } throws: { error in
            ExportLogs.message(for: error).contains("--csv")
        }
        #expect(throws: Never.self) { _ = try ExportLogs.parse([FileManager.default.temporaryDirectory.path, "--csv"]) }
        #expect(Play.helpMessage().contains("plot") && Play.helpMessage().contains("export"))
    }

    @Test func summaryChecksItsDirectoryAndWindows() {
        #expect { _ = try Summary.parse(["/no/such/run"]) } throws: { error in
            Summary.message(for: error).contains("'/no/such/run' is not a directory")
        }
        #expect { _ = try Summary.parse([FileManager.default.temporaryDirectory.path, "--entropy-window", "0"]) } throws: { error in
            Summary.message(for: error).contains("--entropy-window must be at least 1")
        }
        #expect(Play.helpMessage().contains("summary"))
    }

    /// A hand-edited result file whose arrays do not fit is an error that says which field,
    /// not a crash in the plot code.
    @Test func plotNamesTheWrongFieldOfADamagedResultFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = #"{"cka": [], "taskVariance": [], "probes": [{"title": "p", "games": ["a", "b"], "accuracy": [[0.9, 0.5], [0.5]]}]}"#
        try Data(json.utf8).write(to: directory.appendingPathComponent("analysis.json"))
        #expect {
            try PlotReport.parse([directory.path]).run()
        } throws: { error in
            PlotReport.message(for: error).contains("analysis.json: probes[0].accuracy[1] has 1 values, expected 2")
                && PlotReport.exitCode(for: error) != .success
        }
    }
}
