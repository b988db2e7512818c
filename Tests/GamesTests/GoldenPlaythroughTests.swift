import Foundation
import Testing
import GameKit
@testable import Games

/// Every registered game replays its committed golden playthrough exactly
/// (Tests/GamesTests/Golden/<id>.txt, written by `swift run play golden`). A change
/// to a game's rules or text fails here with the first differing line; if the change is
/// intended, rewrite the files and review their diff.
@Suite struct GoldenPlaythroughTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: GameCatalog.registry.ids)
    func matchesTheCommittedFile(id: String) throws {
        let file = Self.directory.appendingPathComponent(id + ".txt")
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden file \(file.path); write it with `swift run play golden --games \(id)`")
            return
        }
        let actual = Playthrough.golden(try GameCatalog.registry.game(id))
        if actual != expected {
            let (a, e) = (actual.split(separator: "\n", omittingEmptySubsequences: false), expected.split(separator: "\n", omittingEmptySubsequences: false))
            let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            Issue.record("\(id) differs from its golden file at line \(line + 1): expected '\(line < e.count ? e[line] : "<end>")', got '\(line < a.count ? a[line] : "<end>")'")
        }
    }

    @Test func everyGoldenFileBelongsToARegisteredGame() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".txt") }
        let stale = files.map { String($0.dropLast(4)) }.filter { !GameCatalog.registry.ids.contains($0) }
        #expect(stale.isEmpty, "golden files of unknown games: \(stale)")
    }
}
