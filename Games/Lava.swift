import GameKit
import SeededRandom

/// Lava crossing: rivers of lava `~` run across the room, each with one safe gap, between
/// the agent and the goal; stepping on lava ends the episode with reward 0. After MiniGrid's
/// LavaCrossing (Chevalier-Boisvert et al., 2018): rivers lie on even rows or columns, so two
/// are never adjacent and every gap can be reached; the rivers' orientation and places, the
/// gaps, and the agent's and goal's cells are drawn from the seed. The agent starts before
/// the first river and the goal lies beyond the last. The shared rules are in `GridTask`.
public struct Lava: GridTask {
    public let id: String
    /// Board side, the outer walls included.
    public let size: Int
    /// Number of lava rivers.
    public let rivers: Int

    public var rows: Int { size }
    public var columns: Int { size }
    public var hasKeyAndDoor: Bool { false }

    /// A `size` x `size` room (5...11) crossed by `rivers` rivers, id `lava-7x7` and so on.
    public init(size: Int, rivers: Int) {
        precondition(size >= 5 && size <= 11, "lava sizes are 5 to 11")
        precondition(rivers >= 1 && rivers <= (size - 3) / 2, "\(size)x\(size) has room for 1 to \((size - 3) / 2) rivers")
        self.size = size
        self.rivers = rivers
        id = "lava-\(size)x\(size)"
    }

    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] {
        ["rows": Double(size), "columns": Double(size), "rivers": Double(rivers), "maxLength": Double(maxLength)]
    }

    public func drawLevel(using rng: inout SeededGenerator) -> GridState {
        let grid = GridGeometry(rows: size, columns: size)
        var state = grid.walledRoom()
        // `across` counts in the direction the agent crosses the rivers, `along` along them.
        let vertical = rng.below(2) == 1
        func cell(across: Int, along: Int) -> Int { vertical ? grid.cell(along, across) : grid.cell(across, along) }
        let places = rng.chooseDistinct(rivers, of: Array(stride(from: 2, through: size - 3, by: 2))).sorted()
        for place in places {
            let gap = 1 + rng.below(size - 2)
            for along in 1..<size - 1 where along != gap { state.lava.insert(cell(across: place, along: along)) }
        }
        state.agent = cell(across: 1 + rng.below(places[0] - 1), along: 1 + rng.below(size - 2))
        let beyond = places[rivers - 1] + 1
        state.goal = cell(across: beyond + rng.below(size - 1 - beyond), along: 1 + rng.below(size - 2))
        return state
    }
}
