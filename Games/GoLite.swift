import GameKit
import SeededRandom

/// Go-lite: Go on a small square board under Tromp-Taylor rules
/// (John Tromp and Gunnar Farnebäck, "Combinatorics of Go", 2006; the rules at
/// tromp.github.io/go.html):
/// - Black moves first; a move places a stone on an empty point or passes.
/// - After a stone is placed, opponent groups without liberties are removed, then the
///   mover's own; a move that would remove the mover's own stones (suicide) is illegal
///   here, as in most rule sets (Tromp-Taylor allows it; we follow the issue).
/// - Positional superko: a stone move that recreates any earlier board position is
///   illegal (this covers simple ko).
/// - The game ends after two passes in a row or `maxLength` moves, and is scored by
///   area: a player's stones plus the empty points that reach only that player's stones.
///   White adds `komi`.
///
/// Komi (documented choice): the perfect-play margin minus half a point where it is
/// known, so Black keeps its theoretical edge, the game is never drawn, and the margin
/// matters to the last point: 5x5 is a Black win by 25, the whole board (solved by
/// van der Werf, van den Herik and Uiterwijk, "Solving Go on Small Boards", 2003),
/// komi 24.5; 7x7 is believed a Black win by 9 (professional analysis published in
/// 2015), komi 8.5; 9x9 is unsolved and 7.5 is the customary area-scoring komi.
///
/// Text: a move is a point (`c3`) or `pass`. The board has no direction; the
/// observation shows the mover's stones as `x` and the opponent's as `o`.
///
/// Inside: one bit per point in a 128-bit board, `rank * 11 + file`, with always-empty
/// padding columns so that shifting by one never wraps between rows.
public struct GoLite: Game {
    public let id: String
    /// Points on a side, 2 to 10.
    public let size: Int
    /// Points added to White's area.
    public let komi: Double
    public var playerCount: Int { 2 }
    /// The most moves (passes included) a game lasts: two per point, as OpenSpiel's go.
    public var maxLength: Int { 2 * size * size }

    /// Bits per board row: 10 points and a padding bit, for every size (shifts by a
    /// constant compile to cheaper code than shifts by a stored stride).
    private var stride: Int { 11 }
    private let onBoard: UInt128
    /// Zobrist keys, `zobrist[colour * 128 + bit]`, from a fixed seed.
    private let zobrist: [UInt64]

    public init(size: Int, komi: Double, id: String? = nil) {
        precondition(size >= 2 && size <= 10, "go-lite boards are 2x2 to 10x10 (the 128-bit board holds 10 rows of 11 bits)")
        self.size = size
        self.komi = komi
        self.id = id ?? "go-lite-\(size)x\(size)"
        var mask: UInt128 = 0
        for rank in 0..<size { for file in 0..<size { mask |= 1 << UInt128(rank * 11 + file) } }
        onBoard = mask
        var rng = SeededGenerator(seed: 0x60_1173)
        zobrist = (0..<256).map { _ in rng.next() }
    }

