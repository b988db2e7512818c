import FastMath
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// Element-wise non-linearities. Backward reads the forward's input (or output,
// where that is cheaper) and adds into din.

/// out = max(0, inp)
public func reluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n { out[i] = max(inp[i], 0) }
}

/// din += dout where inp > 0
public func reluBackward(din: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n { din[i] += inp[i] > 0 ? dout[i] : 0 }
}

/// out = tanh(inp)
public func tanhForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n { out[i] = tanhf(inp[i]) }
}

/// din += dout * (1 - out^2), from the forward's output.
public func tanhBackward(din: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, out: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n { din[i] += dout[i] * (1 - out[i] * out[i]) }
}

// GELU in its tanh form (Hendrycks and Gimpel 2016, section 2), as GPT-2 uses:
// gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// Vectorised (see Sources/FastMath): GELU runs on every hidden unit of every token.
private let geluScale: Float = 0.7978845608028654  // sqrt(2 / pi)
private let geluCubic: Float = 0.044715

/// out = gelu(inp), tanh approximation.
public func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n {
        let x = inp[i]
        out[i] = 0.5 * x * (1 + fastTanh(geluScale * (x + geluCubic * x * x * x)))
    }
}

/// din += dout * gelu'(inp)
public func geluBackward(din: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n {
        let x = inp[i]
        let th = fastTanh(geluScale * (x + geluCubic * x * x * x))
        let sech2 = 1 - th * th
        din[i] += dout[i] * (0.5 * (1 + th) + 0.5 * x * sech2 * geluScale * (1 + 3 * geluCubic * x * x))
    }
}

/// out = a + b (a residual connection)
public func residualForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n { out[i] = a[i] + b[i] }
}

/// da += dout; db += dout
public func residualBackward(da: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n {
        da[i] += dout[i]
        db[i] += dout[i]
    }
}
