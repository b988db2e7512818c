import GameKit

/// Breakthrough (Dan Troyka, 2000): each side starts with its first two ranks full of
/// pawns. A pawn steps one cell forward, straight or diagonally, onto an empty cell, or
/// captures an enemy pawn diagonally forward (never straight). The first player to put a
/// pawn on the far rank wins; a player whose last pawn is captured loses. White (the
/// first player) starts on ranks 1-2 and moves up.
///
/// Why every game has a winner, and why `maxLength` is sound: every move advances a pawn
/// one rank, so a pawn starting on rank 1 can make `rows - 2` moves and one on rank 2
/// `rows - 3` moves before its next move would reach the far rank and end the game. A side
/// therefore makes at most `columns * (2 * rows - 5)` moves that do not win, both sides
/// twice that, and the move after that must win: `maxLength = 2 * columns * (2 * rows - 5) + 1`.
/// A side with pawns always has a move: its most advanced pawn has a forward diagonal (the
/// board has two files or more) that no pawn of its own can occupy, so that cell is empty or
/// holds an enemy pawn to capture. So the game never stalls and ends with a winner.
///
/// Text: a move is its from-cell and to-cell (`b2b3`). Breakthrough has a direction, so
/// the second player's observation is flipped vertically (ranks reversed, files kept) and
/// the mover always plays up; its mover notation is in those flipped coordinates
/// (Black's absolute `c5c4` on 6 x 6 is its mover `c2c3`). The mover's pawns are `x`,
/// the opponent's `o`; `render` shows White `W` and Black `B` from White's side.
public struct Breakthrough: Game {
    public let id: String
    public let rows: Int
    public let columns: Int
    public let maxLength: Int

    public var playerCount: Int { 2 }

    /// Every cell of the board.
    private let boardMask: UInt64
    /// Cells off the first (a) and the last file: pawns there can move diagonally left and right.
    private let notFirstFile: UInt64
    private let notLastFile: UInt64
    /// The rank White wins on (the top) and the rank Black wins on (the bottom).
    private let whiteGoal: UInt64
    private let blackGoal: UInt64

    /// A Breakthrough board of `rows` x `columns` (at most 64 cells, one bit each).
    public init(id: String, rows: Int, columns: Int) {
        precondition(rows >= 4 && columns >= 2 && rows * columns <= 64, "board needs 4+ ranks, 2+ files and at most 64 cells")
        self.id = id
        self.rows = rows
        self.columns = columns
        maxLength = 2 * columns * (2 * rows - 5) + 1
        let cells = rows * columns
        boardMask = cells == 64 ? ~0 : (1 << UInt64(cells)) - 1
        var firstFile: UInt64 = 0, lastFile: UInt64 = 0
        for rank in 0..<rows {
            firstFile |= 1 << UInt64(rank * columns)
            lastFile |= 1 << UInt64(rank * columns + columns - 1)
        }
        notFirstFile = boardMask & ~firstFile
        notLastFile = boardMask & ~lastFile
        blackGoal = (1 << UInt64(columns)) - 1
        whiteGoal = blackGoal << UInt64((rows - 1) * columns)
    }

