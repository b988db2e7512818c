import GameKit

/// Chess-lite: Gardner minichess, chess on 5 x 5 (Martin Gardner, 1969), start
/// `rnbqk/ppppp/5/PPPPP/RNBQK`, White to move. Pawns step one square (no double step,
/// so no en passant), there is no castling, and a pawn reaching the last rank promotes
/// to a queen, rook, bishop or knight. Checkmate wins; stalemate, the third occurrence
/// of a position, `quietPlyLimit` plies without a capture or pawn move, and
/// `maxLength` plies are draws.
///
/// Perft from the start is 7, 53, 506, 4775, 52512, 572874 (depths 1-6): the published
/// counts the tests check (see ChessLiteTests).
///
/// Text: a move is two cells, `b2b3`, plus the promotion piece, `b4b5q`. Chess has a
/// direction, so Black sees the board flipped vertically (ranks reversed, files kept)
/// and always plays "up": its pieces are upper case at the bottom of its observation,
/// and its mover-notation moves are in those flipped coordinates (Black's absolute
/// `b4b3` is `b2b3` to the network, like White's first moves).
///
/// Inside: one 25-bit board per piece type and per colour, bit `rank * 5 + file` with
/// rank 0 White's first rank; an action id is `(from * 25 + to) * 5 + promotion`.
public struct ChessLite: Game {
    public var id: String { "chess-lite" }
    public var playerCount: Int { 2 }
    /// The longest game, in plies; reaching it is a draw.
    public let maxLength: Int
    /// Plies without a capture or a pawn move after which the game is a draw: the
    /// fifty-move rule scaled to the small board (25 moves each).
    public let quietPlyLimit: Int

    public init(maxLength: Int = 200, quietPlyLimit: Int = 50) {
        precondition(maxLength > 0 && quietPlyLimit > 0, "limits must be positive")
        self.maxLength = maxLength
        self.quietPlyLimit = quietPlyLimit
    }

    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": 5, "columns": 5, "maxLength": Double(maxLength), "quietPlyLimit": Double(quietPlyLimit)] }

    /// Piece kinds, in the order of the promotion codes (0 means no promotion).
    public enum Piece: Int, Sendable, CaseIterable {
        case pawn = 0, knight, bishop, rook, queen, king

        /// The FEN letter in upper case (White's).
        var letter: Character { Array("PNBRQK")[rawValue] }
    }

    /// Where the pieces stand and who moves; what repetition compares.
    public struct Position: Hashable, Sendable {
        /// One board per piece kind (`Piece.rawValue`), both colours together.
        var kinds: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
        /// The squares of White's and of Black's pieces.
        var white: UInt32, black: UInt32
        /// 0 White, 1 Black.
        var sideToMove: Int

        public static func == (a: Position, b: Position) -> Bool {
            a.white == b.white && a.black == b.black && a.sideToMove == b.sideToMove
                && a.kinds.0 == b.kinds.0 && a.kinds.1 == b.kinds.1 && a.kinds.2 == b.kinds.2
                && a.kinds.3 == b.kinds.3 && a.kinds.4 == b.kinds.4 && a.kinds.5 == b.kinds.5
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(key) }

        func board(_ piece: Piece) -> UInt32 {
            switch piece {
            case .pawn: kinds.0
            case .knight: kinds.1
            case .bishop: kinds.2
            case .rook: kinds.3
            case .queen: kinds.4
            case .king: kinds.5
            }
        }

        mutating func toggle(_ piece: Piece, _ bits: UInt32) {
            switch piece {
            case .pawn: kinds.0 ^= bits
            case .knight: kinds.1 ^= bits
            case .bishop: kinds.2 ^= bits
            case .rook: kinds.3 ^= bits
            case .queen: kinds.4 ^= bits
            case .king: kinds.5 ^= bits
            }
        }

        func colour(_ side: Int) -> UInt32 { side == 0 ? white : black }
        var occupied: UInt32 { white | black }

        /// The kind of the piece on `square` (which must be occupied).
        func piece(on square: Int) -> Piece {
            let bit: UInt32 = 1 << UInt32(square)
            if kinds.0 & bit != 0 { return .pawn }
            if kinds.1 & bit != 0 { return .knight }
            if kinds.2 & bit != 0 { return .bishop }
            if kinds.3 & bit != 0 { return .rook }
            if kinds.4 & bit != 0 { return .queen }
            return .king
        }

