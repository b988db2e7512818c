import GameKit
import Neural

/// RL: the text policy network over game observations, batched rollouts, self-play,
/// PPO / A2C / REINFORCE, the trainer and checkpoints.
///
/// The pieces: `TextPolicyNetwork` (the network), `TextEncoding` (how it reads text),
/// `SelfPlayRollouts` (many games at once, self-play and the opponent pool),
/// `PolicyGradientUpdate` (PPO / A2C / REINFORCE), `Evaluation` and `Trainer`.
public enum RL {
    /// The policy-gradient algorithms the trainer offers.
    public enum Algorithm: String, CaseIterable, Sendable, Codable { case ppo, a2c, reinforce }
}
