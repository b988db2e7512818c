import GameKit

/// Othello on an even `size` x `size` board (6 x 6 and 8 x 8 here). Black moves first. A
/// disc must be placed so that it outflanks a straight line (row, column or diagonal) of
/// opponent discs ending in one of the mover's own; every outflanked line flips. A player
/// who cannot flip anything must `pass` (the only legal action then, and only then); the
/// game ends when neither player can move, and the player with more discs wins (equal is a
/// draw).
///
/// Start: the four centre cells, Black on d5 and e4 and White on d4 and e5 on 8 x 8 (c4/d3
/// and c3/d4 on 6 x 6), so Black's first moves read `d3 c4 f5 e6` as in Othello's standard
/// notation and any published game record replays move for move. Standard Othello diagrams
/// number the rows from the top while this lab counts ranks from the bottom, so our picture
/// is the standard one mirrored top to bottom; the rules do not see the difference, so
/// every move flips the same discs and every score is the same.
///
/// `maxLength` is `2 * (size * size - 4)`: each placement fills one of the empty cells, and a
/// pass is only legal when the opponent can then place, so passes never outnumber placements.
///
/// Text: a move is the cell of the new disc (`d3`) or `pass`. The observation shows the
/// mover's discs as `x` and the opponent's as `o`; `render` shows Black `B` and White `W`.
/// The board has no direction, so both notations agree.
///
/// Moves are generated with shifts of whole bitboards (one `UInt64` for both sizes): for
/// each of the eight directions, opponent runs adjacent to the mover's discs are grown one
/// step at a time, and the empty cell just beyond a run is a move.
public struct Othello: Game {
    public let id: String
    public let size: Int

    public var playerCount: Int { 2 }
    public var maxLength: Int { 2 * (size * size - 4) }

    /// The action id of `pass`, one past the last cell.
    public var passAction: Int { size * size }

    /// Every cell of the board.
    private let boardMask: UInt64
    /// One step in each of the eight directions: a shift and the cells a shifted bit may
    /// land on (a step east must not wrap from the last file into the first one, and so on).
    private let directions: [Step]

    private struct Step {
        /// Left shift when positive, right shift when negative.
        let shift: Int
        let landing: UInt64

        @inline(__always) func apply(_ bits: UInt64) -> UInt64 {
            (shift > 0 ? bits << UInt64(shift) : bits >> UInt64(-shift)) & landing
        }
    }

    /// An Othello board of `size` x `size`, `size` even from 4 to 8.
    public init(id: String, size: Int) {
        precondition(size >= 4 && size <= 8 && size % 2 == 0, "Othello needs an even size from 4 to 8")
        self.id = id
        self.size = size
        let cells = size * size
        let board: UInt64 = cells == 64 ? ~0 : (1 << UInt64(cells)) - 1
        var firstFile: UInt64 = 0, lastFile: UInt64 = 0
        for rank in 0..<size {
            firstFile |= 1 << UInt64(rank * size)
            lastFile |= 1 << UInt64(rank * size + size - 1)
        }
        let eastward = board & ~firstFile, westward = board & ~lastFile
        boardMask = board
        directions = [
            Step(shift: 1, landing: eastward), Step(shift: -1, landing: westward),
            Step(shift: size, landing: board), Step(shift: -size, landing: board),
            Step(shift: size + 1, landing: eastward), Step(shift: size - 1, landing: westward),
            Step(shift: -size + 1, landing: eastward), Step(shift: -size - 1, landing: westward),
        ]
    }

