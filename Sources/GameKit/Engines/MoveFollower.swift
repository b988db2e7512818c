/// Keeps an outside engine's copy of a game in step with ours.
///
/// A player only sees the position it must move in, but an engine wants the moves that
/// led there. The follower remembers the last position the engine knows and finds the
/// opponent's move since then (the legal move that leads from it to the new position),
/// or recognises a new game at the starting position. Anything else (a game set up
/// from the middle, or several moves at once) is `EngineError.cannotFollow`.
public struct MoveFollower {
    /// What the engine must be told before it moves.
    public enum Step: Equatable {
        /// A new game from the starting position.
        case newGame
        /// These moves (absolute notation, with the player who made each) since the last
        /// known position; empty when nothing happened.
        case moves([(player: Int, text: String)])

        public static func == (a: Step, b: Step) -> Bool {
            switch (a, b) {
            case (.newGame, .newGame): true
            case let (.moves(x), .moves(y)): x.map(\.player) == y.map(\.player) && x.map(\.text) == y.map(\.text)
            default: false
            }
        }
    }

    /// The last position the engine knows (after its own move), and its game's id.
    private var known: AnyHashable?
    private var knownGame: String?
    /// The moves of the current game so far, absolute notation.
    public private(set) var moves: [String] = []

    public init() {}

    /// What happened between the last known position and `state`, whose mover the engine
    /// now plays; `engine` names it in the error.
    public mutating func step<G: Game>(to state: G.State, in game: G, engine: String) throws(EngineError) -> Step {
        let start = game.initialState(seed: 0)
        if knownGame == game.id, let known, let previous = known.base as? G.State {
            if previous == state { return .moves([]) }
            for action in game.legalActionIDs(in: previous) {
                var next = previous
                game.play(action, in: &next)
                if next == state {
                    let text = game.actionText(action, in: previous, notation: .absolute)
                    moves.append(text)
                    self.known = AnyHashable(state)
                    return .moves([(game.currentPlayer(in: previous), text)])
                }
            }
        }
        guard state == start else { throw .cannotFollow(engine: engine, game: game.id) }
        known = AnyHashable(state)
        knownGame = game.id
        moves = []
        return .newGame
    }

    /// Records the engine's own move `action` in `state` (the position `step` saw last).
    public mutating func record<G: Game>(_ action: Int, in state: G.State, of game: G) {
        var next = state
        moves.append(game.actionText(action, in: state, notation: .absolute))
        game.play(action, in: &next)
        known = AnyHashable(next)
    }

    /// Forgets the game, so the next `step` must find a starting position.
    public mutating func reset() {
        known = nil
        knownGame = nil
        moves = []
    }
}