    /// The registered sizes, with the komi documented above.
    public static let fiveByFive = GoLite(size: 5, komi: 24.5)
    public static let sevenBySeven = GoLite(size: 7, komi: 8.5)
    public static let nineByNine = GoLite(size: 9, komi: 7.5)

    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(size), "columns": Double(size), "komi": komi] }

    public struct State: Hashable, Sendable {
        /// Black's and White's stones.
        public internal(set) var black: UInt128, white: UInt128
        /// 0 Black, 1 White.
        public internal(set) var toMove: Int
        /// Passes in a row just before now.
        public internal(set) var passes: Int
        /// Moves played, passes included.
        public internal(set) var plies: Int
        /// Zobrist key of the board (stones only: superko is positional).
        var key: UInt64
        /// Keys of every board position so far, the current one included.
        var seen: ZobristSet
        /// Bit n is set when a board with n stones has occurred (a cheap filter before `seen`).
        var stoneCountsSeen: UInt128

        func stones(_ colour: Int) -> UInt128 { colour == 0 ? black : white }
    }

    public func initialState(seed: UInt64) -> State {
        var seen = ZobristSet(capacity: maxLength + 1)
        _ = seen.insert(0)
        return State(black: 0, white: 0, toMove: 0, passes: 0, plies: 0, key: 0, seen: seen, stoneCountsSeen: 1)
    }

    /// A position built from rows, top row first: `X` Black, `O` White, `.` empty (case
    /// ignored), with `toMove` (0 Black, 1 White) to play. Its history holds only this
    /// position. Every group must have a liberty.
    public func state(rows: [String], toMove: Int) throws(GameError) -> State {
        let bad = { (why: String) in GameError.badPosition(game: id, reason: "\(rows): \(why)") }
        guard rows.count == size, rows.allSatisfy({ $0.count == size }) else { throw bad("need \(size) rows of \(size) points") }
        guard toMove == 0 || toMove == 1 else { throw bad("toMove must be 0 (Black) or 1 (White)") }
        var state = initialState(seed: 0)
        for (row, text) in rows.enumerated() {
            for (file, character) in text.lowercased().enumerated() {
                let index = (size - 1 - row) * stride + file
                switch character {
                case "x": state.black |= 1 << UInt128(index); state.key ^= zobrist[index]
                case "o": state.white |= 1 << UInt128(index); state.key ^= zobrist[128 + index]
                case ".": break
                default: throw bad("unknown point '\(character)'; use X, O or .")
                }
            }
        }
        let empty = onBoard & ~(state.black | state.white)
        for stones in [state.black, state.white] {
            var rest = stones
            while rest != 0 {
                let chain = group(of: 1 << UInt128(rest.trailingZeroBitCount), in: stones)
                rest &= ~chain
                if neighbours(chain) & empty == 0 { throw bad("a group has no liberty") }
            }
        }
        state.toMove = toMove
        state.seen = ZobristSet(capacity: maxLength + 1)
        _ = state.seen.insert(state.key)
        state.stoneCountsSeen = 1 << UInt128((state.black | state.white).nonzeroBitCount)
        return state
    }

    public func currentPlayer(in state: State) -> Int { state.toMove }

    private func isOver(_ state: State) -> Bool { state.passes >= 2 || state.plies >= maxLength }

    // MARK: Board arithmetic

    /// The points next to any point of `points`.
    @inline(__always)
    private func neighbours(_ points: UInt128) -> UInt128 {
        ((points << 1) | (points >> 1) | (points << UInt128(stride)) | (points >> UInt128(stride))) & onBoard
    }

    /// The group of `stones` containing `seed`.
    @inline(__always)
    private func group(of seed: UInt128, in stones: UInt128) -> UInt128 {
        var group = seed
        while true {
            let grown = (neighbours(group) & stones) | group
            if grown == group { return group }
            group = grown
        }
    }

    /// The bit of the point with action id `action` (`rank * size + file`).
    /// The group of `stones` containing `seed`, grown until it is complete or reaches a
    /// point of `stop`; `reached` says whether it did (then `group` may be partial).
    @inline(__always)
    private func group(of seed: UInt128, in stones: UInt128, stoppingAt stop: UInt128) -> (group: UInt128, reached: Bool) {
        var group = seed
        while true {
            if group & stop != 0 { return (group, true) }
            let grown = (neighbours(group) & stones) | group
            if grown == group { return (group, false) }
            group = grown
        }
    }

    private func bit(_ action: Int) -> Int { (action / size) * stride + action % size }

    /// The Zobrist key of `points` in `colour`.
    private func key(of points: UInt128, colour: Int) -> UInt64 {
        var key: UInt64 = 0
        var rest = points
        while rest != 0 {
            key ^= zobrist[colour * 128 + rest.trailingZeroBitCount]
            rest &= rest - 1
        }
        return key
    }

    /// The opponent stones a stone of `mover` on `point` captures: the opponent groups
    /// next to it whose only liberty is `point`.
    private func captures(at point: UInt128, by mover: Int, in state: State) -> UInt128 {
        let opponent = state.stones(1 - mover)
        let empty = onBoard & ~(state.black | state.white)
        var captured: UInt128 = 0
        var adjacent = neighbours(point) & opponent
        while adjacent != 0 {
            let stone: UInt128 = 1 << UInt128(adjacent.trailingZeroBitCount)
            let chain = group(of: stone, in: opponent)
            adjacent &= ~chain
            if neighbours(chain) & empty == point { captured |= chain }
        }
        return captured
    }

    // MARK: Rules

    public func legalActionIDs(in state: State) -> [Int] {
        if isOver(state) { return [] }
        let mover = state.toMove
        let own = state.stones(mover), opponent = state.stones(1 - mover)
        let empty = onBoard & ~(own | opponent)
        // One pass over the groups: the points where a stone captures (the single liberty
        // of an opponent group in atari) and the own stones in groups with two or more
        // liberties (a stone next to them is not suicide).
        // Stones with two or more empty neighbours: their groups have two or more
        // liberties, so a flood that reaches one can stop (most groups, most of the time).
        let (left, right) = (empty << 1, empty >> 1)
        let (below, above) = (empty << UInt128(stride), empty >> UInt128(stride))
        let twoLiberties = (left & right) | ((left | right) & (below | above)) | (below & above)
        var capturePoints: UInt128 = 0
        var rest = opponent & ~twoLiberties
        while rest != 0 {
            let (chain, safe) = group(of: 1 << UInt128(rest.trailingZeroBitCount), in: opponent, stoppingAt: twoLiberties)
            rest &= ~chain
            if safe { continue }
            let liberties = neighbours(chain) & empty
            if liberties.nonzeroBitCount == 1 { capturePoints |= liberties }
        }
        // Own groups matter only next to empty points without an empty neighbour that
        // capture nothing: there a stone is legal only if it joins a group that keeps a liberty.
        let enclosed = empty & ~neighbours(empty) & ~capturePoints
        var safeOwn: UInt128 = 0
        rest = neighbours(enclosed) & own
        while rest != 0 {
            let (chain, safe) = group(of: 1 << UInt128(rest.trailingZeroBitCount), in: own, stoppingAt: twoLiberties)
            rest &= ~chain
            if safe || (neighbours(chain) & empty).nonzeroBitCount >= 2 { safeOwn |= chain }
        }
        // A stone is legal where it has an empty neighbour, joins a group that keeps a
        // liberty, or captures; then positional superko.
        let points = empty & (neighbours(empty | safeOwn) | capturePoints)
        var actions: [Int] = []
        actions.reserveCapacity(points.nonzeroBitCount + 1)
        let stonesNow = (own | opponent).nonzeroBitCount
        let zobristBase = mover * 128
        // Row by row (no division to turn a bit back into a rank and file).
        for rank in 0..<size {
            var row = UInt64(truncatingIfNeeded: points >> UInt128(rank * stride))
            while row != 0 {
                let file = row.trailingZeroBitCount
                row &= row - 1
                guard file < size else { break }  // the padding column and the rows above
                let index = rank * stride + file
                var key = state.key ^ zobrist[zobristBase + index]
                var stonesAfter = stonesNow + 1
                let point: UInt128 = 1 << UInt128(index)
                if capturePoints & point != 0 {
                    let captured = captures(at: point, by: mover, in: state)
                    key ^= self.key(of: captured, colour: 1 - mover)
                    stonesAfter -= captured.nonzeroBitCount
                }
                // Only a board with as many stones as an earlier one can repeat it; the count
                // filter spares most set lookups.
                if state.stoneCountsSeen & (1 << UInt128(stonesAfter)) != 0 && state.seen.contains(key) { continue }
                actions.append(rank * size + file)
            }
        }
        actions.append(size * size)  // pass is always legal
        return actions
    }

    public func play(_ action: Int, in state: inout State) {
        precondition(!isOver(state) && action >= 0 && action <= size * size, "illegal action \(action) in \(id)")
        state.plies += 1
        let mover = state.toMove
        state.toMove = 1 - mover
        if action == size * size {
            state.passes += 1
            return
        }
        state.passes = 0
        let index = bit(action)
        let point: UInt128 = 1 << UInt128(index)
        precondition((state.black | state.white) & point == 0, "\(id): point \(action) is occupied")
        let captured = captures(at: point, by: mover, in: state)
        if mover == 0 {
            state.black |= point
            state.white &= ~captured
        } else {
            state.white |= point
            state.black &= ~captured
        }
        state.key ^= zobrist[mover * 128 + index] ^ key(of: captured, colour: 1 - mover)
        let empty = onBoard & ~(state.black | state.white)
        precondition(neighbours(point) & empty != 0 || neighbours(group(of: point, in: state.stones(mover))) & empty != 0,
                     "\(id): suicide at \(action)")
        precondition(state.seen.insert(state.key), "\(id): action \(action) repeats a position (superko)")
        state.stoneCountsSeen |= 1 << UInt128((state.black | state.white).nonzeroBitCount)
    }

    /// Area scores (Black's, White's without komi): stones plus the empty points that
    /// reach only that colour.
    public func area(_ state: State) -> (black: Int, white: Int) {
        let empty = onBoard & ~(state.black | state.white)
        func reach(_ stones: UInt128) -> UInt128 {
            var region = neighbours(stones) & empty
            while true {
                let grown = (neighbours(region) & empty) | region
                if grown == region { return region }
                region = grown
            }
        }
        let blackReach = reach(state.black), whiteReach = reach(state.white)
        return (state.black.nonzeroBitCount + (blackReach & ~whiteReach).nonzeroBitCount,
                state.white.nonzeroBitCount + (whiteReach & ~blackReach).nonzeroBitCount)
    }

    public func returns(in state: State) -> [Double]? {
        guard isOver(state) else { return nil }
        let (black, white) = area(state)
        return TwoPlayerReturns.forMargin(Double(black) - Double(white) - komi)
    }

    // MARK: Text

    public func actionText(_ action: Int, in state: State, notation: Notation) -> String {
        action == size * size ? "pass" : BoardCoordinates.cell(file: action % size, rank: action / size)
    }

    private func rows(_ state: State, black: Character, white: Character) -> [String] {
        (0..<size).reversed().map { rank in
            String((0..<size).map { file -> Character in
                let point: UInt128 = 1 << UInt128(rank * stride + file)
                return state.black & point != 0 ? black : state.white & point != 0 ? white : "."
            })
        }
    }

    public func observationRows(of state: State) -> [String] {
        state.toMove == 0 ? rows(state, black: "x", white: "o") : rows(state, black: "o", white: "x")
    }

    public func render(_ state: State) -> String {
        let board = BoardCoordinates.labelledBoard(rows(state, black: "X", white: "O"))
        let (black, white) = area(state)
        let score = "area: Black \(black), White \(white) + komi \(komi)"
        guard let result = returns(in: state) else {
            let passed = state.passes == 1 ? " (the opponent passed)" : ""
            return board + "\n\(state.toMove == 0 ? "Black (X)" : "White (O)") to move\(passed); \(score)"
        }
        let winner = result[0] > 0 ? "Black wins" : result[0] < 0 ? "White wins" : "draw"
        return board + "\n\(winner); \(score)"
    }
}

