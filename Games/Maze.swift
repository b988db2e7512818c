import GameKit
import SeededRandom

/// Mazes: a perfect maze (exactly one path between any two open cells) drawn by the
/// randomized depth-first search, "recursive backtracker" (e.g. Buck, *Mazes for
/// Programmers*, 2015). Rooms sit on odd rows and columns; carving a passage opens the wall
/// cell between two rooms. The agent and the goal start in two different rooms; success
/// when the agent reaches the goal. The shared rules are in `GridTask`.
public struct Maze: GridTask {
    public let id: String
    /// Board side, the outer walls included; odd, so the rooms tile it.
    public let size: Int

    public var rows: Int { size }
    public var columns: Int { size }
    public var hasKeyAndDoor: Bool { false }

    /// A `size` x `size` maze (odd, 5...11), id `maze-7x7` and so on.
    public init(size: Int) {
        precondition(size % 2 == 1 && size >= 5 && size <= 11, "maze sizes are odd, 5 to 11")
        self.size = size
        id = "maze-\(size)x\(size)"
    }

    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(size), "columns": Double(size), "maxLength": Double(maxLength)] }

    public func drawLevel(using rng: inout SeededGenerator) -> GridState {
        let grid = GridGeometry(rows: size, columns: size)
        var state = GridState()
        for cell in 0..<size * size { state.walls.insert(cell) }
        let side = (size - 1) / 2
        func cell(ofRoom room: Int) -> Int { grid.cell(2 * (room / side) + 1, 2 * (room % side) + 1) }
        var visited = [Bool](repeating: false, count: side * side)
        let first = rng.below(side * side)
        visited[first] = true
        state.walls.remove(cell(ofRoom: first))
        var stack = [first]
        while let room = stack.last {
            let (row, column) = room.quotientAndRemainder(dividingBy: side)
            var unvisited: [Int] = []
            if row > 0 && !visited[room - side] { unvisited.append(room - side) }
            if row < side - 1 && !visited[room + side] { unvisited.append(room + side) }
            if column > 0 && !visited[room - 1] { unvisited.append(room - 1) }
            if column < side - 1 && !visited[room + 1] { unvisited.append(room + 1) }
            if unvisited.isEmpty {
                stack.removeLast()
                continue
            }
            let next = rng.choose(unvisited)
            visited[next] = true
            // The wall between two rooms is the midpoint of their cells.
            state.walls.remove((cell(ofRoom: room) + cell(ofRoom: next)) / 2)
            state.walls.remove(cell(ofRoom: next))
            stack.append(next)
        }
        let ends = rng.chooseDistinct(2, of: Array(0..<side * side))
        state.agent = cell(ofRoom: ends[0])
        state.goal = cell(ofRoom: ends[1])
        return state
    }
}
