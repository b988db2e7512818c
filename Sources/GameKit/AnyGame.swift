/// The state of a game behind `AnyGame`.
public struct AnyGameState: Hashable, Sendable {
    /// The concrete game's state.
    public let base: any Hashable & Sendable

    init(_ base: some Hashable & Sendable) { self.base = base }

    public static func == (lhs: AnyGameState, rhs: AnyGameState) -> Bool { AnyHashable(lhs.base) == AnyHashable(rhs.base) }
    public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(base)) }
}

/// Any game, with its type erased, so one batch or one list can hold many games.
/// It conforms to `Game` itself, so players, tests and tools written for `Game` take it too.
///
/// Passing it a state from another game is a programmer error (a precondition).
public struct AnyGame: Game {
    public let id: String
    public let playerCount: Int
    public let maxLength: Int
    private let box: any GameBox
    private let solver: (@Sendable (AnyGameState) -> [Int]?)?

    /// Wraps `game`.
    public init<G: Game>(_ game: G) {
        if let already = game as? AnyGame { self = already; return }
        id = game.id
        playerCount = game.playerCount
        maxLength = game.maxLength
        box = ConcreteBox(game: game)
        if let task = game as? any SolvableTask { solver = AnyGame.solver(of: task) } else { solver = nil }
    }

    private static func solver<T: SolvableTask>(of task: T) -> @Sendable (AnyGameState) -> [Int]? {
        { state in
            guard let concrete = state.base as? T.State else {
                preconditionFailure("a state of another game was passed to \(task.id)")
            }
            return task.shortestSolution(from: concrete)
        }
    }

    /// Whether the wrapped game is a `SolvableTask`, whose optimum `shortestSolution` gives.
    public var isSolvableTask: Bool { solver != nil }

    /// The wrapped task's shortest solution from `state`; nil for games that are not
    /// `SolvableTask`s and for states no sequence solves.
    public func shortestSolution(from state: AnyGameState) -> [Int]? { solver?(state) }

    public func initialState(seed: UInt64) -> AnyGameState { box.initialState(seed: seed) }
    public func currentPlayer(in state: AnyGameState) -> Int { box.currentPlayer(in: state) }
    public func legalActionIDs(in state: AnyGameState) -> [Int] { box.legalActionIDs(in: state) }
    public func play(_ action: Int, in state: inout AnyGameState) { box.play(action, in: &state) }
    public func returns(in state: AnyGameState) -> [Double]? { box.returns(in: state) }
    public func actionText(_ action: Int, in state: AnyGameState, notation: Notation) -> String {
        box.actionText(action, in: state, notation: notation)
    }
    public func observationRows(of state: AnyGameState) -> [String] { box.observationRows(of: state) }
    public func render(_ state: AnyGameState) -> String { box.render(state) }
}

private protocol GameBox: Sendable {
    func initialState(seed: UInt64) -> AnyGameState
    func currentPlayer(in state: AnyGameState) -> Int
    func legalActionIDs(in state: AnyGameState) -> [Int]
    func play(_ action: Int, in state: inout AnyGameState)
    func returns(in state: AnyGameState) -> [Double]?
    func actionText(_ action: Int, in state: AnyGameState, notation: Notation) -> String
    func observationRows(of state: AnyGameState) -> [String]
    func render(_ state: AnyGameState) -> String
}

private struct ConcreteBox<G: Game>: GameBox {
    let game: G

    func unwrap(_ state: AnyGameState) -> G.State {
        guard let concrete = state.base as? G.State else {
            preconditionFailure("a state of another game was passed to \(game.id)")
        }
        return concrete
    }

    func initialState(seed: UInt64) -> AnyGameState { AnyGameState(game.initialState(seed: seed)) }
    func currentPlayer(in state: AnyGameState) -> Int { game.currentPlayer(in: unwrap(state)) }
    func legalActionIDs(in state: AnyGameState) -> [Int] { game.legalActionIDs(in: unwrap(state)) }
    func play(_ action: Int, in state: inout AnyGameState) {
        var concrete = unwrap(state)
        game.play(action, in: &concrete)
        state = AnyGameState(concrete)
    }
    func returns(in state: AnyGameState) -> [Double]? { game.returns(in: unwrap(state)) }
    func actionText(_ action: Int, in state: AnyGameState, notation: Notation) -> String {
        game.actionText(action, in: unwrap(state), notation: notation)
    }
    func observationRows(of state: AnyGameState) -> [String] { game.observationRows(of: unwrap(state)) }
    func render(_ state: AnyGameState) -> String { game.render(unwrap(state)) }
}
