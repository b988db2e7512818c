/// GameKit: the Game protocol that every game in `Games/` conforms to, the text
/// conventions (observation, rendering, tokenizer), the registry, baseline players
/// and engine adapters.
///
/// Not built yet: this target is the place for issue "The game suite" (see README).
public enum GameKit {
    /// The version of the text conventions of `shared/DESIGN.md` this target implements.
    public static let textConventionVersion = 1
}
