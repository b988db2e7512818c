/// What can go wrong with an outside engine (GNU Go, Fairy-Stockfish, any GTP or UCI
/// program) while it plays, and how a player gives up. Each description says what
/// happened and what to do.
///
/// `GamePlayer.chooseAction` throws these: the baselines and the network never do, an
/// engine player does when its program is missing, dies, hangs, answers nonsense or
/// plays a move our rules call illegal. A match runner stops the match on any of them,
/// except `resigned`, which ends one game as a loss for the player who resigned.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The program is not installed; `install` says how to get it.
    case notInstalled(program: String, install: String)
    /// The program could not be started.
    case launchFailed(program: String, reason: String)
    /// The program exited (or closed its output) while we waited for `waitingFor`.
    case died(engine: String, waitingFor: String, lastOutput: [String])
    /// No complete answer to `waitingFor` within `seconds`.
    case timedOut(engine: String, waitingFor: String, seconds: Double)
    /// The program answered, but not as its protocol says.
    case protocolError(engine: String, sent: String, reply: String)
    /// The program's move is not legal under our rules (or not a move of this board at all).
    case illegalMove(engine: String, game: String, move: String, legal: [String])
    /// The player cannot follow the game: it saw a position it did not reach move by move
    /// from the start.
    case cannotFollow(engine: String, game: String)
    /// The player resigned the game (not an error: the game is lost).
    case resigned(player: String)

    public var description: String {
        switch self {
        case let .notInstalled(program, install):
            "\(program) is not installed (looked on PATH and in /usr/games, /usr/local/games); \(install)"
        case let .launchFailed(program, reason):
            "cannot start \(program): \(reason)"
        case let .died(engine, waitingFor, lastOutput):
            "\(engine) exited while we waited for its answer to '\(waitingFor)'"
                + (lastOutput.isEmpty ? "" : "; its last output: " + lastOutput.joined(separator: " | "))
        case let .timedOut(engine, waitingFor, seconds):
            "\(engine) did not answer '\(waitingFor)' within \(seconds) s (hung?); it was stopped"
        case let .protocolError(engine, sent, reply):
            "\(engine) answered '\(sent)' with '\(reply)', which its protocol does not allow"
        case let .illegalMove(engine, game, move, legal):
            "\(engine) played '\(move)', which is not a legal move in \(game) here under our rules; legal moves: "
                + legal.joined(separator: " ")
        case let .cannotFollow(engine, game):
            "\(engine) can only follow \(game) games played move by move from the starting position"
        case let .resigned(player):
            "\(player) resigned"
        }
    }
}
