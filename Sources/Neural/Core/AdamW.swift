import Dispatch
import FastMath
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Adam with decoupled weight decay (Loshchilov and Hutter 2019) over a `ParameterStore`.
///
/// One step is one pass over the flat buffers, view by view only so that weight
/// decay skips biases, norms and embeddings:
///
///     m = b1 m + (1 - b1) g
///     v = b2 v + (1 - b2) g^2
///     p -= lr * ( (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + wd * p )
///
/// `eps` defaults to 1e-5 as in CleanRL's PPO (PyTorch's default is 1e-8).
public struct AdamW: Sendable, Codable, Hashable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// Number of steps taken so far (drives bias correction); part of a checkpoint.
    public var step: Int

    public init(learningRate: Float = 3e-4, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-5, weightDecay: Float = 0, step: Int = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.step = step
    }

    /// Applies one update to every parameter of `store` from its gradients, on `threads`
    /// threads. The update is elementwise, so the result is the same for any thread count;
    /// threads pay off for large stores (the step is memory-bound: 4 buffers per parameter).
    public mutating func update(_ store: ParameterStore, threads: Int = 1) {
        step += 1
        let t = Float(step)
        let stepSize = learningRate / (1 - powf(beta1, t))
        let secondCorrection = 1 / (1 - powf(beta2, t))
        // Pieces of at most `pieceSize` parameters, each inside one view (so one decay each).
        let pieceSize = threads > 1 ? max(16_384, store.count / (4 * threads) + 1) : Int.max
        var list: [(offset: Int, count: Int, decay: Float)] = []
        for view in store.views {
            var start = 0
            while start < view.count {
                let count = min(pieceSize, view.count - start)
                list.append((view.offset + start, count, learningRate * (view.decays ? weightDecay : 0)))
                start += count
            }
        }
        let pieces = list
        let buffers = AdamWBuffers(p: store.parameters, g: store.gradients, m: store.firstMoment, v: store.secondMoment)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let run: @Sendable (Int) -> Void = { i in
            let piece = pieces[i]
            adamWKernel(parameters: buffers.p + piece.offset, gradients: buffers.g + piece.offset,
                        firstMoment: buffers.m + piece.offset, secondMoment: buffers.v + piece.offset,
                        count: piece.count, beta1: b1, beta2: b2, epsilon: eps, stepSize: stepSize,
                        secondCorrection: secondCorrection, decay: piece.decay)
        }
        if threads > 1 && pieces.count > 1 {
            DispatchQueue.concurrentPerform(iterations: pieces.count, execute: run)
        } else {
            for i in pieces.indices { run(i) }
        }
    }
}

/// The store's four buffers, handed to the threads of one step; each thread touches only
/// its own piece of them.
private struct AdamWBuffers: @unchecked Sendable {
    let p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
}

/// The AdamW update of `count` contiguous parameters: a flat loop that LLVM
/// vectorises (the four buffers never overlap).
@inline(never)
private func adamWKernel(
    parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
    firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
    count n: Int, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float,
    stepSize: Float, secondCorrection: Float, decay: Float
) {
    for i in 0..<n {
        let gi = g[i]
        let mi = b1 * m[i] + (1 - b1) * gi
        let vi = b2 * v[i] + (1 - b2) * gi * gi
        m[i] = mi
        v[i] = vi
        // lr * m^ / (sqrt(v^) + eps) with m^ = m / (1 - b1^t), v^ = v / (1 - b2^t).
        p[i] = p[i] - stepSize * mi / (fastSquareRoot(vi * secondCorrection) + eps) - decay * p[i]
    }
}
