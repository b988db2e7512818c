import SeededRandom

/// Exact minimax with memoisation, for games small enough to solve (tic-tac-toe and
/// the like): plays a move of optimal value, chosen at random among equals.
///
/// Values are the mover's return under perfect play of both sides; the memo persists
/// across moves, so a player solves a game once. Two-player zero-sum and
/// single-player games only.
public struct MinimaxPlayer: GamePlayer {
    public var name: String { "minimax" }
    private var memo: [AnyHashable: Double] = [:]
    /// The game the memo belongs to: states of two variants can be equal values.
    private var memoGameID: String?

    public init() {}

    /// The value of `state` for player 0 under perfect play of both sides.
    public mutating func value<G: Game>(of state: G.State, in game: G) -> Double {
        useMemo(of: game)
        return valueFor(player: 0, state, in: game)
    }

    /// Clears the memo when it belongs to another game.
    private mutating func useMemo<G: Game>(of game: G) {
        if memoGameID != game.id {
            memo.removeAll()
            memoGameID = game.id
        }
    }

    /// Optimal actions and the mover's value.
    public mutating func solve<G: Game>(_ state: G.State, in game: G) -> (value: Double, best: [Int]) {
        useMemo(of: game)
        return solveInMemo(state, in: game)
    }

    private mutating func solveInMemo<G: Game>(_ state: G.State, in game: G) -> (value: Double, best: [Int]) {
        let mover = game.currentPlayer(in: state)
        var bestValue = -Double.infinity
        var best: [Int] = []
        for action in game.legalActionIDs(in: state) {
            var child = state
            game.play(action, in: &child)
            let v = valueFor(player: mover, child, in: game)
            if v > bestValue { bestValue = v; best = [action] } else if v == bestValue { best.append(action) }
        }
        return (bestValue, best)
    }

    /// The value of `state` for `player` under perfect play.
    private mutating func valueFor<G: Game>(player: Int, _ state: G.State, in game: G) -> Double {
        if let returns = game.returns(in: state) { return returns[player] }
        let mover = game.currentPlayer(in: state)
        let moverValue: Double
        if let cached = memo[AnyHashable(state)] {
            moverValue = cached
        } else {
            moverValue = solveInMemo(state, in: game).value
            memo[AnyHashable(state)] = moverValue
        }
        return mover == player ? moverValue : -moverValue
    }

    public mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) -> Int {
        rng.pick(solve(state, in: game).best)
    }
}