        /// A 64-bit digest of the position for repetition counting (a multiply-xorshift
        /// mix of the boards; a collision would need two of a game's few hundred positions
        /// to agree on 64 bits).
        var key: UInt64 {
            var h: UInt64 = UInt64(sideToMove) &+ 0x9E37_79B9_7F4A_7C15
            for word in [UInt64(white) | UInt64(black) << 32, UInt64(kinds.0) | UInt64(kinds.1) << 32,
                         UInt64(kinds.2) | UInt64(kinds.3) << 32, UInt64(kinds.4) | UInt64(kinds.5) << 32] {
                h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
            }
            return h
        }
    }

    /// A game in progress: the position plus what the draw rules need.
    public struct State: Hashable, Sendable {
        public internal(set) var position: Position
        /// Plies since the last capture or pawn move.
        public internal(set) var quietPlies: Int
        /// Plies played.
        public internal(set) var plies: Int
        /// Keys of the positions since the last capture or pawn move (earlier ones cannot
        /// recur), the current one last.
        var recentKeys: [UInt64]
        /// nil while the game goes on; the returns once it is over.
        var outcome: Outcome?
    }

    /// How a game ended.
    public enum Outcome: Hashable, Sendable {
        case checkmate(winner: Int), stalemate, repetition, quietMoves, maxLength

        var returns: [Double] {
            if case let .checkmate(winner) = self { return winner == 0 ? [1, -1] : [-1, 1] }
            return [0, 0]
        }
    }

    /// The standard start, `rnbqk/ppppp/5/PPPPP/RNBQK w`.
    public func initialState(seed: UInt64) -> State {
        try! state(fen: "rnbqk/ppppp/5/PPPPP/RNBQK w")
    }

    /// A state from a FEN-style description: five ranks from the top (rank 5) down,
    /// separated by `/`, letters `PNBRQK` (White) and `pnbrqk` (Black), digits for empty
    /// squares, then `w` or `b` for the side to move.
    public func state(fen: String) throws(GameError) -> State {
        let fields = fen.split(separator: " ")
        let bad = { (why: String) in GameError.badPosition(game: "chess-lite", reason: "'\(fen)': \(why)") }
        guard fields.count == 2, fields[1] == "w" || fields[1] == "b" else { throw bad("expected five ranks and 'w' or 'b'") }
        let ranks = fields[0].split(separator: "/", omittingEmptySubsequences: false)
        guard ranks.count == 5 else { throw bad("expected 5 ranks separated by '/'") }
        var position = Position(kinds: (0, 0, 0, 0, 0, 0), white: 0, black: 0, sideToMove: fields[1] == "w" ? 0 : 1)
        for (row, text) in ranks.enumerated() {
            let rank = 4 - row
            var file = 0
            for character in text {
                if let empty = character.wholeNumberValue {
                    file += empty
                    continue
                }
                guard let piece = Piece.allCases.first(where: { $0.letter == Character(character.uppercased()) }) else {
                    throw bad("unknown piece '\(character)'")
                }
                guard file < 5 else { throw bad("rank \(rank + 1) has more than 5 squares") }
                let bit: UInt32 = 1 << UInt32(rank * 5 + file)
                position.toggle(piece, bit)
                if character.isUppercase { position.white |= bit } else { position.black |= bit }
                file += 1
            }
            guard file == 5 else { throw bad("rank \(rank + 1) has \(file) squares, not 5") }
        }
        for side in 0..<2 where (position.board(.king) & position.colour(side)).nonzeroBitCount != 1 {
            throw bad("each side needs exactly one king")
        }
        var state = State(position: position, quietPlies: 0, plies: 0, recentKeys: [position.key], outcome: nil)
        state.outcome = outcome(of: state)
        return state
    }

