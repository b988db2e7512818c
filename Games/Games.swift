import GameKit

/// Games: one file per game family, each registered in the registry.
///
/// Not built yet: the game suite is its own issue (see README).
public enum Games {
    /// The ids of the registered games (none yet).
    public static let registeredIDs: [String] = []
}
