import Testing
@testable import Neural

// Finite-difference gradient checking for Float32 kernels.
//
// Each check perturbs one Float32 value by +-h, re-runs the forward pass, and
// reduces the outputs to a scalar loss L = sum_i w_i * out_i accumulated in Double
// (w is a fixed random projection, so every output element matters). The central
// difference (L(x+h) - L(x-h)) / 2h is compared with the analytic gradient.
//
// Tolerances: h = 1e-2 (truncation error O(h^2) for smooth functions; Float32
// rounding in L is ~1e-7 relative, i.e. ~1e-5 after dividing by 2h). An element
// passes when |analytic - numeric| <= 2e-2 * max(|analytic|, |numeric|) + 1e-3.

/// The step and tolerances used by every gradient check in this target.
enum GradientTolerance {
    static let step: Float = 1e-2
    static let relative: Double = 2e-2
    static let absolute: Double = 1e-3
}

/// Fills an array with seeded uniform values in [-scale, scale].
func randomValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (2 * rng.nextUnitFloat() - 1) * scale }
}

/// Values in [0.2, 1] with random sign: never near the kink of ReLU.
func valuesAwayFromZero(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0.2 + 0.8 * rng.nextUnitFloat()) * (rng.next() & 1 == 0 ? 1 : -1) }
}

/// sum_i w_i * out_i in Double.
func projected(_ out: UnsafePointer<Float>, _ weights: [Float]) -> Double {
    var total = 0.0
    for i in 0..<weights.count { total += Double(weights[i]) * Double(out[i]) }
    return total
}

/// Compares `analytic` with central differences of `loss` with respect to each
/// element of `values` (or the elements listed in `indices`), recording a test
/// issue for the worst mismatch. Returns the largest relative error seen.
@discardableResult
func checkGradient(
    _ name: String,
    values: UnsafeMutablePointer<Float>, analytic: [Float], indices: [Int]? = nil,
    step h: Float = GradientTolerance.step,
    loss: () -> Double,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Double {
    var worst = 0.0
    var worstReport = ""
    var failures = 0
    for i in indices ?? Array(0..<analytic.count) {
        let original = values[i]
        values[i] = original + h
        let plus = loss()
        values[i] = original - h
        let minus = loss()
        values[i] = original
        let numeric = (plus - minus) / (2 * Double(h))
        let a = Double(analytic[i])
        let error = abs(a - numeric)
        let allowed = GradientTolerance.relative * max(abs(a), abs(numeric)) + GradientTolerance.absolute
        let relative = error / max(abs(a), abs(numeric), 1e-12)
        if error > allowed {
            failures += 1
            if relative > worst || worstReport.isEmpty {
                worstReport = "\(name)[\(i)]: analytic \(a), numeric \(numeric)"
            }
        }
        if error > GradientTolerance.absolute { worst = max(worst, relative) }
    }
    #expect(failures == 0, "\(failures) gradient mismatches; worst \(worstReport)", sourceLocation: sourceLocation)
    return worst
}

extension Array where Element == Float {
    /// Runs `body` with a mutable pointer to the elements (the array must not be resized inside).
    mutating func pointer<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

/// A test tensor: a pointer to Float32 values that stays valid for the whole process.
///
/// Test tensors are deliberately never freed (they are tiny): a class-owned buffer
/// could be released by ARC right after its pointer is read, before the kernel runs.
struct TestTensor {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    func array() -> [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// A tensor holding `values`.
func tensor(_ values: [Float]) -> TestTensor {
    let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
    pointer.initialize(repeating: 0, count: max(values.count, 1))
    values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    return TestTensor(pointer: pointer, count: values.count)
}

/// A zero tensor of `count` elements.
func zeros(_ count: Int) -> TestTensor { tensor([Float](repeating: 0, count: count)) }
