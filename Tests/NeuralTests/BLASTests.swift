import Testing
@testable import Neural

/// Which OpenBLAS kernel family the lab asks for (`BLAS.fasterCoreType`).
@Suite struct BLASTests {
    static let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func theSSE3FallbackIsReplacedByWhatTheCPUSupports() {
        #expect(BLAS.fasterCoreType(than: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(BLAS.fasterCoreType(than: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]) == "Haswell")
        #expect(BLAS.fasterCoreType(than: "Sandybridge", cpuFlags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(BLAS.fasterCoreType(than: "Haswell", cpuFlags: Self.avx512) == "SkylakeX")
    }

    @Test func aFittingNewerOrUnknownChoiceIsKept() {
        #expect(BLAS.fasterCoreType(than: "Prescott", cpuFlags: ["sse3"]) == nil)
        #expect(BLAS.fasterCoreType(than: "Prescott", cpuFlags: ["avx2"]) == nil)  // no FMA: Haswell kernels would fault
        #expect(BLAS.fasterCoreType(than: "Haswell", cpuFlags: ["avx2", "fma", "avx512f"]) == nil)  // AVX-512 incomplete
        #expect(BLAS.fasterCoreType(than: "SkylakeX", cpuFlags: Self.avx512) == nil)
        #expect(BLAS.fasterCoreType(than: "Cooperlake", cpuFlags: Self.avx512) == nil)
        #expect(BLAS.fasterCoreType(than: "Zen", cpuFlags: Self.avx512) == nil)
    }

    @Test func thisMachinesFlagsAreRead() {
        // Every x86-64 CPU reports sse2 in /proc/cpuinfo; elsewhere the set may be empty.
        #if arch(x86_64) && os(Linux)
        #expect(BLAS.cpuFlags().contains("sse2"))
        #endif
    }
}
