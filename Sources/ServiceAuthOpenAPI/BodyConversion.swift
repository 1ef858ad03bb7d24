import OpenAPIRuntime
import ServiceAuthCore

extension MessageBody {
    /// The package's body for an OpenAPI runtime body (`nil` is empty).
    init(_ body: HTTPBody?) {
        guard let body else {
            self.init()
            return
        }
        let length: Int? = switch body.length {
        case .known(let count): Int(count)
        case .unknown: nil
        }
        self.init(chunks: body, length: length)
    }
}

extension HTTPBody {
    /// The OpenAPI runtime body for the package's body.
    convenience init(_ body: MessageBody) {
        if let bytes = body.bufferedBytes {
            self.init(bytes)
        } else {
            self.init(body, length: body.length.map { .known(Int64($0)) } ?? .unknown, iterationBehavior: .single)
        }
    }
}
