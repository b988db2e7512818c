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
        GameEntry(Breakthrough.fiveByFive, summary: "5x5, pawns race to the far rank, capturing diagonally",
                  parameters: Breakthrough.fiveByFive.parameters),
        GameEntry(Breakthrough.sixBySix, summary: "6x6, pawns race to the far rank, capturing diagonally",
                  parameters: Breakthrough.sixBySix.parameters),
        GameEntry(Othello.sixBySix, summary: "6x6, outflank and flip (solved: White wins 20-16)",
                  parameters: Othello.sixBySix.parameters),
        GameEntry(Othello.eightByEight, summary: "standard 8x8 Othello, outflank and flip",
                  parameters: Othello.eightByEight.parameters),
        GameEntry(Hex.fiveByFive, summary: "5x5 rhombus, X joins top-bottom, O left-right, no swap",
                  parameters: Hex.fiveByFive.parameters),
        GameEntry(Hex.sixBySix, summary: "6x6 rhombus, X joins top-bottom, O left-right, no swap",
                  parameters: Hex.sixBySix.parameters),
        GameEntry(Hex.sevenBySeven, summary: "7x7 rhombus, X joins top-bottom, O left-right, no swap",
                  parameters: Hex.sevenBySeven.parameters),
    ])

    private static func entry(_ game: KInARow, summary: String) -> GameEntry {
        GameEntry(game, summary: summary, parameters: game.parameters)
    }
}
