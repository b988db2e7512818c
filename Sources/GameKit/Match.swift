import SeededRandom

/// One finished two-player game.
public struct GameRecord: Sendable, Hashable, Codable {
    /// One return per player (+1 win, -1 loss, 0 draw).
    public var returns: [Double]
    /// The moves, absolute notation.
    public var moves: [String]
    /// The player (0 or 1) who resigned, if the game ended so.
    public var resigned: Int?
}

/// The one game loop of matches, evaluations and tournaments.
public enum Match {
    /// Plays `game` from `state` to the end, `first` moving for player 0 and `second` for
    /// player 1. A player that resigns (`EngineError.resigned`) loses the game; any other
    /// engine error is thrown and ends the game unfinished.
    public static func play<G: Game>(_ game: G, from state: G.State, first: inout some GamePlayer, second: inout some GamePlayer,
                                     using rng: inout SeededGenerator) throws(EngineError) -> GameRecord {
        precondition(game.playerCount == 2, "\(game.id) is not a two-player game")
        var state = state
        var moves: [String] = []
        while game.returns(in: state) == nil {
            let mover = game.currentPlayer(in: state)
            let action: Int
            do throws(EngineError) {
                action = mover == 0 ? try first.chooseAction(in: game, state: state, using: &rng)
                    : try second.chooseAction(in: game, state: state, using: &rng)
            } catch .resigned {
                return GameRecord(returns: mover == 0 ? [-1, 1] : [1, -1], moves: moves, resigned: mover)
            }
            moves.append(game.actionText(action, in: state, notation: .absolute))
            game.play(action, in: &state)
        }
        return GameRecord(returns: game.returns(in: state)!, moves: moves, resigned: nil)
    }
}