    /// The FEN-style description of the position (`rnbqk/ppppp/5/PPPPP/RNBQK w`), the form
    /// `state(fen:)` reads; engines take it with ` - - 0 1` appended.
    public func fen(of state: State) -> String {
        let ranks = (0..<5).reversed().map { rank -> String in
            var text = "", empty = 0
            for character in rankText(state.position, rank: rank, upperCase: 0) {
                if character == "." { empty += 1; continue }
                if empty > 0 { text += String(empty); empty = 0 }
                text.append(character)
            }
            return empty > 0 ? text + String(empty) : text
        }
        return ranks.joined(separator: "/") + (state.position.sideToMove == 0 ? " w" : " b")
    }

    public func currentPlayer(in state: State) -> Int { state.position.sideToMove }

    public func returns(in state: State) -> [Double]? { state.outcome?.returns }

    /// How the game ended, or nil while it goes on.
    public func outcome(_ state: State) -> Outcome? { state.outcome }

    // MARK: Moves

    public func legalActionIDs(in state: State) -> [Int] {
        if state.outcome != nil { return [] }
        var actions: [Int] = []
        actions.reserveCapacity(32)
        forEachLegalMove(state.position) { actions.append($0); return true }
        return actions
    }

    public func play(_ action: Int, in state: inout State) {
        precondition(state.outcome == nil, "chess-lite game is already over")
        let (from, to, promotion) = (action / 125, (action / 5) % 25, action % 5)
        precondition(action >= 0 && action < 3125 && ChessLite.isPseudoLegal(state.position, from: from, to: to, promotion: promotion),
                     "illegal action \(action) in chess-lite")
        let irreversible = state.position.piece(on: from) == .pawn || state.position.occupied & (1 << UInt32(to)) != 0
        state.position = ChessLite.make(state.position, from: from, to: to, promotion: promotion)
        state.plies += 1
        if irreversible {
            state.quietPlies = 0
            state.recentKeys.removeAll(keepingCapacity: true)
        } else {
            state.quietPlies += 1
        }
        state.recentKeys.append(state.position.key)
        state.outcome = outcome(of: state)
    }

    /// The result after the last move: mate and stalemate first (as in chess, a mate on
    /// the move that would draw by another rule still wins), then the draw rules.
    private func outcome(of state: State) -> Outcome? {
        var anyMove = false
        forEachLegalMove(state.position) { _ in anyMove = true; return false }
        if !anyMove {
            let side = state.position.sideToMove
            let king = (state.position.board(.king) & state.position.colour(side)).trailingZeroBitCount
            return ChessLite.isAttacked(king, by: 1 - side, in: state.position) ? .checkmate(winner: 1 - side) : .stalemate
        }
        if let current = state.recentKeys.last, state.recentKeys.lazy.filter({ $0 == current }).count >= 3 { return .repetition }
        if state.quietPlies >= quietPlyLimit { return .quietMoves }
        if state.plies >= maxLength { return .maxLength }
        return nil
    }

    /// Calls `body` with each legal action id in ascending order until it returns false.
    private func forEachLegalMove(_ position: Position, _ body: (Int) -> Bool) {
        let side = position.sideToMove
        let own = position.colour(side), enemy = position.colour(1 - side), occupied = own | enemy
        var pieces = own
        while pieces != 0 {
            let from = pieces.trailingZeroBitCount
            pieces &= pieces - 1
            let piece = position.piece(on: from)
            var targets: UInt32
            switch piece {
            case .pawn:
                let forward = side == 0 ? from + 5 : from - 5
                targets = ChessLite.tables.pawnAttacks[side][from] & enemy
                if forward >= 0 && forward < 25 && occupied & (1 << UInt32(forward)) == 0 { targets |= 1 << UInt32(forward) }
            case .knight: targets = ChessLite.tables.knight[from] & ~own
            case .king: targets = ChessLite.tables.king[from] & ~own
            case .bishop: targets = ChessLite.bishopAttacks(from, occupied) & ~own
            case .rook: targets = ChessLite.rookAttacks(from, occupied) & ~own
            case .queen: targets = (ChessLite.bishopAttacks(from, occupied) | ChessLite.rookAttacks(from, occupied)) & ~own
            }
            while targets != 0 {
                let to = targets.trailingZeroBitCount
                targets &= targets - 1
                let promotes = piece == .pawn && (to / 5 == (side == 0 ? 4 : 0))
                // Promotion codes 1...4 ascend (N, B, R, Q) and legality does not depend on them.
                let codes = promotes ? 1...4 : 0...0
                let after = ChessLite.make(position, from: from, to: to, promotion: codes.lowerBound)
                let king = (after.board(.king) & after.colour(side)).trailingZeroBitCount
                if ChessLite.isAttacked(king, by: 1 - side, in: after) { continue }
                for code in codes where !body((from * 25 + to) * 5 + code) { return }
            }
        }
    }

