import GameKit
import SeededRandom

/// Coins: collect every coin `$` in a room, in any order; walking onto a coin collects it
/// and the episode succeeds on the last one. Some rooms have wall blocks `#` inside. The
/// places of coins, blocks and agent are drawn from the seed; a draw whose blocks cut a
/// coin off is drawn again (the shared `initialState`). Finding the shortest tour is a small
/// travelling-salesman problem, which the solver settles by searching over the coins left.
/// The shared rules are in `GridTask`.
public struct Coins: GridTask {
    public let id: String
    /// Board side, the outer walls included.
    public let size: Int
    /// Coins to collect.
    public let coins: Int
    /// Wall blocks inside the room.
    public let blocks: Int

    public var rows: Int { size }
    public var columns: Int { size }
    public var hasKeyAndDoor: Bool { false }

    /// A `size` x `size` room (4...11) with `coins` coins and `blocks` wall blocks, id `coins-6x6` and so on.
    public init(size: Int, coins: Int, blocks: Int = 0) {
        precondition(size >= 4 && size <= 11, "coins sizes are 4 to 11")
        precondition(coins >= 1 && coins <= 8, "1 to 8 coins")
        precondition(blocks >= 0 && coins + blocks < (size - 2) * (size - 2), "the room must hold the coins, blocks and agent")
        self.size = size
        self.coins = coins
        self.blocks = blocks
        id = "coins-\(size)x\(size)"
    }

    /// The variant's parameters, for listings and logs.
    public var parameters: [String: Double] {
        ["rows": Double(size), "columns": Double(size), "coins": Double(coins), "blocks": Double(blocks), "maxLength": Double(maxLength)]
    }

    public func drawLevel(using rng: inout SeededGenerator) -> GridState {
        let grid = GridGeometry(rows: size, columns: size)
        var state = grid.walledRoom()
        let interior = (1..<size - 1).flatMap { row in (1..<size - 1).map { grid.cell(row, $0) } }
        let places = rng.chooseDistinct(blocks + coins + 1, of: interior)
        for cell in places[0..<blocks] { state.walls.insert(cell) }
        for cell in places[blocks..<blocks + coins] { state.coins.insert(cell) }
        state.agent = places[blocks + coins]
        return state
    }
}
