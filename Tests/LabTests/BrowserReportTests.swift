import Foundation
import Testing
@testable import Lab

/// The report as a person sees it: headless Chromium loads `index.html`, and the page's
/// own check (`data-report-status`, see `ReportPage`) says whether every figure loaded
/// without a script error. Skipped, saying so, when Chromium is not installed.
@Suite struct BrowserReportTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The page's DOM after load, as Chromium dumps it.
    func renderedDOM(_ page: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lab-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                             "--virtual-time-budget=10000", "--dump-dom", page.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (Debian: apt-get install chromium); the browser check is skipped"))
    func everyFigureLoadsInChromium() throws {
        let directory = try ReportFixtures.fullReportDirectory("browser")
        defer { ReportFixtures.cleanUp(directory) }
        let page = try Report.write(from: directory)
        let figures = try Report.build(from: directory).figures.count
        let dom = try renderedDOM(page)
        let status = dom.firstMatch(of: /data-report-status="[^"]*"/).map { String($0.output) } ?? "no status: the script did not run"
        #expect(status == "data-report-status=\"ok\"")
        #expect(dom.contains("data-figures=\"\(figures)\""))

        // The check can fail: a missing figure is reported by name.
        try FileManager.default.removeItem(at: directory.appendingPathComponent("report/figures/heldout.svg"))
        let broken = try renderedDOM(page)
        #expect(broken.contains("data-report-status=\"broken: figures/heldout.svg\""))
    }
}
