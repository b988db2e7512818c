/// The body of a network: reads a batch and produces one feature vector per example.
///
/// An encoder owns its activation buffers (sized on demand) and the parameter
/// views it registered in the layout; the parameters themselves live in the
/// network's `ParameterStore`, passed to each call. `backward` uses what the last
/// `forward` saved and only adds into the store's gradients.
public protocol FeatureEncoder: AnyObject {
    /// Channels C of the output (B, C).
    var outputWidth: Int { get }
    /// Runs the encoder; the result (B, C) stays valid until the next forward.
    func forward(_ input: EncoderInput, store: ParameterStore) -> UnsafeMutablePointer<Float>
    /// Backpropagates dout (B, C) through the last forward, adding into `store.gradients`.
    func backward(dout: UnsafePointer<Float>, store: ParameterStore)
    /// The hidden layers of the last forward, input side first, copied out for
    /// representation analyses (CKA, task variance, probes); the last is the output.
    func hiddenLayers() -> [HiddenLayer]
}

/// One hidden layer's activations for a batch: (B, width) row-major, one row per example.
/// Read-only copies: changing them changes nothing in the encoder.
public struct HiddenLayer: Sendable, Hashable {
    public var name: String
    public var width: Int
    public var values: [Float]

    public init(name: String, width: Int, values: [Float]) {
        precondition(width > 0 && values.count % width == 0, "a hidden layer holds whole rows of \(width) values")
        self.name = name
        self.width = width
        self.values = values
    }

    /// Number of examples B.
    public var batch: Int { values.count / width }

    /// Example `index`'s activations.
    public func row(_ index: Int) -> ArraySlice<Float> { values[(index * width)..<((index + 1) * width)] }
}

/// Makes sure `buffer` holds `count` floats and returns its pointer.
@inline(__always)
func reserved(_ buffer: FloatBuffer, _ count: Int) -> UnsafeMutablePointer<Float> {
    buffer.reserve(count)
    return buffer.pointer
}
