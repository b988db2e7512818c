import GameKit

/// Hex (Hein 1942, Nash 1948) on a `size` x `size` rhombus. Players take turns placing a
/// stone on an empty cell. The first player (X) wins by joining the top and bottom edges
/// (ranks 1 and `size`) with a chain of own stones, the second (O) by joining the left and
/// right edges (files a and the last). A full board always has exactly one winner (the Hex
/// theorem), so there are no draws and a game lasts at most `size * size` moves.
///
/// No swap rule: without it the first player has a winning strategy on every board (Nash's
/// strategy-stealing argument), which the lab accepts to keep the game a plain placement
/// game; the small boards here are for learning, not for fair matches.
///
/// Neighbours: cells are stored on a square grid of files and ranks, and the cell at file
/// `f`, rank `r` touches six others: `(f-1, r)`, `(f+1, r)`, `(f, r-1)`, `(f, r+1)`,
/// `(f+1, r-1)` and `(f-1, r+1)`. In the square text grid that is left, right, below,
/// above, below-right and above-left, but not below-left or above-right: the rhombus leans
/// so that each rank sits half a cell to the right of the one below it (as `render` draws it).
///
/// Text: a move is the cell (`c3`). Hex has a direction (who joins which edges), so the
/// second player sees the board transposed (mirrored along the a1 diagonal: file and rank
/// swap), in which it joins top and bottom like the first player does; the transpose keeps
/// the six neighbours of every cell, so the geometry is the same. The second player's mover
/// notation is in those transposed coordinates (its absolute `c1` is its mover `a3`). The
/// mover's stones are `x`, the opponent's `o`; `render` shows X and O in absolute coordinates.
///
/// Wins are found by flood fill on bitboards: the group of the new stone is grown through the
/// six neighbour shifts until it stops, then tested against the mover's two edges.
public struct Hex: Game {
    public let id: String
    public let size: Int

    public var playerCount: Int { 2 }
    public var maxLength: Int { size * size }

    private let boardMask: UInt64
    private let notFirstFile: UInt64
    private let notLastFile: UInt64
    private let bottomRank: UInt64
    private let topRank: UInt64
    private let firstFile: UInt64
    private let lastFile: UInt64

    /// A Hex board of `size` x `size`, from 2 to 8.
    public init(id: String, size: Int) {
        precondition(size >= 2 && size <= 8, "Hex needs a size from 2 to 8 (one bit per cell)")
        self.id = id
        self.size = size
        let cells = size * size
        boardMask = cells == 64 ? ~0 : (1 << UInt64(cells)) - 1
        var first: UInt64 = 0, last: UInt64 = 0
        for rank in 0..<size {
            first |= 1 << UInt64(rank * size)
            last |= 1 << UInt64(rank * size + size - 1)
        }
        firstFile = first
        lastFile = last
        notFirstFile = boardMask & ~first
        notLastFile = boardMask & ~last
        bottomRank = (1 << UInt64(size)) - 1
        topRank = bottomRank << UInt64((size - 1) * size)
    }

