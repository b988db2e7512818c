/// Similarity of two networks' representations of the same states.
///
/// Linear centred kernel alignment (CKA; Kornblith et al. 2019, "Similarity of Neural
/// Network Representations Revisited") compares activation matrices X (n states x d1)
/// and Y (n x d2) through their linear Gram matrices K = X X^T and L = Y Y^T:
///
///     CKA = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)),   HSIC(K, L) ~ tr(K H L H)
///
/// so it is 1 for the same representation up to rotation and isotropic scaling, and it
/// does not need the two layers to have the same width. With few states and wide layers
/// the plain estimate is biased upwards (two independent random layers score well above
/// 0); the debiased version swaps in the unbiased HSIC estimator (Song et al. 2012,
/// used for CKA by Nguyen et al. 2021, "Do Wide and Deep Networks Learn the Same
/// Things?"), which is near 0 for independent representations.
///
/// Both are computed in feature space (d1 x d2 products, never n x n Gram matrices), so
/// thousands of states cost little: for linear kernels every Gram-matrix term is a
/// feature-space expression (e.g. tr(K L) = ||X^T Y||_F^2).
///
///     let similarity = Representations.linearCKA(hiddenA, hiddenB)   // rows = states
public enum Representations {
    /// Plain linear CKA between two activation matrices with the same states as rows;
    /// 0 when either has no variance.
    public static func linearCKA(_ x: [[Double]], _ y: [[Double]]) -> Double {
        let (a, b) = pair(x, y)
        let cross = a.transposeTimes(b).squaredNorm
        let selfX = a.transposeTimes(a).squaredNorm.squareRoot(), selfY = b.transposeTimes(b).squaredNorm.squareRoot()
        guard selfX > 0, selfY > 0 else { return 0 }
        return cross / (selfX * selfY)
    }

    /// Debiased linear CKA (needs at least 4 states): the unbiased HSIC estimator in place
    /// of the plain one. It can be slightly negative for unrelated representations; 0 when
    /// either has no variance.
    public static func debiasedLinearCKA(_ x: [[Double]], _ y: [[Double]]) -> Double {
        let (a, b) = pair(x, y)
        precondition(a.rows >= 4, "the unbiased HSIC estimator needs at least 4 states (got \(a.rows))")
        let xy = unbiasedHSIC(a, b), xx = unbiasedHSIC(a, a), yy = unbiasedHSIC(b, b)
        guard xx > 0, yy > 0 else { return 0 }
        return xy / (xx * yy).squareRoot()
    }

    /// Song et al. 2012, eq. 5: with K~ and L~ the Gram matrices with zeroed diagonals,
    ///
    ///     HSIC_1 = [ tr(K~ L~) + (1' K~ 1)(1' L~ 1) / ((n-1)(n-2)) - 2/(n-2) 1' K~ L~ 1 ] / (n(n-3))
    ///
    /// For linear kernels of centred X and Y (sum of rows 0; the estimator does not change
    /// under a shift of the features): tr(K~ L~) = ||X^T Y||^2 - sum_i |x_i|^2 |y_i|^2,
    /// 1' K~ 1 = -sum_i |x_i|^2, and (K~ 1)_i = -|x_i|^2.
    static func unbiasedHSIC(_ x: Matrix, _ y: Matrix) -> Double {
        let n = Double(x.rows)
        let normsX = rowSquaredNorms(x), normsY = rowSquaredNorms(y)
        // sum_i |x_i|^2 |y_i|^2: both the diagonal of K L and 1' K~ L~ 1 = (K~ 1)'(L~ 1).
        let diagonal = zip(normsX, normsY).reduce(0) { $0 + $1.0 * $1.1 }
        let trace = x.transposeTimes(y).squaredNorm - diagonal
        let onesX = -normsX.reduce(0, +), onesY = -normsY.reduce(0, +)
        let value = trace + onesX * onesY / ((n - 1) * (n - 2)) - 2 / (n - 2) * diagonal
        return value / (n * (n - 3))
    }

    private static func rowSquaredNorms(_ m: Matrix) -> [Double] {
        (0..<m.rows).map { r in (0..<m.columns).reduce(0) { $0 + m[r, $1] * m[r, $1] } }
    }

    private static func pair(_ x: [[Double]], _ y: [[Double]]) -> (Matrix, Matrix) {
        precondition(x.count == y.count, "CKA compares the same states: \(x.count) rows against \(y.count)")
        return (Matrix(x).centered, Matrix(y).centered)
    }
}