/// A set of Zobrist keys: open addressing with linear probing, the key itself as its hash
/// (Zobrist keys are already uniformly random), so a lookup is a load or two instead of
/// `Set`'s SipHash: positional superko asks it for nearly every legal move.
struct ZobristSet: Hashable, Sendable {
    /// Slots; `empty` marks a free one. The key equal to `empty` is kept in `holdsEmptyKey`.
    private var slots: [UInt64]
    private var holdsEmptyKey = false
    private(set) var count = 0
    private static let empty: UInt64 = 0

    /// A set for up to `capacity` keys (kept at most half full, so it never grows).
    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = [UInt64](repeating: ZobristSet.empty, count: size)
    }

    func contains(_ key: UInt64) -> Bool {
        if key == ZobristSet.empty { return holdsEmptyKey }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[index]
            if slot == key { return true }
            if slot == ZobristSet.empty { return false }
            index = (index + 1) & mask
        }
    }

    /// Adds `key`; false if it was there already.
    mutating func insert(_ key: UInt64) -> Bool {
        if key == ZobristSet.empty {
            defer { holdsEmptyKey = true }
            if holdsEmptyKey { return false }
            count += 1
            return true
        }
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[index]
            if slot == key { return false }
            if slot == ZobristSet.empty {
                slots[index] = key
                count += 1
                return true
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots.filter { $0 != ZobristSet.empty }
        slots = [UInt64](repeating: ZobristSet.empty, count: slots.count * 2)
        let keptEmpty = holdsEmptyKey
        count = 0
        holdsEmptyKey = false
        for key in old { _ = insert(key) }
        if keptEmpty { _ = insert(ZobristSet.empty) }
    }

    /// The keys, in no particular order.
    var keys: [UInt64] { slots.filter { $0 != ZobristSet.empty } + (holdsEmptyKey ? [ZobristSet.empty] : []) }

    static func == (a: ZobristSet, b: ZobristSet) -> Bool {
        a.count == b.count && a.holdsEmptyKey == b.holdsEmptyKey && a.keys.allSatisfy(b.contains)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(keys.reduce(0, ^))
    }
}
