import GameKit

/// Every game the lab knows. Adding a game: one file in Games/ and one line here.
public enum GameCatalog {
    public static let registry = GameRegistry([
        entry(KInARow.ticTacToe, summary: "3x3, three in a row (solved: a draw)"),
        entry(KInARow(id: "k-in-a-row-4x4-3", rows: 4, columns: 4, k: 3), summary: "4x4, three in a row"),
        entry(KInARow(id: "k-in-a-row-5x5-4", rows: 5, columns: 5, k: 4), summary: "5x5, four in a row"),
        entry(KInARow.connectFour, summary: "6 rows x 7 columns, discs fall, four in a row (solved: first player wins)"),
        entry(KInARow(id: "connect-four-5x6", rows: 5, columns: 6, k: 4, gravity: true),
                  summary: "5 rows x 6 columns, discs fall, four in a row"),
        entry(Maze(size: 7), summary: "single player: reach the goal through a 3x3-room perfect maze"),
        entry(Maze(size: 9), summary: "single player: reach the goal through a 4x4-room perfect maze"),
        entry(Maze(size: 11), summary: "single player: reach the goal through a 5x5-room perfect maze"),
        entry(KeyDoor(size: 7), summary: "single player: pick the key, unlock the door, reach the goal (7x7)"),
        entry(KeyDoor(size: 9), summary: "single player: pick the key, unlock the door, reach the goal (9x9)"),
        entry(Lava(size: 7, rivers: 1), summary: "single player: cross a lava river through its gap to the goal (7x7)"),
        entry(Lava(size: 9, rivers: 2), summary: "single player: cross two lava rivers through their gaps to the goal (9x9)"),
        entry(Coins(size: 6, coins: 3), summary: "single player: collect 3 coins in an open 6x6 room"),
        entry(Coins(size: 8, coins: 4, blocks: 4), summary: "single player: collect 4 coins in an 8x8 room with 4 wall blocks"),
    ])

    private static func entry(_ game: KInARow, summary: String) -> GameEntry {
        GameEntry(game, summary: summary, parameters: game.parameters)
    }

    private static func entry<T: GridTask>(_ task: T, summary: String) -> GameEntry {
        GameEntry(task, summary: summary, parameters: task.parameters)
    }
}
