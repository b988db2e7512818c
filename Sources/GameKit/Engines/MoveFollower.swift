/// Keeps an outside engine's copy of a game in step with ours.
///
/// A player only sees the position it must move in, but an engine wants the moves that
/// led there. The follower remembers the last position the engine knows and finds the
/// opponent's move since then (the legal move that leads from it to the new position),
/// or recognises a new game at the starting position or one move after it. Anything else
/// (a game set up from the middle, or several moves at once) is `EngineError.cannotFollow`.
public struct MoveFollower {
    /// What the engine must be told before it moves: whether a new game began, and the
    /// moves (absolute notation, with the player who made each) since the last known
    /// position (or since the start of the new game).
    public struct Step {
        public var newGame: Bool
        public var moves: [(player: Int, text: String)]
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
        if knownGame == game.id, let known, let previous = known.base as? G.State {
            if previous == state { return Step(newGame: false, moves: []) }
            if let move = Self.move(from: previous, to: state, in: game) {
                moves.append(move.text)
                self.known = AnyHashable(state)
                return Step(newGame: false, moves: [move])
            }
        }
        // A new game: at the start, or one move into it (the engine moves second).
        let start = game.initialState(seed: 0)
        var opening: [(player: Int, text: String)] = []
        if state != start {
            guard let move = Self.move(from: start, to: state, in: game) else { throw .cannotFollow(engine: engine, game: game.id) }
            opening = [move]
        }
        known = AnyHashable(state)
        knownGame = game.id
        moves = opening.map(\.text)
        return Step(newGame: true, moves: opening)
    }

    /// The legal move (and its mover) that leads from `previous` to `state`, if one does.
    private static func move<G: Game>(from previous: G.State, to state: G.State, in game: G) -> (player: Int, text: String)? {
        for action in game.legalActionIDs(in: previous) {
            var next = previous
            game.play(action, in: &next)
            if next == state { return (game.currentPlayer(in: previous), game.actionText(action, in: previous, notation: .absolute)) }
        }
        return nil
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
