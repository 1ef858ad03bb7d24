import BenchmarkSupport
import Foundation
import NIOHTTP1
import Synchronization

// An open-loop (fixed-rate) HTTP/1.1 load generator: requests are due at fixed intervals
// (`--rate` per second) whatever the server does, and each latency is measured from the time
// the request was *due*, not from when a connection became free to send it. A closed-loop tool
// (wrk) waits for each answer before sending the next, so a slow server also slows the load
// and its stalls vanish from the percentiles (coordinated omission); here they show.
//
//   OpenLoopLoad --url http://127.0.0.1:PORT/path --rate 2000 --duration 10 --connections 32 \
//       [--header "Authorization: Bearer …"]...
//
// Prints one line `RESULT<TAB>due<TAB>completed<TAB>errors<TAB>non2xx<TAB>achieved_rps<TAB>
// p50_us<TAB>p90_us<TAB>p99_us<TAB>p999_us<TAB>max_us` (what Scripts/bench-http.sh parses) and
// a readable summary on stderr.

struct Options {
    var url = ""
    var rate = 1000
    var duration = 10
    var connections = 32
    var headers: [(String, String)] = []

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { Self.fail("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--rate": rate = Int(value) ?? 0
            case "--duration": duration = Int(value) ?? 0
            case "--connections": connections = Int(value) ?? 0
            case "--header":
                guard let colon = value.firstIndex(of: ":") else { Self.fail("--header must be 'Name: value'") }
                headers.append((String(value[..<colon]), value[value.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            default: Self.fail("unknown flag \(flag)")
            }
        }
        guard rate > 0, duration > 0, connections > 0 else { Self.fail("--rate, --duration and --connections must be positive") }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("OpenLoopLoad: \(message)\n".utf8))
        exit(2)
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
guard let components = URLComponents(string: options.url), components.scheme == "http", let host = components.host, let port = components.port else {
    Options.fail("--url must be http://HOST:PORT/path")
}
let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
    + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
let request = KeepAliveLoadClient.Request(method: .GET, path: path, headers: options.headers + [("Host", "\(host):\(port)")])
let client = try await KeepAliveLoadClient.connect(host: host, port: port, connections: options.connections)

let total = options.rate * options.duration
let interval = Duration.nanoseconds(1_000_000_000 / Int64(options.rate))
let nextIndex = Atomic<Int>(0)
let clock = ContinuousClock()
let start = clock.now + .milliseconds(200)

struct WorkerResult: Sendable {
    var latencies: [Double] = []
    var errors = 0
    var non2xx = 0
}

let results = await withTaskGroup(of: WorkerResult.self) { group in
    for connection in 0..<options.connections {
        group.addTask {
            var result = WorkerResult()
            result.latencies.reserveCapacity(total / options.connections + 16)
            while true {
                let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < total else { break }
                let due = start + interval * index
                if clock.now < due { try? await Task.sleep(until: due, clock: clock) }
                do {
                    try await client.send(request, on: connection)
                    let latency = clock.now - due
                    result.latencies.append(Double(latency.components.seconds) * 1e6 + Double(latency.components.attoseconds) / 1e12)
                } catch is KeepAliveLoadClient.UnexpectedStatus {
                    result.non2xx += 1
                } catch {
                    result.errors += 1
                    break  // the connection is gone
                }
            }
            return result
        }
    }
    var merged = WorkerResult()
    for await result in group {
        merged.latencies += result.latencies
        merged.errors += result.errors
        merged.non2xx += result.non2xx
    }
    return merged
}
let elapsed = clock.now - start
await client.close()

let sorted = results.latencies.sorted()
/// The nearest-rank percentile of the sorted latencies.
func percentile(_ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let achieved = Double(sorted.count) / max(seconds, 1e-9)
let fields = [
    "RESULT", String(total), String(sorted.count), String(results.errors), String(results.non2xx), String(format: "%.0f", achieved),
    String(format: "%.0f", percentile(50)), String(format: "%.0f", percentile(90)), String(format: "%.0f", percentile(99)),
    String(format: "%.0f", percentile(99.9)), String(format: "%.0f", sorted.last ?? 0),
]
print(fields.joined(separator: "\t"))
FileHandle.standardError.write(Data(String(
    format: "OpenLoopLoad: %d due at %d/s, %d completed (%.0f/s), %d errors, %d non-2xx; latency from due time p50 %.0f µs, p99 %.0f µs, max %.0f µs\n",
    total, options.rate, sorted.count, achieved, results.errors, results.non2xx, percentile(50), percentile(99), sorted.last ?? 0
).utf8))
