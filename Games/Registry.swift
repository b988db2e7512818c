import GameKit

/// Every game the lab knows. Adding a game: one file in Games/ and one line here.
public enum GameCatalog {
    public static let registry = GameRegistry([
        GameEntry(KInARow.ticTacToe, summary: "3x3, three in a row (solved: a draw)", parameters: KInARow.ticTacToe.parameters,
                  minimaxFeasible: true),
        entry(KInARow(id: "k-in-a-row-4x4-3", rows: 4, columns: 4, k: 3), summary: "4x4, three in a row"),
        entry(KInARow(id: "k-in-a-row-5x5-4", rows: 5, columns: 5, k: 4), summary: "5x5, four in a row"),
        entry(KInARow.connectFour, summary: "6 rows x 7 columns, discs fall, four in a row (solved: first player wins)"),
        entry(KInARow(id: "connect-four-5x6", rows: 5, columns: 6, k: 4, gravity: true),
                  summary: "5 rows x 6 columns, discs fall, four in a row"),
        GameEntry(ChessLite(), summary: "Gardner minichess: chess on 5x5, promotion, no castling", parameters: ChessLite().parameters),
        GameEntry(GoLite.fiveByFive, summary: "Go 5x5, area scoring, komi 24.5, positional superko", parameters: GoLite.fiveByFive.parameters),
        GameEntry(GoLite.sevenBySeven, summary: "Go 7x7, area scoring, komi 8.5, positional superko", parameters: GoLite.sevenBySeven.parameters),
        GameEntry(GoLite.nineByNine, summary: "Go 9x9, area scoring, komi 7.5, positional superko", parameters: GoLite.nineByNine.parameters),
    ])

    private static func entry(_ game: KInARow, summary: String) -> GameEntry {
        GameEntry(game, summary: summary, parameters: game.parameters)
    }
}