    /// 5 x 5 Hex.
    public static let fiveByFive = Hex(id: "hex-5x5", size: 5)
    /// 6 x 6 Hex.
    public static let sixBySix = Hex(id: "hex-6x6", size: 6)
    /// 7 x 7 Hex.
    public static let sevenBySeven = Hex(id: "hex-7x7", size: 7)
    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(size), "columns": Double(size)] }

    /// Cells are bits: bit `rank * size + file`, rank 0 at the bottom.
    public struct State: Hashable, Sendable {
        /// Stones of the first player (X, top to bottom) and of the second (O, left to right).
        var first: UInt64
        var second: UInt64
        /// 0 X to move, 1 O.
        var mover: Int8
        /// 0 while the game goes on; 1 X won; 2 O won.
        var winner: Int8
    }

    public func initialState(seed: UInt64) -> State { State(first: 0, second: 0, mover: 0, winner: 0) }

    public func currentPlayer(in state: State) -> Int { Int(state.mover) }

    public func legalActionIDs(in state: State) -> [Int] {
        if state.winner != 0 { return [] }
        var empty = boardMask & ~(state.first | state.second)
        var actions: [Int] = []
        actions.reserveCapacity(empty.nonzeroBitCount)
        while empty != 0 {
            actions.append(empty.trailingZeroBitCount)
            empty &= empty - 1
        }
        return actions
    }

    /// The cells next to `cells` (see the neighbour rule above), `cells` included.
    @inline(__always) private func grown(_ cells: UInt64) -> UInt64 {
        let n = UInt64(size)
        return cells
            | ((cells << 1) & notFirstFile) | ((cells >> 1) & notLastFile)   // right, left
            | (cells << n) | (cells >> n)                                    // above, below
            | ((cells << (n - 1)) & notLastFile)                             // above-left
            | ((cells >> (n - 1)) & notFirstFile)                            // below-right
    }

    /// The stones of `stones` connected to `seed`.
    private func group(of seed: UInt64, in stones: UInt64) -> UInt64 {
        var group = seed
        while true {
            let next = grown(group) & stones
            if next == group { return group }
            group = next
        }
    }

    public func play(_ action: Int, in state: inout State) {
        precondition(action >= 0 && action < size * size, "action \(action) outside \(id)'s board")
        let bit: UInt64 = 1 << UInt64(action)
        precondition(state.winner == 0 && (state.first | state.second) & bit == 0, "illegal action \(action) in \(id)")
        if state.mover == 0 {
            state.first |= bit
            let chain = group(of: bit, in: state.first)
            if chain & bottomRank != 0 && chain & topRank != 0 { state.winner = 1 }
        } else {
            state.second |= bit
            let chain = group(of: bit, in: state.second)
            if chain & firstFile != 0 && chain & lastFile != 0 { state.winner = 2 }
        }
        state.mover ^= 1
    }

    public func returns(in state: State) -> [Double]? { TwoPlayerReturns.forWinner(state.winner) }

    public func actionText(_ action: Int, in state: State, notation: Notation) -> String {
        let file = action % size, rank = action / size
        return notation == .mover && state.mover == 1
            ? BoardCoordinates.cell(file: rank, rank: file)
            : BoardCoordinates.cell(file: file, rank: rank)
    }

    /// The stone character at absolute `file`, `rank`.
    private func mark(_ state: State, file: Int, rank: Int, first: Character, second: Character) -> Character {
        let bit: UInt64 = 1 << UInt64(rank * size + file)
        if state.first & bit != 0 { return first }
        if state.second & bit != 0 { return second }
        return "."
    }

    public func observationRows(of state: State) -> [String] {
        (0..<size).reversed().map { row in
            String((0..<size).map { column -> Character in
                state.mover == 0
                    ? mark(state, file: column, rank: row, first: "x", second: "o")
                    : mark(state, file: row, rank: column, first: "o", second: "x")
            })
        }
    }

    /// The rhombus with each rank shifted half a cell right of the one below, rank numbers on
    /// the left and file letters under the bottom rank.
    public func render(_ state: State) -> String {
        let width = String(size).count
        var lines: [String] = []
        for rank in (0..<size).reversed() {
            let label = String(rank + 1)
            let cells = (0..<size).map { String(mark(state, file: $0, rank: rank, first: "X", second: "O")) }
            lines.append(String(repeating: " ", count: width - label.count) + label + " "
                         + String(repeating: " ", count: rank) + cells.joined(separator: " "))
        }
        let files = (0..<size).map { String(UnicodeScalar(UInt8(97 + $0))) }.joined(separator: " ")
        lines.append(String(repeating: " ", count: width + 1) + files)
        let status: String
        switch state.winner {
        case 1: status = "X wins (top to bottom)"
        case 2: status = "O wins (left to right)"
        default: status = state.mover == 0 ? "X to move (joins top and bottom)" : "O to move (joins left and right)"
        }
        return lines.joined(separator: "\n") + "\n" + status
    }
}
