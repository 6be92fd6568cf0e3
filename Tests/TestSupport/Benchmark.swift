/// Timing for the opt-in release-mode benchmarks.
public enum Benchmark {
    /// The best of `rounds` runs of `body`, in seconds.
    public static func best(_ rounds: Int, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<rounds {
            let d = try clock.measure(body)
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        }
        return best
    }
}