    /// Whether the move is one `forEachLegalMove` could produce (ignoring checks): the
    /// guard that keeps a bad id from corrupting a state.
    static func isPseudoLegal(_ position: Position, from: Int, to: Int, promotion: Int) -> Bool {
        let side = position.sideToMove
        guard position.colour(side) & (1 << UInt32(from)) != 0, position.colour(side) & (1 << UInt32(to)) == 0 else { return false }
        let promotes = position.piece(on: from) == .pawn && to / 5 == (side == 0 ? 4 : 0)
        return promotes ? promotion >= 1 : promotion == 0
    }

    /// The position after a pseudo-legal move (the side to move changes).
    static func make(_ position: Position, from: Int, to: Int, promotion: Int) -> Position {
        var next = position
        let side = position.sideToMove
        let fromBit: UInt32 = 1 << UInt32(from), toBit: UInt32 = 1 << UInt32(to)
        if position.occupied & toBit != 0 {
            next.toggle(position.piece(on: to), toBit)
            if side == 0 { next.black ^= toBit } else { next.white ^= toBit }
        }
        let piece = position.piece(on: from)
        next.toggle(piece, fromBit)
        next.toggle(promotion == 0 ? piece : Piece(rawValue: promotion)!, toBit)
        if side == 0 { next.white ^= fromBit | toBit } else { next.black ^= fromBit | toBit }
        next.sideToMove = 1 - side
        return next
    }

    /// Whether `attacker` attacks `square`.
    static func isAttacked(_ square: Int, by attacker: Int, in position: Position) -> Bool {
        let them = position.colour(attacker), occupied = position.occupied
        if tables.knight[square] & position.board(.knight) & them != 0 { return true }
        if tables.king[square] & position.board(.king) & them != 0 { return true }
        // A pawn of `attacker` attacks `square` exactly when a defender's pawn on `square`
        // would attack the pawn's square.
        if tables.pawnAttacks[1 - attacker][square] & position.board(.pawn) & them != 0 { return true }
        let queens = position.board(.queen)
        if rookAttacks(square, occupied) & (position.board(.rook) | queens) & them != 0 { return true }
        return bishopAttacks(square, occupied) & (position.board(.bishop) | queens) & them != 0
    }

    static func rookAttacks(_ square: Int, _ occupied: UInt32) -> UInt32 {
        rayAttacks(square, occupied, 0) | rayAttacks(square, occupied, 1) | rayAttacks(square, occupied, 2) | rayAttacks(square, occupied, 3)
    }

    static func bishopAttacks(_ square: Int, _ occupied: UInt32) -> UInt32 {
        rayAttacks(square, occupied, 4) | rayAttacks(square, occupied, 5) | rayAttacks(square, occupied, 6) | rayAttacks(square, occupied, 7)
    }

    /// The squares a slider on `square` reaches along direction `direction`, up to and
    /// including the first occupied one. Directions 0, 1, 4, 5 increase the bit index
    /// (the nearest blocker is the lowest bit), the others decrease it.
    @inline(__always)
    static func rayAttacks(_ square: Int, _ occupied: UInt32, _ direction: Int) -> UInt32 {
        let ray = tables.rays[direction * 25 + square]
        let blockers = ray & occupied
        if blockers == 0 { return ray }
        let first = tables.increasing[direction] ? blockers.trailingZeroBitCount : 31 - blockers.leadingZeroBitCount
        return ray ^ tables.rays[direction * 25 + first]
    }

