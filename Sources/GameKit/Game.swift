import SeededRandom

/// Which way an action's text is written (see "Two notations, one convention" in DESIGN.md).
public enum Notation: String, Sendable, CaseIterable {
    /// People, engines, logs and the command line: `a1` is the bottom-left corner of the
    /// board as the game's usual diagrams show it.
    case absolute
    /// What the network reads and scores: coordinates of the mover's observation board.
    /// The same as `absolute` for games without a direction.
    case mover
}

/// A game every part of the lab can play: the rules as pure functions over a value-type state.
///
/// Contracts (checked for every registered game by the shared conformance test):
/// - `legalActionIDs(in:)` returns action ids in ascending order without duplicates,
///   and is empty exactly when `returns(in:)` is not nil (the game is over).
/// - `play(_:in:)` is only called with an id from `legalActionIDs(in:)`; anything else is a
///   programmer error. Text from outside goes through `apply(_:to:notation:)`, which throws
///   `GameError.illegalAction` naming the action and the legal ones.
/// - `returns(in:)` gives one return per player when the game is over: for two players they
///   sum to zero (+1 win, -1 loss, 0 draw); a single-player task returns its reward.
/// - A game ends after at most `maxLength` actions (a draw or timeout when it gets there).
/// - `observationRows(of:)` is the board from the mover's side, top row first, one string
///   per row without spaces, only characters of `Tokenizer`'s vocabulary.
/// - Action texts are unique within a state, in either notation, and lower case
///   (`actionID(for:)` lower-cases what people type). `legalActions(in:)` sorts the texts
///   as strings, so its order is not that of `legalActionIDs(in:)`.
/// - The same seed gives the same initial state.
public protocol Game: Sendable {
    /// The state of one game in progress. A value: copying it forks the game.
    associatedtype State: Hashable & Sendable

    /// The id users type, lower-case kebab-case (`tic-tac-toe`, `connect-four`).
    var id: String { get }
    /// 1 for tasks, 2 for two-player games.
    var playerCount: Int { get }
    /// The most actions a game can last.
    var maxLength: Int { get }
    /// The variant's parameters (board size, line length, komi, ...), for listings and
    /// logs; empty by default.
    var parameters: [String: Double] { get }

    /// The starting state; procedural games draw their level from `seed`.
    func initialState(seed: UInt64) -> State
    /// Who moves: 0 or 1 (always 0 in single-player games).
    func currentPlayer(in state: State) -> Int
    /// The legal action ids, ascending and unique; empty exactly when the game is over.
    func legalActionIDs(in state: State) -> [Int]
    /// Plays a legal action id (see the contracts above).
    func play(_ action: Int, in state: inout State)
    /// One return per player once the game is over, nil while it goes on.
    func returns(in state: State) -> [Double]?
    /// The text of a legal action in the given notation.
    func actionText(_ action: Int, in state: State, notation: Notation) -> String
    /// The board as the mover sees it, top row first (without the id line).
    func observationRows(of state: State) -> [String]
    /// A human view with absolute colours and labelled coordinates.
    func render(_ state: State) -> String
}

extension Game {
    public var parameters: [String: Double] { [:] }

    /// Whether the game is over.
    public func isTerminal(_ state: State) -> Bool { returns(in: state) != nil }

    /// The legal actions as text, sorted and unique.
    public func legalActions(in state: State, notation: Notation = .absolute) -> [String] {
        legalActionIDs(in: state).map { actionText($0, in: state, notation: notation) }.sorted()
    }

    /// The id of the legal action written `text`, or a `GameError` naming it and the legal ones.
    public func actionID(for text: String, in state: State, notation: Notation = .absolute) throws(GameError) -> Int {
        if isTerminal(state) { throw .gameOver(game: id, action: text) }
        let wanted = text.trimmingWhitespace().lowercased()
        for action in legalActionIDs(in: state) where actionText(action, in: state, notation: notation) == wanted {
            return action
        }
        throw .illegalAction(game: id, action: text, legal: legalActions(in: state, notation: notation))
    }

    /// Plays the action written `text`; throws (leaving `state` unchanged) if it is not legal.
    public func apply(_ text: String, to state: inout State, notation: Notation = .absolute) throws(GameError) {
        play(try actionID(for: text, in: state, notation: notation), in: &state)
    }

    /// The state after the action written `text`.
    public func applying(_ text: String, to state: State, notation: Notation = .absolute) throws(GameError) -> State {
        var next = state
        try apply(text, to: &next, notation: notation)
        return next
    }

    /// What the network reads: the id line (unless hidden), then the board from the mover's side.
    public func observation(of state: State, showingID: Bool = true) -> String {
        let rows = observationRows(of: state)
        return (showingID ? [id] + rows : rows).joined(separator: "\n")
    }

    /// The number of action sequences of exactly `depth` actions from `state` (perft):
    /// a game that ends earlier contributes nothing, as in chess perft.
    public func perft(_ state: State, depth: Int) -> Int {
        precondition(depth >= 0, "perft depth must not be negative")
        if depth == 0 { return 1 }
        let actions = legalActionIDs(in: state)
        if depth == 1 { return actions.count }
        var total = 0
        for action in actions {
            var child = state
            play(action, in: &child)
            total += perft(child, depth: depth - 1)
        }
        return total
    }

    /// Plays uniformly random legal actions to the end and returns the final state.
    public func randomPlayout(from state: State, using rng: inout SeededGenerator) -> State {
        var moves = 0
        return randomPlayout(from: state, using: &rng, moves: &moves)
    }

    /// Plays uniformly random legal actions to the end, adding the number of moves to `moves`.
    public func randomPlayout(from state: State, using rng: inout SeededGenerator, moves: inout Int) -> State {
        var current = state
        while true {
            let actions = legalActionIDs(in: current)
            if actions.isEmpty { return current }
            play(actions[Int(rng.next() % UInt64(actions.count))], in: &current)
            moves += 1
        }
    }
}

/// What can go wrong when a person, a file or a command names a game or a move.
/// Each description says what was wrong and what is allowed.
public enum GameError: Error, Equatable, CustomStringConvertible {
    case illegalAction(game: String, action: String, legal: [String])
    case gameOver(game: String, action: String)
    case unknownGame(name: String, known: [String], suggestion: String?)
    case badGameList(String)
    case badPosition(game: String, reason: String)

    public var description: String {
        switch self {
        case let .illegalAction(game, action, legal):
            "'\(action)' is not a legal move in \(game) here; legal moves: \(legal.joined(separator: " "))"
        case let .gameOver(game, action):
            "cannot play '\(action)': the \(game) game is already over"
        case let .unknownGame(name, known, suggestion):
            "unknown game '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; known games: \(known.joined(separator: ", "))"
        case let .badGameList(reason):
            "bad list of games: \(reason); give 'all' or comma-separated game ids (see `play games`)"
        case let .badPosition(game, reason):
            "bad \(game) position \(reason)"
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// The returns of a finished two-player zero-sum game, the one rule every such game uses.
public enum TwoPlayerReturns {
    /// +1 to the first player and -1 to the second for a positive margin (score difference
    /// of the first player over the second), the reverse for a negative one, 0 each for 0.
    public static func forMargin(_ margin: Double) -> [Double] {
        margin > 0 ? [1, -1] : margin < 0 ? [-1, 1] : [0, 0]
    }

    /// The returns for a recorded winner, 1 (first player) or 2 (second); nil for any
    /// other value (no winner yet, or a draw the game decides itself).
    public static func forWinner(_ winner: Int8) -> [Double]? {
        winner == 1 ? [1, -1] : winner == 2 ? [-1, 1] : nil
    }
}
