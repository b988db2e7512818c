// FastMath: fast elementary functions for the network core's element-wise kernels.
//
// A module of its own so that the functions are inlined into every caller even
// in debug builds: SwiftPM compiles a module's files one by one outside release
// builds, and only a cross-module `@inlinable` body reaches another file then.
//
// libm's tanhf and expf are opaque calls, so a loop that uses them runs one
// element at a time; in the Transformer's GELU they took ~45% of a training
// step. These versions are straight-line arithmetic and bit operations on one
// Float, so LLVM's loop vectoriser turns a loop over them into SIMD code.
// (Swift's SIMD16 types were tried first: their min/max and float-to-int
// conversions compile to per-lane code and were slower than libm.)

/// e^x by Cephes' single-precision method (S. Moshier, cephes/single/expf.c):
/// x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial, times 2^n built
/// in the exponent bits. Relative error about 2e-7 for x in [-87, 88]; inputs
/// outside are clamped (e^-87 ~ 1.6e-38, e^88 ~ 1.7e38).
@inlinable @inline(__always)
public func fastExp(_ input: Float) -> Float {
    let x = min(max(input, -87), 88)
    // Adding 1.5 * 2^23 rounds x log2(e) to the nearest integer n and leaves n in the
    // low mantissa bits, so n is read as an integer without a float-to-int conversion.
    let shifted = x * 1.442_695_040_888_963_4 + 12_582_912.0
    let n = shifted - 12_582_912.0
    let integerN = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
    // ln 2 split in two (0.693359375 - 2.12194440e-4) so n * ln2 is exact in the high part.
    let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
    var p: Float = 1.987_569_150_0e-4
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let er = p * r * r + r + 1
    return er * Float(bitPattern: UInt32(bitPattern: (integerN &+ 127) &<< 23))
}

/// tanh(x) as 1 - 2 / (e^{2x} + 1). Absolute error below 1e-6 everywhere
/// (relative error grows near 0, where GELU adds it to 1 anyway).
@inlinable @inline(__always)
public func fastTanh(_ x: Float) -> Float {
    1 - 2 / (fastExp(2 * x) + 1)
}

/// sqrt(x) for x >= 0 without a libm call. Swift's `squareRoot()` lowers to C's
/// `sqrtf`, which keeps errno semantics (a call on the slow path) and so stops
/// LLVM from vectorising the loop around it. This uses the bit-level estimate of
/// 1/sqrt(x) (Lomont 2003, constant 0x5f375a86) and three Newton steps
/// (relative error < 1e-6), then sqrt(x) = x / sqrt(x). Inputs below 1e-30
/// (including 0) return about 1e-15.
@inlinable @inline(__always)
public func fastSquareRoot(_ input: Float) -> Float {
    let x = max(input, 1e-30)
    var y = Float(bitPattern: 0x5F37_5A86 &- (x.bitPattern >> 1))
    let half = 0.5 * x
    y = y * (1.5 - half * y * y)
    y = y * (1.5 - half * y * y)
    y = y * (1.5 - half * y * y)
    return x * y
}

/// y[0..<n] += a * x[0..<n], eight lanes at a time (short vectors inside loops that
/// BLAS calls would cost more than they save).
@inlinable @inline(__always)
public func simdAxpy(_ n: Int, _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    let scale = SIMD8<Float>(repeating: a)
    var i = 0
    while i + 8 <= n {
        let vx = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let vy = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(y + i).storeBytes(of: vy + scale * vx, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        y[i] += a * x[i]
        i += 1
    }
}

/// The dot product of x[0..<n] and y[0..<n], eight lanes at a time (a fixed summation
/// order, so results are the same on every run).
@inlinable @inline(__always)
public func simdDot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
    var sum = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        sum += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = sum.sum()
    while i < n {
        total += x[i] * y[i]
        i += 1
    }
    return total
}