    /// Attack tables computed once.
    struct Tables: Sendable {
        var knight = [UInt32](repeating: 0, count: 25)
        var king = [UInt32](repeating: 0, count: 25)
        /// `pawnAttacks[side][square]`: the squares a pawn of `side` on `square` attacks.
        var pawnAttacks = [[UInt32]](repeating: [UInt32](repeating: 0, count: 25), count: 2)
        /// `rays[direction * 25 + square]`: the squares from `square` to the edge, exclusive.
        var rays = [UInt32](repeating: 0, count: 8 * 25)
        /// Rank and file steps of the 8 slider directions: rook (N, E, S, W) then bishop (NE, NW, SW, SE).
        static let steps = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (1, -1), (-1, -1), (-1, 1)]
        var increasing = Tables.steps.map { $0.0 * 5 + $0.1 > 0 }

        init() {
            func bit(_ rank: Int, _ file: Int) -> UInt32 {
                rank >= 0 && rank < 5 && file >= 0 && file < 5 ? 1 << UInt32(rank * 5 + file) : 0
            }
            for square in 0..<25 {
                let (rank, file) = (square / 5, square % 5)
                for (dr, df) in [(1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1), (-2, 1), (-1, 2)] {
                    knight[square] |= bit(rank + dr, file + df)
                }
                for dr in -1...1 { for df in -1...1 where dr != 0 || df != 0 { king[square] |= bit(rank + dr, file + df) } }
                pawnAttacks[0][square] = bit(rank + 1, file - 1) | bit(rank + 1, file + 1)
                pawnAttacks[1][square] = bit(rank - 1, file - 1) | bit(rank - 1, file + 1)
                for (direction, (dr, df)) in Tables.steps.enumerated() {
                    var (r, f) = (rank + dr, file + df)
                    while bit(r, f) != 0 {
                        rays[direction * 25 + square] |= bit(r, f)
                        r += dr
                        f += df
                    }
                }
            }
        }
    }

    static let tables = Tables()

    // MARK: Text

    public func actionText(_ action: Int, in state: State, notation: Notation) -> String {
        let (from, to, promotion) = (action / 125, (action / 5) % 25, action % 5)
        let flip = notation == .mover && state.position.sideToMove == 1
        func cell(_ square: Int) -> String {
            BoardCoordinates.cell(file: square % 5, rank: flip ? 4 - square / 5 : square / 5)
        }
        let suffix = promotion == 0 ? "" : String(Piece(rawValue: promotion)!.letter.lowercased())
        return cell(from) + cell(to) + suffix
    }

    /// Rank `rank` (0 at the bottom of White's diagrams), with `mine` in upper case.
    private func rankText(_ position: Position, rank: Int, upperCase side: Int) -> String {
        String((0..<5).map { file -> Character in
            let bit: UInt32 = 1 << UInt32(rank * 5 + file)
            guard position.occupied & bit != 0 else { return "." }
            let letter = position.piece(on: rank * 5 + file).letter
            return position.colour(side) & bit != 0 ? letter : Character(letter.lowercased())
        })
    }

    public func observationRows(of state: State) -> [String] {
        let side = state.position.sideToMove
        // White sees rank 5 on top; Black sees the board flipped, its own first rank at the bottom.
        let ranks = side == 0 ? Array((0..<5).reversed()) : Array(0..<5)
        return ranks.map { rankText(state.position, rank: $0, upperCase: side) }
    }

    public func render(_ state: State) -> String {
        let board = BoardCoordinates.labelledBoard((0..<5).reversed().map { rankText(state.position, rank: $0, upperCase: 0) })
        let status: String
        switch state.outcome {
        case .checkmate(let winner)?: status = "checkmate, \(winner == 0 ? "White" : "Black") wins"
        case .stalemate?: status = "stalemate, draw"
        case .repetition?: status = "third repetition, draw"
        case .quietMoves?: status = "\(quietPlyLimit) plies without capture or pawn move, draw"
        case .maxLength?: status = "\(maxLength) plies played, draw"
        case nil:
            let side = state.position.sideToMove
            let king = (state.position.board(.king) & state.position.colour(side)).trailingZeroBitCount
            let check = ChessLite.isAttacked(king, by: 1 - side, in: state.position) ? ", in check" : ""
            status = "\(side == 0 ? "White" : "Black") to move\(check)"
        }
        return board + "\n" + status
    }
}
