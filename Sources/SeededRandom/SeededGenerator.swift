#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A fast, seeded pseudo-random generator (xoshiro256**, Blackman and Vigna 2018),
/// the only source of randomness in the lab: there is no global generator.
///
/// The state is four 64-bit words filled from the seed by SplitMix64, as the
/// authors recommend, so nearby seeds give unrelated streams. The state is a
/// plain value: copying a generator forks the stream, and it can be saved in a
/// checkpoint and restored exactly.
///
///     var rng = SeededGenerator(seed: 42)
///     let die = Int.random(in: 1...6, using: &rng)
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var s0, s1, s2, s3: UInt64

    /// Creates a generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix(); s1 = nextSplitMix(); s2 = nextSplitMix(); s3 = nextSplitMix()
    }

    /// Restores a generator from a saved `state` (four words, not all zero).
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "xoshiro256** needs four words, not all zero")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The generator's whole state; `init(state:)` restores the stream from it.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box-Muller, computed in Double).
    public mutating func nextGaussian() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1p-53, 1e-300)
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Shuffles `elements` in place (Fisher-Yates, Durstenfeld's form): from the last
    /// position down to the second, position i swaps with one drawn by `next() % (i + 1)`.
    ///
    /// The draws and their order are part of the contract: runs, sweeps and held-out
    /// subsets depend on the exact permutation, so this must not change (it is not the
    /// standard library's `shuffle(using:)`, which draws differently). The modulo bias is
    /// below 2^-40 for arrays of fewer than 2^24 elements.
    ///
    ///     var order = Array(0..<10)
    ///     rng.shuffle(&order)
    public mutating func shuffle<T>(_ elements: inout [T]) {
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, Int(next() % UInt64(i + 1)))
        }
    }

    private enum CodingKeys: String, CodingKey { case state }

    /// Decodes a saved generator, rejecting a state that is not four words or is all zero
    /// (xoshiro would then return 0 forever).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([UInt64].self, forKey: .state)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container,
                                                   debugDescription: "a generator state is four 64-bit words, not all zero")
        }
        self.init(state: words)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
    }

    @inline(__always) private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
