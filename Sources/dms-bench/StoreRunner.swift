/// Runs a fixed number of operations with a fixed number in flight, and times them.
enum StoreRunner {
    /// The outcome of one run: latencies and wall time, and each operation's value, in order.
    struct Outcome<Value: Sendable>: Sendable {
        let result: RunResult
        let values: [Value]
    }

    /// Runs the operations `indices`, `concurrency` at a time (worker `w` takes the `w`-th index,
    /// then every `concurrency`-th after it), timing each one and the whole run. The first error
    /// ends the run.
    static func run<Value: Sendable>(
        _ indices: Range<Int>, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Value
    ) async throws -> Outcome<Value> {
        let workers = max(1, min(concurrency, indices.count))
        let start = nowNanoseconds()
        let done = try await withThrowingTaskGroup(of: [(index: Int, value: Value, nanoseconds: UInt64)].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var results: [(index: Int, value: Value, nanoseconds: UInt64)] = []
                    results.reserveCapacity(indices.count / workers + 1)
                    for index in stride(from: indices.lowerBound + worker, to: indices.upperBound, by: workers) {
                        let begin = nowNanoseconds()
                        let value = try await operation(index)
                        results.append((index, value, nowNanoseconds() - begin))
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = Double(nowNanoseconds() - start) / 1e9
        var values = [Value?](repeating: nil, count: indices.count)
        for entry in done { values[entry.index - indices.lowerBound] = entry.value }
        return Outcome(result: RunResult(latencies: done.map(\.nanoseconds), seconds: seconds), values: values.map { $0! })
    }

    /// Runs `0..<count` in `rounds` slices, alternating two sides slice by slice (the first side
    /// leading in even rounds, the second in odd ones), so that a disturbance of the machine —
    /// another process, a checkpoint, a slow fsync — falls on both sides alike. Returns each side's
    /// results over all its slices.
    static func alternate<First: Sendable, Second: Sendable>(
        count: Int, rounds: Int, concurrency: Int,
        _ first: @escaping @Sendable (Int) async throws -> First,
        _ second: @escaping @Sendable (Int) async throws -> Second
    ) async throws -> (Outcome<First>, Outcome<Second>) {
        var firsts: [Outcome<First>] = []
        var seconds: [Outcome<Second>] = []
        let rounds = max(1, min(rounds, count))
        for round in 0..<rounds {
            let slice = (count * round / rounds)..<(count * (round + 1) / rounds)
            if round % 2 == 0 {
                firsts.append(try await run(slice, concurrency: concurrency, first))
                seconds.append(try await run(slice, concurrency: concurrency, second))
            } else {
                seconds.append(try await run(slice, concurrency: concurrency, second))
                firsts.append(try await run(slice, concurrency: concurrency, first))
            }
        }
        return (merged(firsts), merged(seconds))
    }

    private static func merged<Value>(_ outcomes: [Outcome<Value>]) -> Outcome<Value> {
        Outcome(
            result: RunResult(latencies: outcomes.flatMap(\.result.latencies), seconds: outcomes.reduce(0) { $0 + $1.result.seconds }),
            values: outcomes.flatMap(\.values))
    }
}
