import GameKit

/// The k-in-a-row family (m,n,k-games): two players place stones on a board of
/// `rows` x `columns` cells; the first to line up `k` in a row, column or diagonal
/// wins; a full board is a draw. With `gravity` a stone drops to the lowest empty
/// cell of its column, which makes connect-four.
///
/// Text: a move is the cell where the stone lands (`c3`; in connect-four the cell
/// the disc falls to). The observation shows the mover's stones as `x`, the
/// opponent's as `o`. The board has no direction, so both notations agree.
public struct KInARow: Game {
    public let id: String
    public let rows: Int
    public let columns: Int
    public let k: Int
    public let gravity: Bool

    public var playerCount: Int { 2 }
    public var maxLength: Int { rows * columns }

    /// A k-in-a-row variant; the board has at most 64 cells (one bit each).
    public init(id: String, rows: Int, columns: Int, k: Int, gravity: Bool = false) {
        precondition(rows >= 1 && columns >= 1 && rows * columns <= 64 && columns <= 26, "board must fit 64 cells and 26 files")
        precondition(k >= 1 && k <= max(rows, columns), "k must fit on the board")
        self.id = id
        self.rows = rows
        self.columns = columns
        self.k = k
        self.gravity = gravity
    }

    /// Tic-tac-toe: 3 x 3, three in a row.
    public static let ticTacToe = KInARow(id: "tic-tac-toe", rows: 3, columns: 3, k: 3)
    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(rows), "columns": Double(columns), "k": Double(k), "gravity": gravity ? 1 : 0] }

    /// Connect Four: 6 rows x 7 columns, four in a row, discs fall.
    public static let connectFour = KInARow(id: "connect-four", rows: 6, columns: 7, k: 4, gravity: true)

    /// Cells are bits: bit `rank * columns + file`, rank 0 at the bottom.
    public struct State: Hashable, Sendable {
        /// Stones of the first player (X) and the second (O).
        var stones: (first: UInt64, second: UInt64)
        /// Number of stones placed.
        var plies: Int
        /// 0 while the game goes on or drawn; 1 first player won; 2 second player won.
        var winner: Int8

        public static func == (a: State, b: State) -> Bool {
            a.stones.first == b.stones.first && a.stones.second == b.stones.second && a.plies == b.plies && a.winner == b.winner
        }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(stones.first)
            hasher.combine(stones.second)
        }
    }

    public func initialState(seed: UInt64) -> State { State(stones: (0, 0), plies: 0, winner: 0) }

    public func currentPlayer(in state: State) -> Int { state.plies & 1 }

    private var fullBoard: UInt64 { rows * columns == 64 ? ~0 : (1 << UInt64(rows * columns)) - 1 }

    private func isOver(_ state: State) -> Bool {
        state.winner != 0 || state.plies == rows * columns
    }

    public func legalActionIDs(in state: State) -> [Int] {
        if isOver(state) { return [] }
        let occupied = state.stones.first | state.stones.second
        var actions: [Int] = []
        if gravity {
            let topRow = UInt64(rows - 1) * UInt64(columns)
            for file in 0..<columns where occupied & (1 << (topRow + UInt64(file))) == 0 { actions.append(file) }
        } else {
            var empty = ~occupied & fullBoard
            while empty != 0 {
                actions.append(empty.trailingZeroBitCount)
                empty &= empty - 1
            }
        }
        return actions
    }

    /// The cell a legal action puts its stone on.
    private func landingCell(_ action: Int, in state: State) -> Int {
        guard gravity else { return action }
        let occupied = state.stones.first | state.stones.second
        var rank = 0
        while occupied & (1 << UInt64(rank * columns + action)) != 0 { rank += 1 }
        return rank * columns + action
    }

    public func play(_ action: Int, in state: inout State) {
        precondition(action >= 0 && action < (gravity ? columns : rows * columns), "action \(action) outside \(id)'s board")
        let cell = landingCell(action, in: state)
        precondition(cell < rows * columns, "column \(action) of \(id) is full")
        let bit: UInt64 = 1 << UInt64(cell)
        precondition(!isOver(state) && (state.stones.first | state.stones.second) & bit == 0, "illegal action \(action) in \(id)")
        let mover = currentPlayer(in: state)
        if mover == 0 { state.stones.first |= bit } else { state.stones.second |= bit }
        state.plies += 1
        if completesLine(at: cell, stones: mover == 0 ? state.stones.first : state.stones.second) {
            state.winner = Int8(mover + 1)
        }
    }

    /// Whether the stone at `cell` is part of k in a line of `stones`.
    private func completesLine(at cell: Int, stones: UInt64) -> Bool {
        let rank = cell / columns, file = cell % columns
        for (dr, df) in [(0, 1), (1, 0), (1, 1), (1, -1)] {
            var count = 1
            for sign in [1, -1] {
                var r = rank + sign * dr, f = file + sign * df
                while r >= 0 && r < rows && f >= 0 && f < columns && stones & (1 << UInt64(r * columns + f)) != 0 {
                    count += 1
                    r += sign * dr
                    f += sign * df
                }
            }
            if count >= k { return true }
        }
        return false
    }

    public func returns(in state: State) -> [Double]? {
        TwoPlayerReturns.forWinner(state.winner) ?? (state.plies == rows * columns ? [0, 0] : nil)
    }

    public func actionText(_ action: Int, in state: State, notation: Notation) -> String {
        let cell = landingCell(action, in: state)
        return BoardCoordinates.cell(file: cell % columns, rank: cell / columns)
    }

    /// Rows top first, with the given characters for the first and second player's stones.
    private func boardRows(_ state: State, first: Character, second: Character) -> [String] {
        (0..<rows).reversed().map { rank in
            String((0..<columns).map { file -> Character in
                let bit: UInt64 = 1 << UInt64(rank * columns + file)
                if state.stones.first & bit != 0 { return first }
                if state.stones.second & bit != 0 { return second }
                return "."
            })
        }
    }

    public func observationRows(of state: State) -> [String] {
        currentPlayer(in: state) == 0 ? boardRows(state, first: "x", second: "o") : boardRows(state, first: "o", second: "x")
    }

    public func render(_ state: State) -> String {
        let board = BoardCoordinates.labelledBoard(boardRows(state, first: "X", second: "O"))
        let status: String
        switch state.winner {
        case 1: status = "X wins"
        case 2: status = "O wins"
        default: status = state.plies == rows * columns ? "draw" : "\(currentPlayer(in: state) == 0 ? "X" : "O") to move"
        }
        return board + "\n" + status
    }
}
