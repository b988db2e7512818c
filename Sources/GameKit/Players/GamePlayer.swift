import SeededRandom

/// Something that picks moves: the baselines every evaluation needs, the network, and
/// outside engines (GNU Go, Fairy-Stockfish) behind their protocols.
public protocol GamePlayer {
    /// A short name for tables and logs (`random`, `mcts:200`, `gnugo:1`).
    var name: String { get }
    /// A legal action id for the mover of `state`, which is not terminal.
    ///
    /// Only engine players throw: when the engine is missing, dies, hangs or plays a move
    /// our rules call illegal, and `EngineError.resigned` when it gives the game up.
    /// Baselines and the network never throw, so calls on them need no `try`.
    mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) throws(EngineError) -> Int
}

extension SeededGenerator {
    /// A uniformly chosen element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        precondition(!items.isEmpty, "nothing to pick from")
        return items[Int(next() % UInt64(items.count))]
    }
}

/// Plays uniformly at random among the legal actions.
public struct RandomPlayer: GamePlayer {
    public var name: String { "random" }
    public init() {}

    public mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) -> Int {
        rng.pick(game.legalActionIDs(in: state))
    }
}

/// Looks one move ahead: wins now if it can, otherwise avoids moves after which the
/// opponent wins at once, otherwise plays at random.
public struct GreedyPlayer: GamePlayer {
    public var name: String { "greedy" }
    public init() {}

    public mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) -> Int {
        let me = game.currentPlayer(in: state)
        let actions = game.legalActionIDs(in: state)
        var winning: [Int] = [], safe: [Int] = []
        for action in actions {
            var child = state
            game.play(action, in: &child)
            if let returns = game.returns(in: child) {
                if returns[me] > 0 { winning.append(action) } else if returns[me] == 0 { safe.append(action) }
                continue
            }
            if !opponentWinsAtOnce(game, child, me: me) { safe.append(action) }
        }
        if !winning.isEmpty { return rng.pick(winning) }
        return rng.pick(safe.isEmpty ? actions : safe)
    }

    private func opponentWinsAtOnce<G: Game>(_ game: G, _ state: G.State, me: Int) -> Bool {
        let mover = game.currentPlayer(in: state)
        guard mover != me else { return false }
        for reply in game.legalActionIDs(in: state) {
            var next = state
            game.play(reply, in: &next)
            if let returns = game.returns(in: next), returns[mover] > 0 { return true }
        }
        return false
    }
}
