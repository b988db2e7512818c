/// A batch of token sequences, right-padded to one length, with a mask marking real tokens.
///
/// Tokens are ids in the model's vocabulary; padded positions may hold any id
/// (conventionally 0) and have mask 0. Every sequence needs at least one real token.
public struct TokenBatch: Sendable, Hashable {
    /// Token ids, (B, T) row-major.
    public let tokens: [Int32]
    /// 1 for a real token, 0 for padding, (B, T) row-major.
    public let mask: [Float]
    /// Number of sequences B.
    public let batch: Int
    /// Padded length T.
    public let length: Int

    public init(tokens: [Int32], mask: [Float], batch: Int, length: Int) {
        precondition(tokens.count == batch * length && mask.count == batch * length, "token batch shape mismatch")
        self.tokens = tokens
        self.mask = mask
        self.batch = batch
        self.length = length
    }

    /// A batch from unpadded sequences, padded with token 0 up to `length`.
    public init(sequences: [[Int32]], length: Int) {
        var tokens = [Int32](repeating: 0, count: sequences.count * length)
        var mask = [Float](repeating: 0, count: sequences.count * length)
        for (row, sequence) in sequences.enumerated() {
            precondition(!sequence.isEmpty && sequence.count <= length, "sequence \(row) has \(sequence.count) tokens; allowed 1...\(length)")
            for (i, token) in sequence.enumerated() {
                tokens[row * length + i] = token
                mask[row * length + i] = 1
            }
        }
        self.init(tokens: tokens, mask: mask, batch: sequences.count, length: length)
    }
}

/// What an encoder reads: token sequences, or dense feature vectors (used by
/// benchmarks that match a fixed dense workload).
public enum EncoderInput: Sendable, Hashable {
    case tokens(TokenBatch)
    /// Features (B, F) row-major.
    case dense(features: [Float], batch: Int)

    /// Number of examples B.
    public var batch: Int {
        switch self {
        case .tokens(let t): t.batch
        case .dense(_, let batch): batch
        }
    }
}
