import Foundation
import SeededRandom

/// A UCI engine (Fairy-Stockfish, or any UCI program) as a player of chess-lite.
///
/// UCI (the specification by Stefan Meyer-Kahlen, "Description of the universal chess
/// interface", 2004) is stateless between searches: each move we send the game so far as
/// `position startpos moves ...` and ask `go depth N`; the answer is `bestmove MOVE`.
/// Fairy-Stockfish names the squares of its `gardner` variant as we do (`a1` bottom left
/// from White's side, promotions `a4a5q`), so moves pass through unchanged.
public final class UCIPlayer: GamePlayer {
    public let name: String
    public let command: EngineCommand
    /// `go` arguments, e.g. `depth 1`.
    public let search: String
    /// `setoption` lines sent after `uci`, e.g. `name UCI_Variant value gardner`.
    public let options: [String]
    public let timeout: Double
    private var engine: EngineProcess?
    private var follower = MoveFollower()

    public init(command: EngineCommand, search: String, options: [String], timeout: Double = 60) {
        name = command.name
        self.command = command
        self.search = search
        self.options = options
        self.timeout = timeout
    }

    deinit { close() }

    /// Fairy-Stockfish playing Gardner minichess (our chess-lite) to `depth` plies.
    public static func fairyStockfish(depth: Int) throws(EngineError) -> UCIPlayer {
        let executable = try EngineLocator.find("fairy-stockfish", install: "install it with: apt-get install -y fairy-stockfish")
        return UCIPlayer(command: EngineCommand(executable: executable, arguments: [], name: "stockfish:\(depth)"),
                         search: "depth \(depth)", options: ["name UCI_Variant value gardner", "name Threads value 1"])
    }

    public func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) throws(EngineError) -> Int {
        do throws(EngineError) {
            let engine = try connected()
            if try follower.step(to: state, in: game, engine: name).newGame {
                try engine.send("ucinewgame")
                try waitUntilReady(engine)
            }
            let moves = follower.moves
            try engine.send("position startpos" + (moves.isEmpty ? "" : " moves " + moves.joined(separator: " ")))
            let request = "go \(search)"
            try engine.send(request)
            let answer = try engine.readLines(waitingFor: request) { $0.hasPrefix("bestmove") }.last!
            let words = answer.split(separator: " ")
            guard words.count >= 2 else { throw EngineError.protocolError(engine: name, sent: request, reply: answer) }
            let move = String(words[1])
            guard let action = try? game.actionID(for: move, in: state) else {
                throw EngineError.illegalMove(engine: name, game: game.id, move: move, legal: game.legalActions(in: state))
            }
            follower.record(action, in: state, of: game)
            return action
        } catch {
            follower.reset()
            close()
            throw error
        }
    }

    /// The running engine, started and set up on first use.
    private func connected() throws(EngineError) -> EngineProcess {
        if let engine, engine.isRunning { return engine }
        let engine = try EngineProcess(executable: command.executable, arguments: command.arguments, name: name, timeout: timeout)
        try engine.send("uci")
        _ = try engine.readLines(waitingFor: "uci") { $0 == "uciok" }
        for option in options { try engine.send("setoption " + option) }
        try waitUntilReady(engine)
        follower.reset()
        self.engine = engine
        return engine
    }

    private func waitUntilReady(_ engine: EngineProcess) throws(EngineError) {
        try engine.send("isready")
        _ = try engine.readLines(waitingFor: "isready") { $0 == "readyok" }
    }

    private func close() {
        if let engine, engine.isRunning { try? engine.send("quit") }
        engine?.close()
        engine = nil
    }
}
