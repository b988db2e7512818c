import ArgumentParser
import Foundation
import GameKit
import Games
import RL

/// Who the front ends let play: a checkpoint (the trained network) or a named baseline.
struct FrontEndPlayer: ParsableArguments {
    @Option(help: "A checkpoint file: the trained network plays.")
    var checkpoint: String?

    @Option(help: "Instead of a checkpoint, a baseline plays: random, greedy or mcts:N.")
    var player: String?

    @Option(help: "Seed of the player's choices (baselines) and of nothing else.")
    var seed: UInt64 = 0

    func validate() throws {
        guard (checkpoint == nil) != (player == nil) else {
            throw ValidationError("give either --checkpoint PATH (the trained network) or --player NAME (random, greedy, mcts:N), not both or neither.")
        }
        if let checkpoint, !FileManager.default.fileExists(atPath: checkpoint) { throw ValidationError("no checkpoint at \(checkpoint)") }
        if let player {
            do { _ = try BaselinePlayers.player(named: player, minimaxAllowed: false) } catch { throw ValidationError(error.description) }
        }
    }

    /// The player, and its name for the protocol's `name`/`id name`.
    func make() throws -> (any GamePlayer, String) {
        if let checkpoint {
            let file = try Checkpoint.read(from: URL(fileURLWithPath: checkpoint))
            let network = NetworkPlayer(network: try TextPolicyNetwork.load(from: file), hideGameID: file.header.config.hideGameID)
            return (network, "multi-game-lab network (\(URL(fileURLWithPath: checkpoint).lastPathComponent), \(file.header.updates) updates)")
        }
        let name = player ?? "random"
        return (try BaselinePlayers.player(named: name, minimaxAllowed: false), "multi-game-lab \(name)")
    }
}

/// Standard output a line at a time, flushed, since the controller waits for each answer.
private func writeFlushed(_ text: String) {
    print(text, terminator: "")
    fflush(nil)
}

/// `play gtp --checkpoint PATH --game go-lite-9x9`: the agent as a GTP engine on standard
/// input and output, for GoGui, referees and other programs.
struct GTPFrontEnd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gtp",
        abstract: "Speak GTP (Go Text Protocol 2) on standard input and output: the agent as a go engine.",
        discussion: "Board sizes: those of the go-lite games (boardsize 5, 7 or 9). Try: printf 'boardsize 5\\ngenmove black\\nshowboard\\nquit\\n' | play gtp --player random --game go-lite-5x5")

    @OptionGroup var who: FrontEndPlayer

    @Option(help: "The go game to start with (boardsize switches between the go-lite sizes).")
    var game: String = "go-lite-9x9"

    /// The go-lite sizes and komi of the registry.
    static var goGames: [(size: Int, komi: Double)] {
        GameCatalog.registry.entries.filter { $0.id.hasPrefix("go-lite-") }.compactMap { entry in
            guard let rows = entry.parameters["rows"], let komi = entry.parameters["komi"] else { return nil }
            return (Int(rows), komi)
        }
    }

    func validate() throws {
        guard let entry = try? GameCatalog.registry.entry(game), entry.id.hasPrefix("go-lite-") else {
            throw ValidationError("--game must be a go game: \(GameCatalog.registry.ids.filter { $0.hasPrefix("go-lite-") }.joined(separator: ", ")) (got '\(game)').")
        }
    }

    /// A GTP server for `player` starting with the go-lite game `gameID`.
    static func server(player: any GamePlayer, name: String, gameID: String, seed: UInt64) throws -> GTPServer {
        let entry = try GameCatalog.registry.entry(gameID)
        let size = Int(entry.parameters["rows"] ?? 9), komi = entry.parameters["komi"] ?? 7.5
        let sizes = goGames.map(\.size)
        return GTPServer(player: player, name: name, version: "1", sizes: sizes, size: size, komi: komi, seed: seed) { size, komi in
            sizes.contains(size) ? AnyGame(GoLite(size: size, komi: komi, id: "go-lite-\(size)x\(size)")) : nil
        }
    }

    func run() throws {
        let (player, name) = try who.make()
        var server = try Self.server(player: player, name: name, gameID: game, seed: who.seed)
        server.serve(readLine: { readLine() }, write: writeFlushed)
    }
}

/// `play uci --checkpoint PATH`: the agent as a UCI engine for chess-lite (Gardner
/// minichess, Fairy-Stockfish's `gardner` variant).
struct UCIFrontEnd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uci",
        abstract: "Speak UCI on standard input and output: the agent as a chess-lite (Gardner minichess) engine.",
        discussion: "Try: printf 'uci\\nposition startpos moves b2b3\\ngo\\nquit\\n' | play uci --player random")

    @OptionGroup var who: FrontEndPlayer

    /// A UCI server for `player` in chess-lite.
    static func server(player: any GamePlayer, name: String, seed: UInt64) -> UCIServer<ChessLite> {
        let chess = ChessLite()
        return UCIServer(player: player, name: name, author: "multi-game-lab", game: chess, seed: seed) { try chess.state(fen: $0) }
    }

    func run() throws {
        let (player, name) = try who.make()
        var server = Self.server(player: player, name: name, seed: who.seed)
        server.serve(readLine: { readLine() }, write: { writeFlushed($0 + "\n") })
    }
}
