import GameKit

/// Every game the lab knows. Adding a game: one file in Games/ and one line here.
public enum GameCatalog {
    public static let registry = GameRegistry([
        GameEntry(KInARow.ticTacToe, summary: "3x3, three in a row (solved: a draw)",
                  parameters: ["rows": 3, "columns": 3, "k": 3]),
        GameEntry(KInARow(id: "k-in-a-row-4x4-3", rows: 4, columns: 4, k: 3), summary: "4x4, three in a row",
                  parameters: ["rows": 4, "columns": 4, "k": 3]),
        GameEntry(KInARow(id: "k-in-a-row-5x5-4", rows: 5, columns: 5, k: 4), summary: "5x5, four in a row",
                  parameters: ["rows": 5, "columns": 5, "k": 4]),
        GameEntry(KInARow.connectFour, summary: "6 rows x 7 columns, discs fall, four in a row (solved: first player wins)",
                  parameters: ["rows": 6, "columns": 7, "k": 4]),
        GameEntry(KInARow(id: "connect-four-5x6", rows: 5, columns: 6, k: 4, gravity: true),
                  summary: "5 rows x 6 columns, discs fall, four in a row", parameters: ["rows": 5, "columns": 6, "k": 4]),
    ])
}
