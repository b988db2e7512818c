import GameKit
import SeededRandom

/// A set of grid cells, one bit per cell, for boards of at most 128 cells (11 x 11 fits).
/// Two words instead of an array so a grid state is a plain value with no heap storage:
/// copying it in a playout or a search costs a few loads.
public struct CellSet: Hashable, Sendable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    @inline(__always) func contains(_ cell: Int) -> Bool {
        cell < 64 ? (low >> UInt64(cell)) & 1 != 0 : (high >> UInt64(cell - 64)) & 1 != 0
    }

    @inline(__always) mutating func insert(_ cell: Int) {
        if cell < 64 { low |= 1 << UInt64(cell) } else { high |= 1 << UInt64(cell - 64) }
    }

    @inline(__always) mutating func remove(_ cell: Int) {
        if cell < 64 { low &= ~(1 << UInt64(cell)) } else { high &= ~(1 << UInt64(cell - 64)) }
    }

    var isEmpty: Bool { low == 0 && high == 0 }
    var count: Int { low.nonzeroBitCount + high.nonzeroBitCount }

    /// The cells in ascending order.
    var cells: [Int] {
        var result: [Int] = []
        for (word, base) in [(low, 0), (high, 64)] {
            var bits = word
            while bits != 0 {
                result.append(base + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }
}

/// How a grid episode stands.
public enum GridOutcome: Int8, Hashable, Sendable {
    case playing
    /// Every coin collected and the goal (if any) reached.
    case success
    /// Stepped on lava, or the step budget ran out first.
    case failure
}

/// The state of every grid task: the level (walls, lava, goal, door) and where the
/// episode stands (agent, key, coins, steps). Cell `row * columns + column`, row 0 on top,
/// the order the observation's text rows come in.
///
/// One type for all four families so the rules, the text and the solver are written once;
/// a family without lava or coins simply leaves those sets empty.
public struct GridState: Hashable, Sendable {
    /// Walls, the outer border included. Never changes during an episode.
    public internal(set) var walls = CellSet()
    /// Lava: stepping on it fails the episode. Never changes.
    public internal(set) var lava = CellSet()
    /// Coins still on the floor; walking onto one collects it.
    public internal(set) var coins = CellSet()
    /// The agent's cell.
    public internal(set) var agent = 0
    /// The goal's cell, or -1 in a level without a goal (coins: collecting them all is the goal).
    public internal(set) var goal = -1
    /// The key's cell while it lies on the floor, else -1.
    public internal(set) var key = -1
    /// The door's cell, or -1 in a level without a door.
    public internal(set) var door = -1
    /// Whether the agent carries the key.
    public internal(set) var holdsKey = false
    /// Whether the door has been unlocked; an open door is floor from then on.
    public internal(set) var doorOpen = false
    /// Actions taken so far.
    public internal(set) var steps = 0
    /// Whether the episode goes on, succeeded or failed.
    public internal(set) var outcome = GridOutcome.playing

    /// Whether `cell` cannot be entered: a wall or a closed door.
    @inline(__always) func isBlocked(_ cell: Int) -> Bool {
        walls.contains(cell) || (cell == door && !doorOpen)
    }

    /// Success: every coin collected and the goal reached (a level without a goal
    /// succeeds on its last coin).
    var isSolved: Bool { coins.isEmpty && (goal < 0 || agent == goal) }
}

/// Action ids shared by every grid task. Moves are 0-3 in every family; `pick` and
/// `toggle` exist only in families with a key and a door.
public enum GridAction {
    public static let up = 0, down = 1, left = 2, right = 3, pick = 4, toggle = 5

    /// The text of an action id.
    static func text(_ action: Int) -> String {
        switch action {
        case up: "up"
        case down: "down"
        case left: "left"
        case right: "right"
        case pick: "pick"
        default: "toggle"
        }
    }
}

/// A family of procedurally generated single-player grid tasks. A family supplies its
/// size and how to draw a level; the rules, the text, the solver and the generation loop
/// are shared (the extension below), so the families differ only in their levels.
///
/// Rules, for every family:
/// - The four moves are always legal while the episode goes on; moving into a wall or a
///   closed door leaves the agent in place and still costs a step (as in MiniGrid), so the
///   legal actions never depend on the position and a playout does no work to list them.
/// - `pick` (standing on the key) takes the key; `toggle` (standing orthogonally next to
///   the door, holding the key) unlocks the door, which then stays open: toggling does not
///   close it again, so there is no way to lock oneself out. Both are always legal in
///   key-door levels and waste a step where they do nothing.
/// - Walking onto a coin collects it; walking onto lava fails the episode (reward 0).
/// - Success when every coin is collected and the goal (if the level has one) reached; the
///   reward is `TaskReward.success(steps:maxLength:)`. After `maxLength` actions without
///   success the episode fails (reward 0).
///
/// Text: the observation is the grid, top row first (`#` wall, `@` agent, `G` goal,
/// `K` key, `D` closed door, `~` lava, `$` coin, `.` floor, an open door included), and in
/// key-door levels a last line `key---...` (padded with `-` to the board's width, as the
/// observation's rows share one width) while the agent holds the key. Standing on the key
/// hides it under `@`; that the key is nowhere on the board and not held says where it is.
/// Grid tasks have no direction, so both notations agree.
public protocol GridTask: SolvableTask where State == GridState {
    /// Board height, the outer walls included.
    var rows: Int { get }
    /// Board width, the outer walls included.
    var columns: Int { get }
    /// Whether levels have a key and a door, and so the actions `pick` and `toggle`.
    var hasKeyAndDoor: Bool { get }
    /// One candidate level drawn from `rng`, with `steps` 0. The shared `initialState(seed:)`
    /// draws again (from the same generator, so still determined by the seed) until a
    /// candidate is solvable within `maxLength`.
    func drawLevel(using rng: inout SeededGenerator) -> GridState
}

extension GridTask {
    public var playerCount: Int { 1 }

    /// The step budget: two steps per cell. Half MiniGrid's usual four (Chevalier-Boisvert
    /// et al., 2018): still several times the longest shortest solution of every registered
    /// variant (the tests check a third at most), while an untrained policy, which mostly
    /// times out, wastes half as many steps per episode.
    public var maxLength: Int { 2 * rows * columns }

    /// The seed's level: the first drawn level the solver can finish within the budget.
    public func initialState(seed: UInt64) -> GridState {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<1000 {
            let level = drawLevel(using: &rng)
            if shortestSolution(from: level) != nil { return level }
        }
        preconditionFailure("\(id): no solvable level in 1000 draws from seed \(seed)")
    }

    public func currentPlayer(in state: GridState) -> Int { 0 }

    public func legalActionIDs(in state: GridState) -> [Int] {
        if state.outcome != .playing { return [] }
        return hasKeyAndDoor ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3]
    }

    public func play(_ action: Int, in state: inout GridState) {
        precondition(state.outcome == .playing, "\(id): the episode is over")
        precondition(action >= 0 && action < (hasKeyAndDoor ? 6 : 4), "action \(action) outside \(id)'s actions")
        state.steps += 1
        switch action {
        case GridAction.pick:
            if state.key == state.agent {
                state.key = -1
                state.holdsKey = true
            }
        case GridAction.toggle:
            if state.holdsKey && state.door >= 0 && isNeighbour(state.agent, state.door) { state.doorOpen = true }
        default:
            let target = state.agent + offset(of: action)
            if !state.isBlocked(target) { state.agent = target }
        }
        if state.lava.contains(state.agent) {
            state.outcome = .failure
            return
        }
        state.coins.remove(state.agent)
        if state.isSolved {
            state.outcome = .success
        } else if state.steps >= maxLength {
            state.outcome = .failure
        }
    }

    /// The cell offset of a move; the outer walls keep every move on the board.
    @inline(__always) private func offset(of move: Int) -> Int {
        switch move {
        case GridAction.up: -columns
        case GridAction.down: columns
        case GridAction.left: -1
        default: 1
        }
    }

    /// Whether two cells share a side.
    private func isNeighbour(_ a: Int, _ b: Int) -> Bool {
        let (ra, ca) = a.quotientAndRemainder(dividingBy: columns)
        let (rb, cb) = b.quotientAndRemainder(dividingBy: columns)
        return abs(ra - rb) + abs(ca - cb) == 1
    }

    public func returns(in state: GridState) -> [Double]? {
        switch state.outcome {
        case .playing: nil
        case .success: [TaskReward.success(steps: state.steps, maxLength: maxLength)]
        case .failure: [0]
        }
    }

    public func actionText(_ action: Int, in state: GridState, notation: Notation) -> String {
        GridAction.text(action)
    }

    /// The grid's text rows, top row first.
    func boardRows(_ state: GridState) -> [String] {
        (0..<rows).map { row in
            String(decoding: (0..<columns).map { column in symbol(at: row * columns + column, in: state) }, as: UTF8.self)
        }
    }

    /// The ASCII symbol of one cell; the agent hides what it stands on.
    private func symbol(at cell: Int, in state: GridState) -> UInt8 {
        if cell == state.agent { return UInt8(ascii: "@") }
        if state.walls.contains(cell) { return UInt8(ascii: "#") }
        if cell == state.door && !state.doorOpen { return UInt8(ascii: "D") }
        if cell == state.key { return UInt8(ascii: "K") }
        if cell == state.goal { return UInt8(ascii: "G") }
        if state.lava.contains(cell) { return UInt8(ascii: "~") }
        if state.coins.contains(cell) { return UInt8(ascii: "$") }
        return UInt8(ascii: ".")
    }

    public func observationRows(of state: GridState) -> [String] {
        let board = boardRows(state)
        guard state.holdsKey else { return board }
        return board + ["key" + String(repeating: "-", count: columns - 3)]
    }

    public func render(_ state: GridState) -> String {
        var status = "step \(state.steps) of \(maxLength)"
        if hasKeyAndDoor { status += state.holdsKey ? ", holding the key" : ", no key" }
        if hasKeyAndDoor { status += state.doorOpen ? ", door open" : ", door locked" }
        if !state.coins.isEmpty { status += ", \(state.coins.count) coin\(state.coins.count == 1 ? "" : "s") left" }
        switch state.outcome {
        case .playing: break
        case .success: status += ", solved"
        case .failure: status += state.lava.contains(state.agent) ? ", fell into lava" : ", out of steps"
        }
        return BoardCoordinates.labelledBoard(boardRows(state)) + "\n" + status
    }

    /// A breadth-first search over the whole task state (agent, key held, door open, coins
    /// left), applying `play` itself so the solver cannot drift from the rules. The step
    /// counter is left out of the search key: every state of one BFS layer has the same count,
    /// and the budget still applies because `play` fails a state that runs out of steps.
    public func shortestSolution(from start: GridState) -> [Int]? {
        if start.outcome == .success { return [] }
        if start.outcome == .failure { return nil }
        let coinCells = start.coins.cells
        precondition(coinCells.count <= 16, "\(id): the solver tracks at most 16 coins")
        let cells = rows * columns
        // Search key: agent + cells * (holdsKey + 2 * doorOpen + 4 * coin mask).
        func key(of state: GridState) -> Int {
            var mask = 0
            for (bit, cell) in coinCells.enumerated() where state.coins.contains(cell) { mask |= 1 << bit }
            return state.agent + cells * ((state.holdsKey ? 1 : 0) + (state.doorOpen ? 2 : 0) + 4 * mask)
        }
        var parent = [Int32](repeating: -1, count: cells * 4 << coinCells.count)
        var parentAction = [Int8](repeating: 0, count: parent.count)
        let startKey = key(of: start)
        parent[startKey] = Int32(startKey)
        var queue = [(state: start, key: startKey)]
        var head = 0
        let actions = legalActionIDs(in: start)
        while head < queue.count {
            let (state, stateKey) = queue[head]
            head += 1
            for action in actions {
                var child = state
                play(action, in: &child)
                if child.outcome == .failure { continue }
                let childKey = key(of: child)
                if parent[childKey] >= 0 { continue }
                parent[childKey] = Int32(stateKey)
                parentAction[childKey] = Int8(action)
                if child.outcome == .success {
                    var path: [Int] = []
                    var current = childKey
                    while current != startKey {
                        path.append(Int(parentAction[current]))
                        current = Int(parent[current])
                    }
                    return path.reversed()
                }
                queue.append((child, childKey))
            }
        }
        return nil
    }

    /// A state built from text rows (the observation's symbols), for tests and hand-made
    /// levels: `#` wall, `@` agent, `G` goal, `K` key, `D` locked door, `~` lava, `$` coin,
    /// `.` floor. The border must be walls, and there is exactly one agent.
    public func level(_ text: [String]) -> GridState {
        precondition(text.count == rows && text.allSatisfy { $0.utf8.count == columns }, "\(id) levels are \(rows) rows of \(columns)")
        var state = GridState()
        var agents = 0
        for (row, line) in text.enumerated() {
            for (column, symbol) in line.utf8.enumerated() {
                let cell = row * columns + column
                let onBorder = row == 0 || column == 0 || row == rows - 1 || column == columns - 1
                precondition(!onBorder || symbol == UInt8(ascii: "#"), "\(id) levels have walls all around")
                switch symbol {
                case UInt8(ascii: "#"): state.walls.insert(cell)
                case UInt8(ascii: "@"): state.agent = cell; agents += 1
                case UInt8(ascii: "G"): precondition(state.goal < 0, "one goal"); state.goal = cell
                case UInt8(ascii: "K"): precondition(state.key < 0, "one key"); state.key = cell
                case UInt8(ascii: "D"): precondition(state.door < 0, "one door"); state.door = cell
                case UInt8(ascii: "~"): state.lava.insert(cell)
                case UInt8(ascii: "$"): state.coins.insert(cell)
                case UInt8(ascii: "."): break
                default: preconditionFailure("unknown grid symbol in \(line)")
                }
            }
        }
        precondition(agents == 1, "a level has exactly one agent")
        precondition(state.goal >= 0 || !state.coins.isEmpty, "a level needs a goal or coins")
        return state
    }
}

extension SeededGenerator {
    /// A uniform integer in `0..<bound` (modulo reduction: the bias is below 2^-56 for grid sizes).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        return Int(next() % UInt64(bound))
    }

    /// One element of `elements`, drawn uniformly.
    mutating func choose<T>(_ elements: [T]) -> T { elements[below(elements.count)] }

    /// `count` distinct elements of `elements` in random order (a partial Fisher-Yates shuffle).
    mutating func chooseDistinct<T>(_ count: Int, of elements: [T]) -> [T] {
        precondition(count <= elements.count, "cannot draw \(count) of \(elements.count)")
        var pool = elements
        for index in 0..<count { pool.swapAt(index, index + below(pool.count - index)) }
        return Array(pool.prefix(count))
    }
}

/// Cell index helpers for drawing levels.
struct GridGeometry {
    let rows: Int
    let columns: Int

    func cell(_ row: Int, _ column: Int) -> Int { row * columns + column }

    /// A state whose cells are all floor inside an outer wall.
    func walledRoom() -> GridState {
        var state = GridState()
        for row in 0..<rows {
            for column in 0..<columns where row == 0 || column == 0 || row == rows - 1 || column == columns - 1 {
                state.walls.insert(cell(row, column))
            }
        }
        return state
    }
}
