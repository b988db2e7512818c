import Foundation
import SeededRandom

/// How to start an engine program: where it is, its arguments, and the name it goes by.
public struct EngineCommand: Sendable, Hashable {
    public var executable: URL
    public var arguments: [String]
    /// The player's name in tables and messages (`gnugo:1`).
    public var name: String

    public init(executable: URL, arguments: [String], name: String) {
        self.executable = executable
        self.arguments = arguments
        self.name = name
    }
}

/// A GTP engine (GNU Go, or any GTP program) as a player of a go game.
///
/// The program starts at the first move it is asked for and stays up for later games;
/// it is told the board size and komi once, then each game's moves as they happen
/// (`play`), and asked for its own (`genmove`). Coordinates are translated both ways
/// (GTP skips the letter I). `resign` ends the game as a loss (`EngineError.resigned`);
/// a move that our rules call illegal stops with `EngineError.illegalMove`.
public final class GTPPlayer: GamePlayer {
    public let name: String
    public let command: EngineCommand
    public let boardSize: Int
    public let komi: Double
    /// Seconds to wait for any answer.
    public let timeout: Double
    private var client: GTPClient?
    private var follower = MoveFollower()
    private var seedable = false

    public init(command: EngineCommand, boardSize: Int, komi: Double, timeout: Double = 60) {
        name = command.name
        self.command = command
        self.boardSize = boardSize
        self.komi = komi
        self.timeout = timeout
    }

    deinit { client?.close() }

    /// GNU Go at `level` (1 to 10) with the rules of our go-lite: area (Chinese) scoring,
    /// positional superko, no suicide; `--capture-all-dead` makes it remove dead stones
    /// before it passes, since our scoring counts every stone left on the board.
    public static func gnuGo(level: Int, boardSize: Int, komi: Double) throws(EngineError) -> GTPPlayer {
        let executable = try EngineLocator.find("gnugo", install: "install it with: apt-get install -y gnugo")
        let arguments = ["--mode", "gtp", "--chinese-rules", "--positional-superko", "--capture-all-dead", "--level", String(level)]
        return GTPPlayer(command: EngineCommand(executable: executable, arguments: arguments, name: "gnugo:\(level)"),
                         boardSize: boardSize, komi: komi)
    }

    public func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) throws(EngineError) -> Int {
        let client = try connected()
        do throws(EngineError) {
            let step = try follower.step(to: state, in: game, engine: name)
            if step.newGame {
                try client.command("clear_board")
                if seedable { try client.command("set_random_seed \(rng.next() % 1_000_000)") }
            }
            for move in step.moves {
                guard let vertex = GTP.vertex(ofAction: move.text, boardSize: boardSize) else {
                    preconditionFailure("\(game.id): '\(move.text)' is not a go move of a \(boardSize)x\(boardSize) board")
                }
                try client.command("play \(GTP.colour(ofPlayer: move.player)) \(vertex)")
            }
            let request = "genmove \(GTP.colour(ofPlayer: game.currentPlayer(in: state)))"
            let reply = try client.command(request)
            if reply.lowercased() == "resign" {
                follower.reset()
                throw EngineError.resigned(player: name)
            }
            guard let text = GTP.action(ofVertex: reply, boardSize: boardSize) else {
                throw EngineError.protocolError(engine: name, sent: request, reply: "= " + reply)
            }
            guard let action = try? game.actionID(for: text, in: state) else {
                throw EngineError.illegalMove(engine: name, game: game.id, move: "\(reply) (\(text))",
                                              legal: game.legalActions(in: state))
            }
            follower.record(action, in: state, of: game)
            return action
        } catch {
            // After a failure the engine's board may differ from ours: start over next time.
            follower.reset()
            if case .resigned = error {} else { disconnect() }
            throw error
        }
    }

    /// The running engine, started and set up for our board on first use.
    private func connected() throws(EngineError) -> GTPClient {
        if let client, client.engine.isRunning { return client }
        let client = GTPClient(engine: try EngineProcess(executable: command.executable, arguments: command.arguments,
                                                         name: name, timeout: timeout))
        let version = try client.command("protocol_version")
        guard version == "2" else {
            client.close()
            throw .protocolError(engine: name, sent: "protocol_version", reply: "= \(version) (we speak GTP version 2)")
        }
        guard try client.commandIfAccepted("boardsize \(boardSize)") != nil else {
            client.close()
            throw .protocolError(engine: name, sent: "boardsize \(boardSize)", reply: "? (refused: it cannot play this board size)")
        }
        try client.command("komi \(komi)")
        seedable = try client.command("known_command set_random_seed") == "true"
        follower.reset()
        self.client = client
        return client
    }

    private func disconnect() {
        client?.close()
        client = nil
    }
}
