import HTTPTypes

/// An error of Cognito's JSON API (`POST /` with `X-Amz-Target`), as the AWS JSON 1.1
/// protocol writes it: HTTP 400, `{"__type":"NotAuthorizedException","message":"…"}`.
struct CognitoError: Error, Sendable, Hashable {
    var type: String
    var message: String
    var status: HTTPResponse.Status = .badRequest

    static func notAuthorized(_ message: String) -> CognitoError {
        CognitoError(type: "NotAuthorizedException", message: message)
    }
    static func invalidParameter(_ message: String) -> CognitoError {
        CognitoError(type: "InvalidParameterException", message: message)
    }
    static func resourceNotFound(_ message: String) -> CognitoError {
        CognitoError(type: "ResourceNotFoundException", message: message)
    }
    static func serialization() -> CognitoError {
        CognitoError(type: "SerializationException", message: "The request body is not a valid JSON object of the operation's input")
    }
    static func unknownOperation() -> CognitoError {
        CognitoError(type: "UnknownOperationException", message: "The operation is not supported by the local issuer")
    }
    static func tooLarge() -> CognitoError {
        CognitoError(type: "InvalidParameterException", message: "Request body too large", status: .contentTooLarge)
    }

    func response(requestId: String) -> IssuerResponse {
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestId
        headers[HTTPField.Name("x-amzn-ErrorType")!] = type
        return .json(["__type": type, "message": message], status: status, contentType: "application/x-amz-json-1.1", extraHeaders: headers)
    }
}
