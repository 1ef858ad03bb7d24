import Foundation
import Logging
import HTTPTypes
import Metrics
import ServiceAuth
import Synchronization
import Testing

/// A fake token endpoint behind the `HTTPTransport` protocol: counts requests, records them, and
/// answers as scripted (a token, an OAuth error, a status, a refused connection, a hang, or a
/// wait on a gate before answering).
final class TokenTestTransport: HTTPTransport {
    enum Behavior: Sendable {
        /// `200` with `{"access_token": "<prefix><n>", "expires_in": ..., "token_type": "Bearer"}`.
        case token(prefix: String, expiresIn: Int)
        /// A raw response.
        case raw(status: Int, body: String)
        /// `{"error": code}` with `status`.
        case oauthError(status: Int, code: String)
        /// Throws like a refused connection.
        case refuse
        /// Never answers (until cancelled).
        case hang
        /// Waits for the gate to open, then behaves like `then`.
        indirect case gated(TokenTestGate, then: Behavior)
    }

    struct Recorded: Sendable {
        var request: HTTPRequest
        var body: String
    }

    private struct State {
        var behavior: Behavior
        var requests: [Recorded] = []
        var cancelled = 0
    }

    private let state: Mutex<State>

    init(_ behavior: Behavior) { state = Mutex(State(behavior: behavior)) }

    var requestCount: Int { state.withLock { $0.requests.count } }
    var requests: [Recorded] { state.withLock { $0.requests } }
    /// How many hanging requests were cancelled.
    var cancelledCount: Int { state.withLock { $0.cancelled } }

    func setBehavior(_ behavior: Behavior) { state.withLock { $0.behavior = behavior } }

    func send(_ request: HTTPRequest, body: [UInt8]?, timeout: Duration, maxResponseBytes: Int) async throws -> (HTTPResponse, [UInt8]) {
        let (behavior, number) = state.withLock { state in
            state.requests.append(Recorded(request: request, body: String(decoding: body ?? [], as: UTF8.self)))
            return (state.behavior, state.requests.count)
        }
        let (response, bytes) = try await respond(behavior, number: number)
        // Like a real transport: stop reading past the caller's limit.
        guard bytes.count <= maxResponseBytes else { throw HTTPTransportError.responseTooLarge }
        return (response, bytes)
    }

    private func respond(_ behavior: Behavior, number: Int) async throws -> (HTTPResponse, [UInt8]) {
        switch behavior {
        case .token(let prefix, let expiresIn):
            return Self.json(200, #"{"access_token":"\#(prefix)\#(number)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#)
        case .raw(let status, let body):
            return Self.json(status, body)
        case .oauthError(let status, let code):
            return Self.json(status, #"{"error":"\#(code)","error_description":"do not echo this"}"#)
        case .refuse:
            throw TokenTestConnectionRefused()
        case .hang:
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                state.withLock { $0.cancelled += 1 }
                throw error
            }
            throw CancellationError()
        case .gated(let gate, let then):
            await gate.wait()
            return try await respond(then, number: number)
        }
    }

    static func json(_ status: Int, _ body: String) -> (HTTPResponse, [UInt8]) {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return (HTTPResponse(status: .init(code: status), headerFields: fields), Array(body.utf8))
    }
}

struct TokenTestConnectionRefused: Error {}

/// A gate tasks wait at until the test opens it.
final class TokenTestGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A manual clock for the provider's `now`.
final class TokenTestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    var now: @Sendable () -> Date { { self.current.withLock { $0 } } }

    func advance(by seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Waits (polling) until `condition` holds; records a failure if it does not within `limit`.
/// A guard against hangs, not a timing assertion: the limit is far above any expected wait.
func tokenTestWaitUntil(
    _ what: Comment,
    limit: Duration = .seconds(20),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async rethrows {
    let deadline = ContinuousClock.now + limit
    while true {
        // The condition is checked once more after the deadline: on a loaded 2-core machine
        // this task may not run for seconds, and that must not read as the condition failing.
        if try await condition() { return }
        if ContinuousClock.now >= deadline { break }
        try? await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
}

/// Runs `operation`, failing the test (instead of hanging) if it does not finish within `limit`.
func tokenTestWithDeadline<T: Sendable>(
    _ limit: Duration = .seconds(20),
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TokenTestDeadlineExceeded()
        }
        return value
    }
}

struct TokenTestDeadlineExceeded: Error {}

/// A swift-metrics factory that only counts counter increments, by label and dimensions.
final class TokenTestMetrics: MetricsFactory {
    private let values = Mutex<[String: Int64]>([:])

    func value(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        values.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "|")
    }

    private final class CounterBox: CounterHandler {
        let key: String
        let values: @Sendable (String, Int64) -> Void
        init(key: String, values: @escaping @Sendable (String, Int64) -> Void) {
            self.key = key
            self.values = values
        }
        func increment(by amount: Int64) { values(key, amount) }
        func reset() {}
    }

    private final class Ignored: RecorderHandler, TimerHandler, FloatingPointCounterHandler, MeterHandler {
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
        func increment(by amount: Double) {}
        func reset() {}
        func set(_ value: Int64) {}
        func set(_ value: Double) {}
        func increment(by amount: Int64) {}
        func decrement(by amount: Double) {}
        func decrement(by amount: Int64) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let key = Self.key(label, dimensions)
        return CounterBox(key: key) { [self] key, amount in self.values.withLock { $0[key, default: 0] += amount } }
    }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler { Ignored() }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Ignored() }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Ignored() }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { Ignored() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
}

extension ClientCredentialsTokenProvider.Configuration {
    /// A test configuration with fast retries.
    static func test(
        scopes: [String] = ["orders/invoke"],
        authMethod: AuthMethod = .clientSecretBasic,
        maxAttempts: Int = 3,
        timeout: Duration = .seconds(5)
    ) -> Self {
        Self(
            tokenEndpoint: URL(string: "http://127.0.0.1:9/oauth2/token")!,
            clientId: "gateway-client",
            clientSecret: "gateway-secret",
            scopes: scopes,
            authMethod: authMethod,
            retry: .init(maxAttempts: maxAttempts, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)),
            requestTimeout: timeout
        )
    }
}

extension Logger {
    /// A logger that drops everything, so expected token failures do not flood test output.
    static let tokenTest = Logger(label: "serviceauth.tokens.test", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// A log handler that keeps every rendered line (message and metadata), to check that no
/// secret or token is ever logged.
final class TokenTestLogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "serviceauth.tokens.capture", factory: { _ in Handler(capture: self) })
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: TokenTestLogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.append("\(event.level) \(event.message) \(merged)")
        }
    }
}