    /// 6 x 6 Othello (solved: White wins 20-16 with perfect play, Feinstein 1993).
    public static let sixBySix = Othello(id: "othello-6x6", size: 6)
    /// Standard 8 x 8 Othello.
    public static let eightByEight = Othello(id: "othello-8x8", size: 8)
    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(size), "columns": Double(size)] }

    /// Cells are bits: bit `rank * size + file`, rank 0 at the bottom.
    public struct State: Hashable, Sendable {
        var black: UInt64
        var white: UInt64
        /// 0 Black to move, 1 White.
        var mover: Int8
    }

    public func initialState(seed: UInt64) -> State {
        let m = size / 2
        func bit(_ file: Int, _ rank: Int) -> UInt64 { 1 << UInt64(rank * size + file) }
        return State(black: bit(m - 1, m) | bit(m, m - 1), white: bit(m - 1, m - 1) | bit(m, m), mover: 0)
    }

    public func currentPlayer(in state: State) -> Int { Int(state.mover) }

    /// The mover's discs and the opponent's.
    @inline(__always) private func sides(_ state: State) -> (own: UInt64, other: UInt64) {
        state.mover == 0 ? (state.black, state.white) : (state.white, state.black)
    }

    /// The empty cells where a disc of `own` would flip discs of `other`.
    private func moves(own: UInt64, other: UInt64) -> UInt64 {
        let empty = boardMask & ~(own | other)
        var result: UInt64 = 0
        for step in directions {
            // A run of other discs is at most size - 2 long.
            var run = step.apply(own) & other
            for _ in 0..<(size - 3) { run |= step.apply(run) & other }
            result |= step.apply(run) & empty
        }
        return result
    }

    public func legalActionIDs(in state: State) -> [Int] {
        let (own, other) = sides(state)
        var cells = moves(own: own, other: other)
        if cells == 0 {
            return moves(own: other, other: own) == 0 ? [] : [passAction]
        }
        var actions: [Int] = []
        actions.reserveCapacity(cells.nonzeroBitCount)
        while cells != 0 {
            actions.append(cells.trailingZeroBitCount)
            cells &= cells - 1
        }
        return actions
    }

    /// The discs of `other` a disc of `own` placed on `placed` flips.
    private func flips(placing placed: UInt64, own: UInt64, other: UInt64) -> UInt64 {
        var flipped: UInt64 = 0
        for step in directions {
            var run: UInt64 = 0
            var next = step.apply(placed)
            while next & other != 0 {
                run |= next
                next = step.apply(next)
            }
            if next & own != 0 { flipped |= run }
        }
        return flipped
    }

    public func play(_ action: Int, in state: inout State) {
        precondition(action >= 0 && action <= passAction, "action \(action) outside \(id)'s board")
        var (own, other) = sides(state)
        if action == passAction {
            precondition(moves(own: own, other: other) == 0 && moves(own: other, other: own) != 0, "pass is not legal here in \(id)")
        } else {
            let placed: UInt64 = 1 << UInt64(action)
            precondition((own | other) & placed == 0, "cell \(action) of \(id) is taken")
            let flipped = flips(placing: placed, own: own, other: other)
            precondition(flipped != 0, "a disc on cell \(action) of \(id) flips nothing")
            own |= placed | flipped
            other &= ~flipped
            if state.mover == 0 { (state.black, state.white) = (own, other) } else { (state.white, state.black) = (own, other) }
        }
        state.mover ^= 1
    }

    /// Black's and White's disc counts.
    public func discCounts(in state: State) -> (black: Int, white: Int) {
        (state.black.nonzeroBitCount, state.white.nonzeroBitCount)
    }

    private func isOver(_ state: State) -> Bool {
        moves(own: state.black, other: state.white) == 0 && moves(own: state.white, other: state.black) == 0
    }

    public func returns(in state: State) -> [Double]? {
        guard isOver(state) else { return nil }
        let (black, white) = discCounts(in: state)
        return TwoPlayerReturns.forMargin(Double(black - white))
    }

    public func actionText(_ action: Int, in state: State, notation: Notation) -> String {
        action == passAction ? "pass" : BoardCoordinates.cell(file: action % size, rank: action / size)
    }

    /// Rows top first, with the given characters for Black's and White's discs.
    private func boardRows(_ state: State, black: Character, white: Character) -> [String] {
        (0..<size).reversed().map { rank in
            String((0..<size).map { file -> Character in
                let bit: UInt64 = 1 << UInt64(rank * size + file)
                if state.black & bit != 0 { return black }
                if state.white & bit != 0 { return white }
                return "."
            })
        }
    }

    public func observationRows(of state: State) -> [String] {
        state.mover == 0 ? boardRows(state, black: "x", white: "o") : boardRows(state, black: "o", white: "x")
    }

    public func render(_ state: State) -> String {
        let board = BoardCoordinates.labelledBoard(boardRows(state, black: "B", white: "W"))
        let (black, white) = discCounts(in: state)
        let score = "Black \(black) - White \(white)"
        let status: String
        if isOver(state) {
            status = black > white ? "Black wins" : black < white ? "White wins" : "draw"
        } else {
            status = (state.mover == 0 ? "Black" : "White") + " to move"
        }
        return board + "\n" + score + ", " + status
    }
}
