import GameKit
import Neural

/// RL: the text policy network over game observations, batched rollouts, self-play,
/// PPO / A2C / REINFORCE, the trainer and checkpoints.
///
/// Not built yet: the trainer is its own issue (see README). It builds on
/// `Neural.PolicyValueNetwork`, the ragged log-softmax and the loss kernels.
public enum RL {
    /// The policy-gradient algorithms the trainer will offer.
    public enum Algorithm: String, CaseIterable, Sendable { case ppo, a2c, reinforce }
}
