#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One named tensor inside a `ParameterStore`: where it starts in the flat buffers and its shape.
public struct ParameterView: Sendable, Hashable, Codable {
    /// A dotted name such as `block2.attention.qkv.weight`.
    public let name: String
    /// Index of the first element in the flat buffers.
    public let offset: Int
    /// Shape, outermost first (a linear weight is `[in, out]`).
    public let shape: [Int]
    /// Whether AdamW's decoupled weight decay applies (matrices yes; biases, norms, embeddings no).
    public let decays: Bool
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

/// How a parameter tensor starts out.
public enum ParameterInitializer: Sendable, Hashable {
    /// Uniform in [-bound, bound].
    case uniform(bound: Float)
    /// Normal with mean 0.
    case normal(std: Float)
    /// Every element equal to `value` (layer-norm gains 1, offsets 0).
    case constant(Float)
}

/// Collects named parameter tensors before the flat buffers exist.
///
/// Layers and models call `add` while they are built; the order of calls fixes the
/// layout, so the same model code always gives the same layout.
public struct ParameterLayout: Sendable {
    /// The views in the order they were added.
    public private(set) var views: [ParameterView] = []
    /// How each view is initialised.
    public private(set) var initializers: [ParameterInitializer] = []
    /// Total number of scalars.
    public private(set) var count = 0

    public init() {}

    /// Appends a tensor and returns its view. Names must be unique.
    public mutating func add(_ name: String, shape: [Int], initializer: ParameterInitializer, decays: Bool) -> ParameterView {
        precondition(!views.contains { $0.name == name }, "duplicate parameter name \(name)")
        precondition(shape.allSatisfy { $0 > 0 }, "parameter \(name) has an empty dimension")
        // Keep every tensor 16-float (64-byte) aligned so kernels see aligned rows.
        let offset = (count + 15) / 16 * 16
        let view = ParameterView(name: name, offset: offset, shape: shape, decays: decays)
        views.append(view)
        initializers.append(initializer)
        count = offset + view.count
        return view
    }
}

/// All parameters of a model in one flat Float32 buffer, with the gradients and
/// Adam's two moment estimates in three more buffers of the same layout.
///
/// Because the four mirror each other, zeroing gradients, the global gradient
/// norm, clipping, AdamW and checkpointing are single loops over flat memory,
/// and a tensor is found by its `ParameterView`:
///
///     let w = store.parameters + view.offset   // (in, out)
///     let dw = store.gradients + view.offset   // (in, out)
public final class ParameterStore {
    /// The named tensors, in layout order.
    public let views: [ParameterView]
    /// Number of scalars in each of the four buffers (including alignment padding, which stays zero).
    public let count: Int
    /// Parameters (the weights).
    public let parameters: UnsafeMutablePointer<Float>
    /// Gradients; kernels only add into them, `zeroGradients()` clears them.
    public let gradients: UnsafeMutablePointer<Float>
    /// Adam's first moment.
    public let firstMoment: UnsafeMutablePointer<Float>
    /// Adam's second moment.
    public let secondMoment: UnsafeMutablePointer<Float>
    private let storage: [FloatBuffer]

    /// Allocates the buffers for `layout` and initialises the parameters from `seed`.
    public init(layout: ParameterLayout, seed: UInt64) {
        views = layout.views
        count = layout.count
        storage = (0..<4).map { _ in FloatBuffer(count: layout.count) }
        parameters = storage[0].pointer
        gradients = storage[1].pointer
        firstMoment = storage[2].pointer
        secondMoment = storage[3].pointer
        var rng = SeededGenerator(seed: seed)
        for (view, initializer) in zip(layout.views, layout.initializers) {
            let p = parameters + view.offset
            switch initializer {
            case .uniform(let bound):
                for i in 0..<view.count { p[i] = (2 * rng.nextUnitFloat() - 1) * bound }
            case .normal(let std):
                for i in 0..<view.count { p[i] = rng.nextGaussian() * std }
            case .constant(let value):
                p.update(repeating: value, count: view.count)
            }
        }
    }

    /// Number of trainable scalars (padding excluded).
    public var parameterCount: Int { views.reduce(0) { $0 + $1.count } }

    /// The view called `name`, if any.
    public func view(named name: String) -> ParameterView? { views.first { $0.name == name } }

    /// Sets every gradient to zero: the one place gradients are cleared.
    public func zeroGradients() { gradients.update(repeating: 0, count: count) }

    /// The L2 norm of all gradients together (accumulated in Double).
    public func gradientNorm() -> Float {
        var sum = 0.0
        for i in 0..<count { let g = Double(gradients[i]); sum += g * g }
        return Float(sum.squareRoot())
    }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before clipping.
    @discardableResult
    public func clipGradientNorm(_ maxNorm: Float) -> Float {
        let norm = gradientNorm()
        if norm > maxNorm, norm.isFinite {
            let scale = maxNorm / (norm + 1e-6)
            for i in 0..<count { gradients[i] *= scale }
        }
        return norm
    }

    /// A copy of one buffer, e.g. for a checkpoint or a test.
    public func snapshot(_ buffer: Buffer = .parameters) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer(buffer), count: count))
    }

    /// Overwrites one buffer from `values`, which must have exactly `count` elements.
    public func restore(_ buffer: Buffer, from values: [Float]) throws(ParameterStoreError) {
        guard values.count == count else {
            throw .sizeMismatch(expected: count, found: values.count)
        }
        values.withUnsafeBufferPointer { pointer(buffer).update(from: $0.baseAddress!, count: count) }
    }

    /// Which of the four mirrored buffers.
    public enum Buffer: String, CaseIterable, Sendable {
        case parameters, gradients, firstMoment, secondMoment
    }

    /// The base pointer of `buffer`.
    public func pointer(_ buffer: Buffer) -> UnsafeMutablePointer<Float> {
        switch buffer {
        case .parameters: parameters
        case .gradients: gradients
        case .firstMoment: firstMoment
        case .secondMoment: secondMoment
        }
    }
}

/// What can go wrong when values from outside (a file, a caller) are loaded into a store.
/// Each description says what was wrong and what was expected.
public enum ParameterStoreError: Error, Equatable, CustomStringConvertible {
    case sizeMismatch(expected: Int, found: Int)
    case truncated
    case notAParameterFile
    case unsupportedVersion(found: UInt32, supported: UInt32)
    case checksumMismatch
    case layoutMismatch(String)

    public var description: String {
        switch self {
        case let .sizeMismatch(expected, found):
            "parameter buffer holds \(found) values but this model has \(expected); the checkpoint was made for a different architecture or size"
        case .truncated:
            "parameter data ends early: the file is truncated"
        case .notAParameterFile:
            "not a parameter file: it does not start with the magic bytes MGLPARAM"
        case let .unsupportedVersion(found, supported):
            "parameter format version \(found) is not supported (this build reads version \(supported))"
        case .checksumMismatch:
            "parameter data is damaged: its checksum does not match its contents"
        case let .layoutMismatch(detail):
            "the parameters were saved from a different model: \(detail)"
        }
    }
}
