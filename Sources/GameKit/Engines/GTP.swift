/// The Go Text Protocol, version 2 (the specification at
/// https://www.lysator.liu.se/~gunnar/gtp/gtp2-spec-draft2/gtp2-spec.html): commands are
/// lines, an answer is `=` (success) or `?` (failure), an optional command id, the text,
/// and one empty line.
public enum GTP {
    /// GTP's column letters: A to T without I (spec section 2.11), left to right.
    public static let columns = Array("ABCDEFGHJKLMNOPQRST")

    /// The GTP vertex (`C3`, `J9`, `pass`) of one of our absolute go actions (`c3`, `i9`,
    /// `pass`): files `a`, `b`, ... become GTP's letters, which skip I.
    public static func vertex(ofAction text: String, boardSize: Int) -> String? {
        let lower = text.lowercased()
        if lower == "pass" { return "pass" }
        guard let (file, rank) = cell(lower, files: Array("abcdefghijklmnopqrs"), boardSize: boardSize) else { return nil }
        return String(columns[file]) + String(rank + 1)
    }

    /// Our absolute action text for a GTP vertex; nil when it is no point of the board.
    /// `pass` stays `pass`; `resign` is not a move (the caller handles it).
    public static func action(ofVertex vertex: String, boardSize: Int) -> String? {
        let upper = vertex.uppercased()
        if upper == "PASS" { return "pass" }
        guard let (file, rank) = cell(upper, files: columns, boardSize: boardSize) else { return nil }
        return BoardCoordinates.cell(file: file, rank: rank)
    }

    /// (file, rank) counted from 0 of a cell written as a letter from `files` and a number.
    private static func cell(_ text: String, files: [Character], boardSize: Int) -> (Int, Int)? {
        guard let letter = text.first, let file = files.firstIndex(of: letter), file < boardSize,
              let number = Int(text.dropFirst()), (1...boardSize).contains(number) else { return nil }
        return (file, number - 1)
    }

    /// GTP's colour for our player number (0 moves first: Black).
    public static func colour(ofPlayer player: Int) -> String { player == 0 ? "black" : "white" }

    /// Our player number for a GTP colour (`b`, `black`, `w`, `white`, any case).
    public static func player(ofColour colour: String) -> Int? {
        switch colour.lowercased() {
        case "b", "black": 0
        case "w", "white": 1
        default: nil
        }
    }
}

/// The controller's side of GTP: sends commands to an engine and reads its answers.
public final class GTPClient {
    let engine: EngineProcess

    /// Talks GTP with `engine`.
    public init(engine: EngineProcess) { self.engine = engine }

    /// Sends `command` and returns the text of a success answer; a failure answer (`?`)
    /// is an `EngineError.protocolError` unless `allowFailure`, when it comes back as nil.
    @discardableResult
    public func command(_ command: String) throws(EngineError) -> String {
        guard let answer = try send(command, allowFailure: false) else {
            preconditionFailure("a failure answer is thrown unless allowed")
        }
        return answer
    }

    /// Like `command(_:)`, but a failure answer returns nil.
    public func commandIfAccepted(_ command: String) throws(EngineError) -> String? {
        try send(command, allowFailure: true)
    }

    private func send(_ command: String, allowFailure: Bool) throws(EngineError) -> String? {
        try engine.send(command)
        var lines: [String] = []
        // An answer starts with '=' or '?' (after any empty lines) and ends at an empty line.
        while true {
            let line = try engine.readLine(waitingFor: command)
            if lines.isEmpty && line.trimmingWhitespace().isEmpty { continue }
            if line.trimmingWhitespace().isEmpty { break }
            lines.append(line)
        }
        guard let first = lines.first, let status = first.first, status == "=" || status == "?" else {
            throw .protocolError(engine: engine.name, sent: command, reply: lines.joined(separator: "\n"))
        }
        // Drop the status character and an optional numeric id.
        let head = first.dropFirst().drop { $0.isNumber }
        let text = ([String(head)] + lines.dropFirst()).joined(separator: "\n").trimmingWhitespace()
        if status == "?" {
            if allowFailure { return nil }
            throw .protocolError(engine: engine.name, sent: command, reply: "? " + text)
        }
        return text
    }

    /// Says goodbye and stops the program. The answer to `quit` is not awaited: an engine
    /// that stopped answering would hold the end of a match for the whole read timeout,
    /// and `EngineProcess.close` ends the program either way.
    public func close() {
        if engine.isRunning { try? engine.send("quit") }
        engine.close()
    }
}
