import ArgumentParser
import Foundation
import GameKit
import Testing
import Games
import RL
@testable import play

/// `play tournament`, `play gtp`, `play uci`, and engine opponents on the command line.
@Suite struct EngineCommandTests {
    static var gnuGoInstalled: Bool { (try? EngineLocator.find("gnugo", install: "")) != nil }
    static var stockfishInstalled: Bool { (try? EngineLocator.find("fairy-stockfish", install: "")) != nil }

    /// A tiny untrained network for go-lite-5x5 and chess-lite, saved in `directory`.
    static func tinyCheckpoint(in directory: URL) throws -> String {
        var config = TrainingConfig(games: ["go-lite-5x5", "chess-lite"])
        config.width = 16
        config.depth = 1
        config.environments = 4
        config.decisionsPerUpdate = 32
        let trainer = try Trainer(config: config, games: try GameCatalog.registry.games("go-lite-5x5,chess-lite"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("tiny.ckpt")
        try trainer.checkpoint(elapsedSeconds: 0).write(to: file)
        return file.path
    }

    /// The `play` program SwiftPM built beside the tests (`swift test` builds it).
    static func playProgram() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("play"),
                          root.appendingPathComponent(".build/debug/play")].compactMap { $0?.path }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
                            "no built play program in \(candidates); run swift build")
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("mgl-engines-\(UUID().uuidString)")
    }

    @Test func enginesOnTheWrongGameAreRefusedClearly() {
        #expect {
            _ = try Tournament.parse(["--games", "chess-lite", "--players", "random,gnugo:1"])
        } throws: { error in
            Tournament.message(for: error).contains("gnugo:1 cannot play chess-lite")
        }
        #expect {
            _ = try Versus.parse(["go-lite-5x5", "--opponent", "stockfish:1"])
        } throws: { error in
            Versus.message(for: error).contains("stockfish:1 cannot play go-lite-5x5")
        }
        #expect {
            _ = try Tournament.parse(["--games", "maze-7x7", "--players", "random,greedy"])
        } throws: { error in Tournament.message(for: error).contains("two-player game") }
        #expect {
            _ = try Tournament.parse(["--games", "tic-tac-toe", "--players", "random,random"])
        } throws: { error in Tournament.message(for: error).contains("twice") }
        #expect {
            _ = try Tournament.parse(["--games", "tic-tac-toe", "--players", "random"])
        } throws: { error in Tournament.message(for: error).contains("at least two") }
        #expect {
            _ = try GTPFrontEnd.parse(["--player", "random", "--game", "chess-lite"])
        } throws: { error in GTPFrontEnd.message(for: error).contains("go-lite-5x5, go-lite-7x7, go-lite-9x9") }
        #expect {
            _ = try UCIFrontEnd.parse([])
        } throws: { error in UCIFrontEnd.message(for: error).contains("--checkpoint PATH") }
        #expect(Play.helpMessage().contains("tournament") && Play.helpMessage().contains("gtp"))
    }

    @Test func theTournamentCommandLogsGamesAndRatings() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Tournament.parse(["--games", "tic-tac-toe", "--players", "random,greedy,mcts:20", "--games-per-pair", "2",
                              "--bootstrap", "20", "--out", directory.path]).run()
        let log = try String(contentsOf: directory.appendingPathComponent("log.jsonl"), encoding: .utf8)
        let events = log.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(events.filter { $0["event"] as? String == "game" }.count == 6)
        let ratings = events.filter { $0["event"] as? String == "rating" }
        #expect(ratings.count == 3)
        #expect(ratings.first { $0["player"] as? String == "random" }?["elo"] as? Double == 0)
        #expect(try String(contentsOf: directory.appendingPathComponent("ratings.txt"), encoding: .utf8).contains("anchor: random = 0"))
    }

    @Test func theNetworkAnswersAScriptedGTPSession() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = try Self.tinyCheckpoint(in: directory)
        let command = try GTPFrontEnd.parse(["--checkpoint", checkpoint, "--game", "go-lite-5x5"])
        let (player, name) = try command.who.make()
        var server = try GTPFrontEnd.server(player: player, name: name, gameID: command.game, seed: 0)
        #expect(server.respond(to: "name").answer.hasPrefix("= multi-game-lab network"))
        #expect(server.respond(to: "boardsize 6").answer.hasPrefix("? unacceptable size (6); supported sizes: 5, 7, 9"))
        #expect(server.respond(to: "play black C3").answer == "= \n\n")
        let answer = server.respond(to: "genmove white").answer
        let vertex = answer.dropFirst(2).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(answer.hasPrefix("= ") && vertex != "C3" && GTP.action(ofVertex: vertex, boardSize: 5) != nil, "answered \(answer)")
    }

    @Test(.enabled(if: gnuGoInstalled && stockfishInstalled, "needs gnugo and fairy-stockfish (apt-get install -y gnugo fairy-stockfish)"))
    func theAgentsFrontEndsPlayTheRealEngines() throws {
        // `play gtp` and `play uci` run as programs with a tiny untrained network, driven by
        // our GTP and UCI clients against GNU Go level 1 and Fairy-Stockfish depth 1.
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = try Self.tinyCheckpoint(in: directory)
        let play = try Self.playProgram()
        for (game, engine, front) in [("go-lite-5x5", "gnugo:1", "gtp:\(play) gtp --checkpoint \(checkpoint) --game go-lite-5x5"),
                                      ("chess-lite", "stockfish:1", "uci:\(play) uci --checkpoint \(checkpoint)")] {
            let out = directory.appendingPathComponent(game)
            try Tournament.parse(["--games", game, "--players", "\(engine),\(front)", "--games-per-pair", "2",
                                  "--bootstrap", "10", "--out", out.path]).run()
            let log = try String(contentsOf: out.appendingPathComponent("log.jsonl"), encoding: .utf8)
            let games = log.split(separator: "\n").filter { $0.contains(#""event":"game""#) }
            #expect(games.count == 2, "\(game): \(log)")
        }
    }
}
