import Foundation
import NIOCore

/// Monotonic nanoseconds (CLOCK_MONOTONIC), the one time base of every measurement here.
@inline(__always)
func nowNanoseconds() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

/// The measurement window of one run: calls started in `[start, end)` are counted.
struct Window: Sendable {
    let start: UInt64
    let end: UInt64

    /// A window opening after `warmUp` from now and lasting `duration`.
    init(warmUp: Duration, duration: Duration) {
        let now = nowNanoseconds()
        start = now + warmUp.wholeNanoseconds
        end = start + duration.wholeNanoseconds
    }

    var seconds: Double { Double(end - start) / 1e9 }
}

extension Duration {
    var wholeNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
    }
}

/// The result of one run: calls counted in the window and their latencies.
struct RunResult: Sendable {
    let calls: Int
    let seconds: Double
    /// Sorted latencies in nanoseconds.
    let latencies: [UInt64]

    init(latencies unsorted: [UInt64], seconds: Double) {
        latencies = unsorted.sorted()
        calls = latencies.count
        self.seconds = seconds
    }

    /// The runs taken together: their calls and latencies pooled, their seconds added up.
    init(merging runs: [RunResult]) {
        self.init(latencies: runs.flatMap(\.latencies), seconds: runs.reduce(0) { $0 + $1.seconds })
    }

    var callsPerSecond: Double { Double(calls) / seconds }

    /// The `p`-th percentile (0...100) in milliseconds, nearest rank.
    func percentileMilliseconds(_ p: Double) -> Double {
        nearestRank(latencies, p).map { Double($0) / 1e6 } ?? .nan
    }
}

/// The `p`-th percentile (0...100) of `sorted` by nearest rank; nil when it is empty.
func nearestRank<Value>(_ sorted: [Value], _ p: Double) -> Value? {
    guard !sorted.isEmpty else { return nil }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// One figure of the report with its baseline.
struct Figure {
    let name: String
    let value: Double
    let unit: String
    let baseline: Double

    var ratio: Double { value / baseline }

    /// The project's line format: `BENCH <name> <value> <unit> baseline=<value> ratio=<value>`.
    var benchLine: String {
        "BENCH \(name) \(Self.format(value, unit: unit)) \(unit) baseline=\(Self.format(baseline, unit: unit)) ratio=\(String(format: "%.2f", ratio))"
    }

    static func format(_ value: Double, unit: String) -> String {
        switch unit {
        case "ms": String(format: "%.3f", value)
        default: String(format: "%.0f", value)
        }
    }
}

/// Pads `text` to `width` columns, right-aligned.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

/// The 1-, 5- and 15-minute load averages, for the noise note.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// Writes a progress line to stderr (the table and BENCH lines go to stdout).
func progress(_ text: String) {
    FileHandle.standardError.write(Data("dms-bench: \(text)\n".utf8))
}
