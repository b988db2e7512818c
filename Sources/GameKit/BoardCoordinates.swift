/// The coordinates every board game shares: files `a`, `b`, ... from the left,
/// ranks `1`, `2`, ... from the bottom, so `c3` names the same place in every game.
public enum BoardCoordinates {
    /// `c3` for file 2, rank 2 (both counted from 0).
    public static func cell(file: Int, rank: Int) -> String {
        precondition(file >= 0 && file < 26 && rank >= 0, "cell outside the coordinate range")
        return String(UnicodeScalar(UInt8(97 + file))) + String(rank + 1)
    }

    /// A labelled text board for people: rank numbers on the left, file letters below.
    /// `rows` are the board's rows, top row first, one character per cell.
    public static func labelledBoard(_ rows: [String]) -> String {
        let width = String(rows.count).count
        var lines: [String] = []
        for (i, row) in rows.enumerated() {
            let rank = String(rows.count - i)
            lines.append(String(repeating: " ", count: width - rank.count) + rank + " " + row.map(String.init).joined(separator: " "))
        }
        let files = (0..<(rows.first?.count ?? 0)).map { String(UnicodeScalar(UInt8(97 + $0))) }.joined(separator: " ")
        lines.append(String(repeating: " ", count: width + 1) + files)
        return lines.joined(separator: "\n")
    }
}
