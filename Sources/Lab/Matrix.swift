import Foundation
import SeededRandom

/// A dense row-major matrix of Doubles: the few linear-algebra steps the representation
/// analyses need (centring, A^T B, a symmetric solve, a random rotation), written out
/// plainly. The analyses' public API takes `[[Double]]` (one row per state); this type is
/// the working form inside the lab.
public struct Matrix: Sendable, Hashable {
    public let rows: Int
    public let columns: Int
    /// (rows, columns), row-major.
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "\(rows)x\(columns) needs \(rows * columns) values (got \(values.count))")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix from rows of equal length.
    public init(_ rowArrays: [[Double]]) {
        let width = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == width }, "every row needs \(width) columns")
        self.init(rows: rowArrays.count, columns: width, values: rowArrays.flatMap { $0 })
    }

    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// The rows as arrays.
    public var rowArrays: [[Double]] { (0..<rows).map { Array(values[$0 * columns ..< ($0 + 1) * columns]) } }

    /// Each column's mean.
    public var columnMeans: [Double] {
        var means = [Double](repeating: 0, count: columns)
        for r in 0..<rows { for c in 0..<columns { means[c] += values[r * columns + c] } }
        return means.map { $0 / Double(max(rows, 1)) }
    }

    /// The matrix with each column's mean subtracted.
    public var centered: Matrix {
        let means = columnMeans
        var copy = self
        for r in 0..<rows { for c in 0..<columns { copy.values[r * columns + c] -= means[c] } }
        return copy
    }

    /// self^T other: (columns, other.columns), summing over the shared rows.
    public func transposeTimes(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "A^T B needs the same rows (got \(rows) and \(other.rows))")
        var product = [Double](repeating: 0, count: columns * other.columns)
        for r in 0..<rows {
            let a = r * columns, b = r * other.columns
            for i in 0..<columns {
                let scale = values[a + i]
                if scale == 0 { continue }
                let out = i * other.columns
                for j in 0..<other.columns { product[out + j] += scale * other.values[b + j] }
            }
        }
        return Matrix(rows: columns, columns: other.columns, values: product)
    }

    /// self * other.
    public func times(_ other: Matrix) -> Matrix {
        precondition(columns == other.rows, "A B needs A's columns to match B's rows (got \(columns) and \(other.rows))")
        var product = [Double](repeating: 0, count: rows * other.columns)
        for r in 0..<rows {
            for k in 0..<columns {
                let scale = values[r * columns + k]
                if scale == 0 { continue }
                for j in 0..<other.columns { product[r * other.columns + j] += scale * other.values[k * other.columns + j] }
            }
        }
        return Matrix(rows: rows, columns: other.columns, values: product)
    }

    /// The sum of squared entries (the squared Frobenius norm).
    public var squaredNorm: Double { values.reduce(0) { $0 + $1 * $1 } }

    /// Solves self * x = b for a symmetric positive-definite self by Cholesky
    /// factorisation; nil when self is not positive definite.
    public func choleskySolve(_ b: [Double]) -> [Double]? {
        precondition(rows == columns && b.count == rows, "a square system with one right-hand side per row")
        let n = rows
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = self[i, j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var z = b
        for i in 0..<n {
            for k in 0..<i { z[i] -= l[i * n + k] * z[k] }
            z[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { z[i] -= l[k * n + i] * z[k] }
            z[i] /= l[i * n + i]
        }
        return z
    }

    /// A uniformly random (Haar) orthogonal n x n matrix: Gram-Schmidt on a Gaussian
    /// matrix's columns. Gram-Schmidt gives the QR factorisation whose R has a positive
    /// diagonal, which is what makes Q Haar-distributed (Mezzadri 2007, "How to generate
    /// random matrices from the classical compact groups").
    public static func randomOrthogonal(_ n: Int, using rng: inout SeededGenerator) -> Matrix {
        var q = [[Double]]()
        while q.count < n {
            var v = (0..<n).map { _ in Double(rng.nextGaussian()) }
            for _ in 0..<2 {  // Twice, for orthogonality to rounding error.
                for u in q {
                    let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                    for i in 0..<n { v[i] -= dot * u[i] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-8 { q.append(v.map { $0 / norm }) }
        }
        // The vectors are Q's columns.
        var m = Matrix(rows: n, columns: n, values: [Double](repeating: 0, count: n * n))
        for (column, vector) in q.enumerated() { for row in 0..<n { m[row, column] = vector[row] } }
        return m
    }
}
