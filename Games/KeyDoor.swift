import GameKit
import SeededRandom

/// Key and door: a wall splits the room in two, with a locked door `D` in it. The agent
/// and the key `K` start on one side, the goal `G` on the other; the agent must `pick` up
/// the key (standing on it), `toggle` the door open (standing next to it, holding the key),
/// and walk to the goal. Like MiniGrid's DoorKey (Chevalier-Boisvert et al., 2018), but the
/// door opens from any side cell, since the agent here has no facing direction. The
/// splitting wall's column, the door's row, the side the agent starts on and the places of
/// agent, key and goal are drawn from the seed. The shared rules are in `GridTask`.
public struct KeyDoor: GridTask {
    public let id: String
    /// Board side, the outer walls included.
    public let size: Int

    public var rows: Int { size }
    public var columns: Int { size }
    public var hasKeyAndDoor: Bool { true }

    /// A `size` x `size` room (5...11), id `key-door-7x7` and so on.
    public init(size: Int) {
        precondition(size >= 5 && size <= 11, "key-door sizes are 5 to 11")
        self.size = size
        id = "key-door-\(size)x\(size)"
    }

    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] { ["rows": Double(size), "columns": Double(size), "maxLength": Double(maxLength)] }

    public func drawLevel(using rng: inout SeededGenerator) -> GridState {
        let grid = GridGeometry(rows: size, columns: size)
        var state = grid.walledRoom()
        // Drawn with the agent's side on the left, then mirrored half of the time.
        let mirrored = rng.below(2) == 1
        func cell(_ row: Int, _ column: Int) -> Int { grid.cell(row, mirrored ? size - 1 - column : column) }
        let wallColumn = 2 + rng.below(size - 4)
        let doorRow = 1 + rng.below(size - 2)
        for row in 1..<size - 1 where row != doorRow { state.walls.insert(cell(row, wallColumn)) }
        state.door = cell(doorRow, wallColumn)
        let interiorRows = Array(1..<size - 1)
        let near = interiorRows.flatMap { row in (1..<wallColumn).map { cell(row, $0) } }
        let far = interiorRows.flatMap { row in (wallColumn + 1..<size - 1).map { cell(row, $0) } }
        let agentAndKey = rng.chooseDistinct(2, of: near)
        state.agent = agentAndKey[0]
        state.key = agentAndKey[1]
        state.goal = rng.choose(far)
        return state
    }
}
