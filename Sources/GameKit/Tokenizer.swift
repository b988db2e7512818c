/// The one character vocabulary every game's text is read in: padding, newline and
/// printable ASCII (space to `~`). Fixed, so a model trained on some games can read any other.
///
///     let ids = try Tokenizer.encode("tic-tac-toe\nx..")   // [86, 75, ..., 1, 90, 16, 16]
public enum Tokenizer {
    /// Token 0: padding (never produced by `encode`).
    public static let padding: Int32 = 0
    /// Token 1: newline.
    public static let newline: Int32 = 1
    /// Number of distinct tokens: padding, newline and the 95 printable ASCII characters.
    public static let vocabularySize = 97

    /// The token of one character, or nil if it is outside the vocabulary.
    public static func token(for character: Character) -> Int32? {
        guard let ascii = character.asciiValue else { return nil }
        if ascii == 10 { return newline }
        guard ascii >= 32 && ascii <= 126 else { return nil }
        return Int32(ascii) - 32 + 2
    }

    /// The tokens of `text`; throws naming the first character outside the vocabulary.
    public static func encode(_ text: String) throws(TokenizerError) -> [Int32] {
        var tokens: [Int32] = []
        tokens.reserveCapacity(text.utf8.count)
        for (offset, character) in text.enumerated() {
            guard let token = token(for: character) else { throw .unsupportedCharacter(character, offset: offset) }
            tokens.append(token)
        }
        return tokens
    }

    /// The text of `tokens` (padding is skipped).
    public static func decode(_ tokens: [Int32]) -> String {
        var text = ""
        for token in tokens where token != padding {
            precondition(token > 0 && Int(token) < vocabularySize, "token \(token) outside the vocabulary")
            text.append(token == newline ? "\n" : Character(UnicodeScalar(UInt8(token - 2 + 32))))
        }
        return text
    }
}

/// Text that cannot be tokenized.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    case unsupportedCharacter(Character, offset: Int)

    public var description: String {
        switch self {
        case let .unsupportedCharacter(character, offset):
            "character \(character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined()) at offset \(offset) is outside the vocabulary (printable ASCII and newline)"
        }
    }
}
