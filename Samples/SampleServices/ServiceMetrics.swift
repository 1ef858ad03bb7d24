import HTTPTypes
import Synchronization
public import Prometheus
import ServiceAuth

/// Per-service Prometheus metrics: requests by route and status, in the service's own
/// registry (the demo runs several services in one process, so no global registry).
public struct ServiceMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()

    /// The counters already made, by label set: the registry validates names and labels and
    /// builds a key on every `makeCounter`, too much work to repeat per request.
    private let counters = CounterTable()

    /// Creates an empty registry.
    public init() {}

    /// Counts one answered request.
    func record(route: String, method: HTTPRequest.Method, status: Int) {
        let labels = RequestLabels(route: route, method: Self.methodLabel(method), status: status)
        if let counter = counters.counter(for: labels) {
            counter.increment()
            return
        }
        let counter = registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "serviceauth_http_requests_total", unitName: "", helpText: "HTTP requests answered"),
            labels: [("route", labels.route), ("method", labels.method), ("status", String(status))]
        )
        counters.store(counter, for: labels)
        counter.increment()
    }

    /// The standard methods by name, any other as `other`: methods are the client's to
    /// choose, and one series per invented method would grow the registry without bound.
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .patch, .options: method.rawValue
        default: "other"
        }
    }

    /// The Prometheus text exposition of the registry.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// The labels of one request counter: a route pattern (or `unmatched`), a standard method
/// (or `other`) and a status, so the table is bounded whatever clients send.
struct RequestLabels: Hashable, Sendable {
    var route: String
    var method: String
    var status: Int
}

/// A lock-guarded table of counters by label set.
final class CounterTable: Sendable {
    private let table = Mutex<[RequestLabels: Counter]>([:])

    func counter(for labels: RequestLabels) -> Counter? { table.withLock { $0[labels] } }

    func store(_ counter: Counter, for labels: RequestLabels) { table.withLock { $0[labels] = counter } }
}

/// Counts every answered request, including those refused by authentication.
struct MetricsMiddleware: ServerMiddleware {
    let metrics: ServiceMetrics

    func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        let route = context.routePattern ?? "unmatched"
        do {
            let response = try await next(request, body, context)
            metrics.record(route: route, method: request.method, status: response.0.status.code)
            return response
        } catch let failure as any AuthFailureConvertible {
            metrics.record(route: route, method: request.method, status: failure.authFailure.status.code)
            throw failure
        }
    }
}
