import HTTPTypes
public import Prometheus
import ServiceAuth

/// Per-service Prometheus metrics: requests by route and status, in the service's own
/// registry (the demo runs several services in one process, so no global registry).
public struct ServiceMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()

    /// Creates an empty registry.
    public init() {}

    /// Counts one answered request.
    func record(route: String, method: HTTPRequest.Method, status: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "serviceauth_http_requests_total", unitName: "", helpText: "HTTP requests answered"),
            labels: [("route", route), ("method", method.rawValue), ("status", String(status))]
        ).increment()
    }

    /// The Prometheus text exposition of the registry.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
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
