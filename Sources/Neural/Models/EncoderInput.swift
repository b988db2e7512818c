/// A batch of token sequences, right-padded to one length, with a mask marking real tokens
/// and the position id of every token.
///
/// Tokens are ids in the model's vocabulary; padded positions may hold any id
/// (conventionally 0) and have mask 0. Every sequence needs at least one real token.
/// Positions default to the index in the sequence; a caller may give its own (the lab
/// gives each character its line and column, so board cells line up across games).
/// Position ids must be below the model's `maxLength`.
public struct TokenBatch: Sendable, Hashable {
    /// Token ids, (B, T) row-major.
    public let tokens: [Int32]
    /// 1 for a real token, 0 for padding, (B, T) row-major.
    public let mask: [Float]
    /// Position ids, (B, T) row-major; nil means position t for index t.
    public let positions: [Int32]?
    /// Number of sequences B.
    public let batch: Int
    /// Padded length T.
    public let length: Int

    public init(tokens: [Int32], mask: [Float], positions: [Int32]? = nil, batch: Int, length: Int) {
        precondition(tokens.count == batch * length && mask.count == batch * length, "token batch shape mismatch")
        precondition(positions.map { $0.count == batch * length } ?? true, "position ids shape mismatch")
        self.tokens = tokens
        self.mask = mask
        self.positions = positions
        self.batch = batch
        self.length = length
    }

    /// A batch from unpadded sequences, padded with token 0 up to `length`; `positions`
    /// (one list per sequence, as long as it) gives explicit position ids.
    public init(sequences: [[Int32]], positions: [[Int32]]? = nil, length: Int) {
        var tokens = [Int32](repeating: 0, count: sequences.count * length)
        var mask = [Float](repeating: 0, count: sequences.count * length)
        var ids = [Int32](repeating: 0, count: positions == nil ? 0 : sequences.count * length)
        // Row copies through raw pointers: element-by-element stores into the arrays (and
        // into an optional array) took about 2% of a training run.
        tokens.withUnsafeMutableBufferPointer { tokenRows in
            mask.withUnsafeMutableBufferPointer { maskRows in
                ids.withUnsafeMutableBufferPointer { idRows in
                    for (row, sequence) in sequences.enumerated() {
                        precondition(!sequence.isEmpty && sequence.count <= length,
                                     "sequence \(row) has \(sequence.count) tokens; allowed 1...\(length)")
                        let start = row * length
                        sequence.withUnsafeBufferPointer { (tokenRows.baseAddress! + start).update(from: $0.baseAddress!, count: $0.count) }
                        (maskRows.baseAddress! + start).update(repeating: 1, count: sequence.count)
                        if let positions {
                            precondition(positions[row].count == sequence.count, "sequence \(row) needs one position per token")
                            positions[row].withUnsafeBufferPointer { (idRows.baseAddress! + start).update(from: $0.baseAddress!, count: $0.count) }
                        }
                    }
                }
            }
        }
        self.init(tokens: tokens, mask: mask, positions: positions == nil ? nil : ids, batch: sequences.count, length: length)
    }

    /// The position id of token `t` of sequence `s`.
    @inline(__always)
    public func position(_ s: Int, _ t: Int) -> Int { positions.map { Int($0[s * length + t]) } ?? t }
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
