import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings of the OpenBLAS library the numeric kernels call.
///
/// OpenBLAS starts one thread per core. On the lab's 2-core machines its
/// threads fight the rollout threads (a busy machine was seen to drop 2-thread
/// sgemm under 1 GFLOP/s), so the lab runs it single-threaded unless asked.
public enum BLAS {
    /// Sets how many threads OpenBLAS may use for one call (default in the lab: 1).
    public static func setThreads(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1")
        openblas_set_num_threads(Int32(count))
    }

    /// The number of threads OpenBLAS will use for one call.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The name of the kernel family OpenBLAS chose for this CPU (e.g. `Haswell`, `SkylakeX`).
    /// OpenBLAS picks it when the library loads; the environment variable
    /// `OPENBLAS_CORETYPE` overrides the choice (see `fasterCoreType`).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// A kernel family this CPU runs faster than the one OpenBLAS chose, or nil.
    ///
    /// OpenBLAS (0.3.21 in Debian 12) recognises CPUs by model number. A model it does not
    /// know, such as the generic "Intel(R) Xeon(R) Processor" of the lab's virtual
    /// machines, gets `Prescott`, its SSE3 kernels, although the CPU has AVX-512. On such
    /// a machine `play bench --workloads sgemm` (256 to 1024 square, one thread) measured
    /// 32 GFLOP/s with Prescott, 80 with `OPENBLAS_CORETYPE=Haswell` and 148 with
    /// `SkylakeX`. The choice can only be changed before the library loads, so the
    /// `play` tool re-executes itself with the variable set (`Play.main`).
    public static var fasterCoreType: String? {
        fasterCoreType(than: coreName, cpuFlags: cpuFlags())
    }

    /// The decision behind `fasterCoreType`, given OpenBLAS's choice and the CPU's feature
    /// flags (as `/proc/cpuinfo` names them): SkylakeX kernels need AVX-512 F, CD, BW, DQ
    /// and VL; Haswell kernels AVX2 and FMA. Only kernel families older than what the CPU
    /// supports are replaced, never a newer or unknown one.
    public static func fasterCoreType(than current: String, cpuFlags: Set<String>) -> String? {
        let ranks = ["prescott": 0, "core2": 1, "penryn": 1, "dunnington": 1, "nehalem": 2, "sandybridge": 3, "haswell": 4,
                     "skylakex": 5]
        guard let rank = ranks[current.lowercased()] else { return nil }
        if rank < 5, cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if rank < 4, cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The feature flags of the first CPU in `/proc/cpuinfo` (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return []
    }
}
