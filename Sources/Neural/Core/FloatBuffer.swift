/// An owned, 64-byte aligned block of Float32 that the numeric kernels read and write
/// through raw pointers. Activations and scratch space of a model live in these.
///
/// A buffer is a reference type because a model hands the same memory to several
/// kernels; it is not `Sendable`: one model, one thread.
public final class FloatBuffer {
    /// The first element. Valid for `capacity` elements until the next `reserve(_:)` that grows.
    public private(set) var pointer: UnsafeMutablePointer<Float>
    /// How many elements the buffer holds.
    public private(set) var capacity: Int

    /// Creates a zero-filled buffer of `count` elements.
    public init(count: Int = 0) {
        capacity = max(count, 0)
        pointer = FloatBuffer.allocate(capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for at least `count` elements. Growing discards the contents (all zero after).
    public func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = FloatBuffer.allocate(count)
    }

    /// Sets the first `count` elements (all by default) to zero.
    public func zero(_ count: Int? = nil) {
        let n = count ?? capacity
        precondition(n <= capacity)
        pointer.update(repeating: 0, count: n)
    }

    /// A copy of the first `count` elements as an array.
    public func array(_ count: Int? = nil) -> [Float] {
        let n = count ?? capacity
        precondition(n <= capacity)
        return Array(UnsafeBufferPointer(start: pointer, count: n))
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        let typed = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        typed.initialize(repeating: 0, count: max(count, 1))
        return typed
    }
}
