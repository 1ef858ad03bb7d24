import ServiceAuthHTTP

/// A router whose `GET /slow` reports when a request reaches it and answers `finished` only
/// once released: for tests that need a request in flight (graceful shutdown).
struct GatedRoute {
    let router: Router
    private let entered: AsyncStream<Void>
    private let releaseContinuation: AsyncStream<Void>.Continuation

    init() {
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        var router = Router()
        router.get("/slow") { _, _, _ in
            enteredContinuation.yield()
            for await _ in release { break }
            return Responses.text("finished")
        }
        self.router = router
        self.entered = entered
        self.releaseContinuation = releaseContinuation
    }

    /// Returns once a request has reached the handler.
    func waitUntilEntered() async {
        for await _ in entered { break }
    }

    /// Lets the waiting request answer.
    func release() {
        releaseContinuation.yield()
    }
}
