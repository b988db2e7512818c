import CBLAS

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

    /// The name of the kernel family OpenBLAS chose for this CPU (e.g. `Haswell`, `Cooperlake`).
    /// OpenBLAS picks it when the library loads; the environment variable
    /// `OPENBLAS_CORETYPE` overrides the choice and is left to the user.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
