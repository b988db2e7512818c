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
}

/// Makes sure `buffer` holds `count` floats and returns its pointer.
@inline(__always)
func reserved(_ buffer: FloatBuffer, _ count: Int) -> UnsafeMutablePointer<Float> {
    buffer.reserve(count)
    return buffer.pointer
}
