import GameKit
import Neural

/// How the network reads text: observations as characters placed on a grid of lines and
/// columns, actions as up to eight characters.
///
/// Each character of an observation is a token of the shared vocabulary (`Tokenizer`)
/// with the position id `line * columns + column`; newlines are not tokens, the
/// position says where a character is. So the cell in the second line's third column
/// is the same position in every game, and `c3`-like places line up across boards of
/// the same size, which a flat character index would not do (id lines differ in length).
public enum TextEncoding {
    /// Lines and columns of the position grid; observations must fit in it.
    public static let lines = 16
    public static let columns = 16
    /// Distinct observation positions (the model's `maxLength`).
    public static let positions = lines * columns
    /// Characters of an action text the network reads (longer texts are an error).
    public static let actionLength = 8

    /// The tokens and position ids of `observation`. The first line (the game id) is cut
    /// to `columns` characters; other lines must fit (they are boards).
    public static func encodeObservation(_ observation: String) throws(EncodingError) -> (tokens: [Int32], positions: [Int32]) {
        var tokens: [Int32] = [], positions: [Int32] = []
        tokens.reserveCapacity(observation.utf8.count)
        positions.reserveCapacity(observation.utf8.count)
        var line = 0, column = 0
        for character in observation {
            if character == "\n" {
                line += 1
                column = 0
                continue
            }
            guard line < lines else { throw .tooManyLines(observation) }
            if column >= columns {
                if line == 0 { continue }  // a long id: the rest of it is dropped
                throw .lineTooLong(observation)
            }
            guard let token = Tokenizer.token(for: character) else { throw .unsupportedCharacter(character) }
            tokens.append(token)
            positions.append(Int32(line * columns + column))
            column += 1
        }
        guard !tokens.isEmpty else { throw .empty }
        return (tokens, positions)
    }

    /// The tokens of an action text, padded with `Tokenizer.padding` to `actionLength`.
    public static func encodeAction(_ text: String) throws(EncodingError) -> [Int32] {
        guard text.count <= actionLength, !text.isEmpty else { throw .actionTooLong(text) }
        var tokens = [Int32](repeating: Tokenizer.padding, count: actionLength)
        for (i, character) in text.enumerated() {
            guard let token = Tokenizer.token(for: character), token != Tokenizer.newline else { throw .unsupportedCharacter(character) }
            tokens[i] = token
        }
        return tokens
    }
}

/// Text the network cannot read; the description says what the limits are.
public enum EncodingError: Error, Equatable, CustomStringConvertible {
    case tooManyLines(String), lineTooLong(String), unsupportedCharacter(Character), empty, actionTooLong(String), noActions

    public var description: String {
        switch self {
        case .tooManyLines(let text):
            "an observation has more than \(TextEncoding.lines) lines (the network reads at most \(TextEncoding.lines)): \(text.prefix(40))..."
        case .lineTooLong(let text):
            "an observation line is longer than \(TextEncoding.columns) characters (the network reads at most \(TextEncoding.columns) per line): \(text.prefix(40))..."
        case .unsupportedCharacter(let character):
            "character '\(character)' is outside the vocabulary (printable ASCII)"
        case .empty:
            "an empty observation"
        case .noActions:
            "a state with no legal actions (a finished game) was given to the policy"
        case .actionTooLong(let text):
            "action text '\(text)' must have 1 to \(TextEncoding.actionLength) characters"
        }
    }
}
