import Testing
import FastMath
#if canImport(Glibc)
import Glibc
#endif

/// The fast elementary functions against libm.
@Suite struct FastMathTests {
    @Test func fastExpAndTanhMatchLibm() {
        var worstExp: Float = 0, worstTanh: Float = 0
        var x: Float = -80
        while x < 80 {
            worstExp = max(worstExp, abs(fastExp(x) - expf(x)) / expf(x))
            worstTanh = max(worstTanh, abs(fastTanh(x) - tanhf(x)))
            x += 0.0137
        }
        #expect(worstExp < 5e-7, "exp16 relative error \(worstExp)")
        #expect(worstTanh < 1e-6, "tanh16 absolute error \(worstTanh)")
        // Clamped far ends stay finite and ordered.
        #expect(fastExp(-200) >= 0 && fastExp(-200) < 1e-37)
        #expect(fastExp(200).isFinite)
        #expect(fastTanh(60) == 1 && fastTanh(-60) == -1)
    }

    @Test func fastSquareRootMatchesLibm() {
        var worst: Float = 0
        var x: Float = 1e-20
        while x < 1e20 {
            worst = max(worst, abs(fastSquareRoot(x) - x.squareRoot()) / x.squareRoot())
            x *= 1.37
        }
        #expect(worst < 1e-6, "relative error \(worst)")
        #expect(fastSquareRoot(0) < 1e-14)
        #expect(fastSquareRoot(4) == 2 || abs(fastSquareRoot(4) - 2) < 1e-6)
    }
}