    /// 5 x 5 Breakthrough.
    public static let fiveByFive = Breakthrough(id: "breakthrough-5x5", rows: 5, columns: 5)
    /// 6 x 6 Breakthrough.
    public static let sixBySix = Breakthrough(id: "breakthrough-6x6", rows: 6, columns: 6)
    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(rows), "columns": Double(columns)] }

    /// Cells are bits: bit `rank * columns + file`, rank 0 at the bottom (White's side).
    public struct State: Hashable, Sendable {
        var white: UInt64
        var black: UInt64
        /// 0 White to move, 1 Black.
        var mover: Int8
        /// 0 while the game goes on; 1 White won; 2 Black won.
        var winner: Int8
    }

    public func initialState(seed: UInt64) -> State {
        let twoRanks: UInt64 = (1 << UInt64(2 * columns)) - 1
        return State(white: twoRanks, black: twoRanks << UInt64((rows - 2) * columns), mover: 0, winner: 0)
    }

    public func currentPlayer(in state: State) -> Int { Int(state.mover) }

    // Action ids: `from * 3 + fileStep + 1`, with `from` the absolute cell and `fileStep`
    // -1 (towards file a), 0 (straight) or +1, so the mover's forward direction is implied.

    /// The pawns that can step left, straight and right (by their from-cells).
    private func movablePawns(_ state: State) -> (left: UInt64, straight: UInt64, right: UInt64) {
        let n = UInt64(columns)
        let empty = boardMask & ~(state.white | state.black)
        if state.mover == 0 {
            let own = state.white
            // Target masks: a pawn may land on an empty or enemy cell diagonally, an empty one straight.
            let left = (((own & notFirstFile) << (n - 1)) & boardMask & ~own) >> (n - 1)
            let straight = ((own << n) & empty) >> n
            let right = (((own & notLastFile) << (n + 1)) & boardMask & ~own) >> (n + 1)
            return (left, straight, right)
        } else {
            let own = state.black
            let left = (((own & notFirstFile) >> (n + 1)) & ~own) << (n + 1)
            let straight = ((own >> n) & empty) << n
            let right = (((own & notLastFile) >> (n - 1)) & ~own) << (n - 1)
            return (left, straight, right)
        }
    }

    public func legalActionIDs(in state: State) -> [Int] {
        if state.winner != 0 { return [] }
        let (left, straight, right) = movablePawns(state)
        var pawns = left | straight | right
        var actions: [Int] = []
        actions.reserveCapacity(3 * pawns.nonzeroBitCount)
        while pawns != 0 {
            let cell = pawns.trailingZeroBitCount
            let bit: UInt64 = 1 << UInt64(cell)
            if left & bit != 0 { actions.append(3 * cell) }
            if straight & bit != 0 { actions.append(3 * cell + 1) }
            if right & bit != 0 { actions.append(3 * cell + 2) }
            pawns &= pawns - 1
        }
        return actions
    }

    /// The absolute from- and to-cells of an action of the player `mover`.
    private func cells(of action: Int, mover: Int8) -> (from: Int, to: Int) {
        let from = action / 3
        return (from, from + (mover == 0 ? columns : -columns) + action % 3 - 1)
    }

    public func play(_ action: Int, in state: inout State) {
        precondition(action >= 0 && action < 3 * rows * columns && state.winner == 0, "illegal action \(action) in \(id)")
        let (from, to) = cells(of: action, mover: state.mover)
        let fileStep = action % 3 - 1
        let file = from % columns
        precondition(to >= 0 && to < rows * columns && file + fileStep >= 0 && file + fileStep < columns,
                     "action \(action) leaves \(id)'s board")
        let fromBit: UInt64 = 1 << UInt64(from), toBit: UInt64 = 1 << UInt64(to)
        if state.mover == 0 {
            precondition(state.white & fromBit != 0 && state.white & toBit == 0 && (fileStep != 0 || state.black & toBit == 0),
                         "illegal action \(action) in \(id)")
            state.white ^= fromBit | toBit
            state.black &= ~toBit
            if toBit & whiteGoal != 0 || state.black == 0 { state.winner = 1 }
        } else {
            precondition(state.black & fromBit != 0 && state.black & toBit == 0 && (fileStep != 0 || state.white & toBit == 0),
                         "illegal action \(action) in \(id)")
            state.black ^= fromBit | toBit
            state.white &= ~toBit
            if toBit & blackGoal != 0 || state.white == 0 { state.winner = 2 }
        }
        state.mover ^= 1
    }

    public func returns(in state: State) -> [Double]? { TwoPlayerReturns.forWinner(state.winner) }

    public func actionText(_ action: Int, in state: State, notation: Notation) -> String {
        let (from, to) = cells(of: action, mover: state.mover)
        let flip = notation == .mover && state.mover == 1
        func text(_ cell: Int) -> String {
            let rank = cell / columns
            return BoardCoordinates.cell(file: cell % columns, rank: flip ? rows - 1 - rank : rank)
        }
        return text(from) + text(to)
    }

    /// Rows top first, ranks in the given order, with the given characters for White and Black.
    private func boardRows(_ state: State, ranks: [Int], white: Character, black: Character) -> [String] {
        ranks.map { rank in
            String((0..<columns).map { file -> Character in
                let bit: UInt64 = 1 << UInt64(rank * columns + file)
                if state.white & bit != 0 { return white }
                if state.black & bit != 0 { return black }
                return "."
            })
        }
    }

    public func observationRows(of state: State) -> [String] {
        state.mover == 0
            ? boardRows(state, ranks: Array((0..<rows).reversed()), white: "x", black: "o")
            : boardRows(state, ranks: Array(0..<rows), white: "o", black: "x")
    }

    public func render(_ state: State) -> String {
        let board = BoardCoordinates.labelledBoard(boardRows(state, ranks: Array((0..<rows).reversed()), white: "W", black: "B"))
        let status: String
        switch state.winner {
        case 1: status = "White wins"
        case 2: status = "Black wins"
        default: status = state.mover == 0 ? "White to move (up)" : "Black to move (down)"
        }
        return board + "\n" + status
    }
}
