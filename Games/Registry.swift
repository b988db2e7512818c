import GameKit

/// Every game the lab knows. Adding a game: one file in Games/ and one line here.
public enum GameCatalog {
    public static let registry = GameRegistry([
        GameEntry(KInARow.ticTacToe, summary: "3x3, three in a row (solved: a draw)", minimaxFeasible: true),
        GameEntry(KInARow(id: "k-in-a-row-4x4-3", rows: 4, columns: 4, k: 3), summary: "4x4, three in a row"),
        GameEntry(KInARow(id: "k-in-a-row-5x5-4", rows: 5, columns: 5, k: 4), summary: "5x5, four in a row"),
        GameEntry(KInARow.connectFour, summary: "6 rows x 7 columns, discs fall, four in a row (solved: first player wins)"),
        GameEntry(KInARow(id: "connect-four-5x6", rows: 5, columns: 6, k: 4, gravity: true),
                  summary: "5 rows x 6 columns, discs fall, four in a row"),
        GameEntry(ChessLite(), summary: "Gardner minichess: chess on 5x5, promotion, no castling"),
        GameEntry(GoLite.fiveByFive, summary: "Go 5x5, area scoring, komi 24.5, positional superko"),
        GameEntry(GoLite.sevenBySeven, summary: "Go 7x7, area scoring, komi 8.5, positional superko"),
        GameEntry(GoLite.nineByNine, summary: "Go 9x9, area scoring, komi 7.5, positional superko"),
        GameEntry(Breakthrough.fiveByFive, summary: "5x5, pawns race to the far rank, capturing diagonally"),
        GameEntry(Breakthrough.sixBySix, summary: "6x6, pawns race to the far rank, capturing diagonally"),
        GameEntry(Othello.sixBySix, summary: "6x6, outflank and flip (solved: White wins 20-16)"),
        GameEntry(Othello.eightByEight, summary: "standard 8x8 Othello, outflank and flip"),
        GameEntry(Hex.fiveByFive, summary: "5x5 rhombus, X joins top-bottom, O left-right, no swap"),
        GameEntry(Hex.sixBySix, summary: "6x6 rhombus, X joins top-bottom, O left-right, no swap"),
        GameEntry(Hex.sevenBySeven, summary: "7x7 rhombus, X joins top-bottom, O left-right, no swap"),
        GameEntry(Maze(size: 7), summary: "single player: reach the goal through a 3x3-room perfect maze"),
        GameEntry(Maze(size: 9), summary: "single player: reach the goal through a 4x4-room perfect maze"),
        GameEntry(Maze(size: 11), summary: "single player: reach the goal through a 5x5-room perfect maze"),
        GameEntry(KeyDoor(size: 7), summary: "single player: pick the key, unlock the door, reach the goal (7x7)"),
        GameEntry(KeyDoor(size: 9), summary: "single player: pick the key, unlock the door, reach the goal (9x9)"),
        GameEntry(Lava(size: 7, rivers: 1), summary: "single player: cross a lava river through its gap to the goal (7x7)"),
        GameEntry(Lava(size: 9, rivers: 2), summary: "single player: cross two lava rivers through their gaps to the goal (9x9)"),
        GameEntry(Coins(size: 6, coins: 3), summary: "single player: collect 3 coins in an open 6x6 room"),
        GameEntry(Coins(size: 8, coins: 4, blocks: 4), summary: "single player: collect 4 coins in an 8x8 room with 4 wall blocks"),
    ])
}
