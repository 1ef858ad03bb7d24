import Foundation
import ServiceAuth
import Synchronization
import Testing

/// A fetch closure with counters: each fetch returns `v<n>` (fresh for 100 s, usable for 200 s
/// from the clock's now) or throws, optionally holding until a gate opens.
private final class CountingSource: Sendable {
    struct Failure: Error, Equatable {}

    private struct State {
        var fetches = 0
        var cancelledFetches = 0
        var failing = false
        var gate: TokenTestGate?
    }

    let clock: TestClock
    private let state = Mutex(State())

    init(clock: TestClock) { self.clock = clock }

    var fetches: Int { state.withLock { $0.fetches } }
    var cancelledFetches: Int { state.withLock { $0.cancelledFetches } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    /// Holds the next fetches until `gate` opens.
    func hold(with gate: TokenTestGate?) { state.withLock { $0.gate = gate } }

    func fetch() async throws -> RefreshingValue<String>.Entry {
        let (number, gate) = state.withLock { state in
            state.fetches += 1
            return (state.fetches, state.gate)
        }
        await gate?.wait()
        if Task.isCancelled { state.withLock { $0.cancelledFetches += 1 } }
        if state.withLock({ $0.failing }) { throw Failure() }
        let date = clock.now
        return .init(value: "v\(number)", refreshAt: date.addingTimeInterval(100), expiresAt: date.addingTimeInterval(200))
    }

    func makeValue(failureCooldown: Duration = .seconds(10), minimumFetchInterval: Duration = .zero) -> RefreshingValue<String> {
        RefreshingValue(
            throttle: .init(failureCooldown: failureCooldown, minimumFetchInterval: minimumFetchInterval),
            now: clock.closure,
            fetch: { try await self.fetch() }
        )
    }
}

@Suite("RefreshingValue")
struct RefreshingValueTests {
    @Test("concurrent callers without a value share exactly one fetch")
    func singleFlight() async throws {
        let source = CountingSource(clock: TestClock())
        let gate = TokenTestGate()
        source.hold(with: gate)
        let value = source.makeValue()
        let values = try await tokenTestWithDeadline {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 { group.addTask { try await value.value() } }
                await tokenTestWaitUntil("the fetch starts") { source.fetches >= 1 }
                gate.open()
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
        }
        #expect(values.count == 200)
        #expect(Set(values) == ["v1"])
        #expect(source.fetches == 1)
    }

    @Test("in the refresh window callers get the old value at once and one background fetch runs")
    func refreshAhead() async throws {
        let source = CountingSource(clock: TestClock())
        let value = source.makeValue()
        #expect(try await value.value() == "v1")
        let gate = TokenTestGate()
        source.hold(with: gate)
        source.clock.advance(150)  // past refreshAt, before expiresAt
        let first = try await value.lookup()
        #expect(first.value == "v1")
        #expect(first.origin == .cacheStartedRefresh)
        // The refresh is held, yet every caller is answered from the cache.
        let during = try await tokenTestWithDeadline {
            var seen: [String] = []
            for _ in 0..<50 { seen.append(try await value.value()) }
            return seen
        }
        #expect(Set(during) == ["v1"])
        await tokenTestWaitUntil("the background fetch starts") { source.fetches == 2 }
        #expect(try await value.lookup().origin == .cache)
        gate.open()
        await value.awaitPendingFetch()
        #expect(try await value.value() == "v2")
        #expect(source.fetches == 2)
    }

    @Test("an expired value is not served: callers wait for the fetch")
    func expiryWaits() async throws {
        let source = CountingSource(clock: TestClock())
        let value = source.makeValue()
        #expect(try await value.value() == "v1")
        let gate = TokenTestGate()
        source.hold(with: gate)
        source.clock.advance(250)  // past expiresAt
        let waiter = Task { try await value.lookup() }
        await tokenTestWaitUntil("the fetch starts") { source.fetches == 2 }
        #expect(value.freshValue == nil)
        gate.open()
        let lookup = try await tokenTestWithDeadline { try await waiter.value }
        #expect(lookup.value == "v2")
        #expect(lookup.origin == .fetch)
        #expect(source.fetches == 2)
    }

    @Test("after a failure, callers during the cool-down get the error without a new fetch")
    func failureCooldown() async throws {
        let source = CountingSource(clock: TestClock())
        source.setFailing(true)
        let value = source.makeValue(failureCooldown: .seconds(10))
        await #expect(throws: CountingSource.Failure.self) { try await value.value() }
        #expect(source.fetches == 1)
        for _ in 0..<100 {
            await #expect(throws: CountingSource.Failure.self) { try await value.value() }
        }
        #expect(source.fetches == 1)  // no fetch storm
        source.clock.advance(9)
        await #expect(throws: CountingSource.Failure.self) { try await value.value() }
        #expect(source.fetches == 1)
        source.setFailing(false)
        source.clock.advance(2)  // cool-down over
        #expect(try await value.value() == "v2")
        #expect(source.fetches == 2)
    }

    @Test("during an outage the still-valid value is served, refetched at most once per cool-down")
    func staleValueDuringOutage() async throws {
        let source = CountingSource(clock: TestClock())
        let value = source.makeValue(failureCooldown: .seconds(10))
        #expect(try await value.value() == "v1")
        source.setFailing(true)
        source.clock.advance(150)  // in the refresh window
        #expect(try await value.value() == "v1")
        await value.awaitPendingFetch()  // the background refresh failed
        #expect(source.fetches == 2)
        for _ in 0..<50 { #expect(try await value.value() == "v1") }
        await value.awaitPendingFetch()
        #expect(source.fetches == 2)  // cooling down: no new fetch was started
        source.clock.advance(11)
        #expect(try await value.value() == "v1")  // cool-down over: one more background try
        await value.awaitPendingFetch()
        #expect(source.fetches == 3)
        source.clock.advance(40)  // past expiresAt (200 s after v1)
        await #expect(throws: CountingSource.Failure.self) { try await value.value() }
    }

    @Test("a cancelled waiter stops waiting; the shared fetch goes on for the others")
    func cancelledWaiter() async throws {
        let source = CountingSource(clock: TestClock())
        let gate = TokenTestGate()
        source.hold(with: gate)
        let value = source.makeValue()
        let cancelled = Task { try await value.value() }
        let patient = Task { try await value.value() }
        await tokenTestWaitUntil("the fetch starts") { source.fetches == 1 }
        cancelled.cancel()
        #expect(await tokenTestWithDeadlineResult { try await cancelled.value } == "cancelled")
        gate.open()
        #expect(try await tokenTestWithDeadline { try await patient.value } == "v1")
        #expect(source.fetches == 1)
        #expect(source.cancelledFetches == 0)
    }

    @Test("refresh() ignores the cool-down; refreshIfAllowed() honours the fetch interval")
    func explicitRefreshes() async throws {
        let source = CountingSource(clock: TestClock())
        let value = source.makeValue(failureCooldown: .seconds(10), minimumFetchInterval: .seconds(5))
        #expect(try await value.refresh() == "v1")
        #expect(try await value.refreshIfAllowed() == nil)  // within the interval: no fetch
        #expect(source.fetches == 1)
        source.setFailing(true)
        await #expect(throws: CountingSource.Failure.self) { try await value.refresh() }
        source.setFailing(false)
        #expect(try await value.refresh() == "v3")  // the cool-down does not hold it back
        source.clock.advance(6)
        #expect(try await value.refreshIfAllowed() == "v4")
    }
}
