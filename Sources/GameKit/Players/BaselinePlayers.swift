/// The baseline opponents by the names the command line, logs and tables use:
/// `random`, `greedy`, `mcts:N` (N simulations per move) and `minimax`.
public enum BaselinePlayers {
    /// The names, for help texts and error messages.
    public static let names = ["random", "greedy", "mcts:N", "minimax"]

    /// The player called `name`. `minimax` is exact but exhaustive, so it is only offered
    /// when `minimaxAllowed` (games small enough to solve, such as tic-tac-toe).
    public static func player(named name: String, minimaxAllowed: Bool) throws(PlayerNameError) -> any GamePlayer {
        let text = name.trimmingWhitespace().lowercased()
        switch text {
        case "random": return RandomPlayer()
        case "greedy": return GreedyPlayer()
        case "minimax":
            guard minimaxAllowed else { throw .minimaxTooLarge }
            return MinimaxPlayer()
        default:
            guard text.hasPrefix("mcts:") else { throw .unknown(name) }
            guard let simulations = Int(text.dropFirst(5)), (1...1_000_000).contains(simulations) else {
                throw .badSimulations(name)
            }
            return MCTSPlayer(simulations: simulations)
        }
    }
}

/// A player name that names no baseline; the description says what is allowed.
public enum PlayerNameError: Error, Equatable, CustomStringConvertible {
    case unknown(String), badSimulations(String), minimaxTooLarge
    /// An engine asked for a game it does not play (`gnugo:1` for chess-lite).
    case wrongGame(player: String, game: String, plays: String)
    /// An engine's strength outside what it accepts (`gnugo:99`).
    case badStrength(player: String, expected: String)
    /// The engine's program is missing.
    case engineMissing(EngineError)

    public var description: String {
        switch self {
        case .unknown(let name):
            "unknown player '\(name)'; players: \((BaselinePlayers.names + EnginePlayers.names).joined(separator: ", "))"
        case let .wrongGame(player, game, plays):
            "\(player) cannot play \(game): it plays \(plays) only; for \(game) use random, greedy, mcts:N (or another engine)"
        case let .badStrength(player, expected):
            "bad player '\(player)': \(expected)"
        case .engineMissing(let error):
            error.description
        case .badSimulations(let name):
            "bad player '\(name)': mcts:N needs a whole number of simulations from 1 to 1000000, e.g. mcts:200"
        case .minimaxTooLarge:
            "minimax solves a game exhaustively and is offered only for games small enough (see `play games`); use mcts:N"
        }
    }
}
