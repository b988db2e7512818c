// swift-tools-version:6.0
import PackageDescription

/// The numeric and game targets are compiled with optimisation even in the debug
/// configuration: the lab is unusable at -Onone (a training step is ~50x slower),
/// and `swift run play` / `swift test` must be fast without `-c release`.
/// SwiftPM accepts unsafe flags in a root package; the last `-O*` flag wins over
/// SwiftPM's own `-Onone`.
let optimizedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "MultiGameLab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "play", targets: ["play"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "GameKit", targets: ["GameKit"]),
        .library(name: "Games", targets: ["Games"]),
        .library(name: "RL", targets: ["RL"]),
        .library(name: "Lab", targets: ["Lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS through its C interface (Debian: libopenblas-dev).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The lab's one seeded generator, shared by the network core and the games
        // (games must not import Neural).
        .target(name: "SeededRandom", swiftSettings: optimizedInDebug),
        // exp/tanh/sqrt the element-wise kernels inline (see Sources/FastMath).
        .target(name: "FastMath", swiftSettings: optimizedInDebug),
        .target(name: "Neural", dependencies: ["CBLAS", "FastMath", "SeededRandom"], swiftSettings: optimizedInDebug),
        .target(name: "GameKit", dependencies: ["SeededRandom"], swiftSettings: optimizedInDebug),
        .target(name: "Games", dependencies: ["GameKit"], path: "Games", swiftSettings: optimizedInDebug),
        .target(name: "RL", dependencies: ["Neural", "GameKit", "FastMath"], swiftSettings: optimizedInDebug),
        .target(name: "Lab", dependencies: ["RL", "Games", "GameKit", "SeededRandom"], swiftSettings: optimizedInDebug),
        .executableTarget(
            name: "play",
            dependencies: [
                "Neural", "GameKit", "Games", "RL", "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimizedInDebug
        ),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "FastMathTests", dependencies: ["FastMath"], swiftSettings: optimizedInDebug),
        .testTarget(name: "NeuralTests", dependencies: ["Neural"], swiftSettings: optimizedInDebug),
        .testTarget(name: "GameKitTests", dependencies: ["GameKit"]),
        .testTarget(name: "GamesTests", dependencies: ["Games", "GameKit"], exclude: ["Golden"]),
        .testTarget(name: "RLTests", dependencies: ["RL", "Games"]),
        .testTarget(name: "LabTests", dependencies: ["Lab"]),
        .testTarget(name: "playTests", dependencies: ["play", "Games"]),
    ],
    swiftLanguageModes: [.v6]
)
