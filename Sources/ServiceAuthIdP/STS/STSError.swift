import HTTPTypes

/// An error of the STS query API, written as AWS writes it:
/// `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>`.
struct STSError: Error, Sendable, Hashable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    static func missingAuthenticationToken() -> STSError {
        STSError(status: .forbidden, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token")
    }
    static func incompleteSignature(_ message: String) -> STSError {
        STSError(status: .badRequest, code: "IncompleteSignature", message: message)
    }
    static func signatureDoesNotMatch(_ message: String) -> STSError {
        STSError(status: .forbidden, code: "SignatureDoesNotMatch", message: message)
    }
    static func invalidClientTokenId() -> STSError {
        STSError(status: .forbidden, code: "InvalidClientTokenId", message: "The security token included in the request is invalid.")
    }
    static func expiredToken() -> STSError {
        STSError(status: .badRequest, code: "ExpiredToken", message: "The security token included in the request is expired")
    }
    static func accessDenied(_ message: String) -> STSError {
        STSError(status: .forbidden, code: "AccessDenied", message: message)
    }
    static func validation(_ message: String) -> STSError {
        STSError(status: .badRequest, code: "ValidationError", message: message)
    }
    static func invalidAction(_ action: String, version: String) -> STSError {
        STSError(
            status: .badRequest, code: "InvalidAction",
            message: "Could not find operation \(IdPConfiguration.printable(action)) for version \(IdPConfiguration.printable(version))"
        )
    }
    static func malformedQueryString() -> STSError {
        STSError(status: .badRequest, code: "MalformedQueryString", message: "The request's parameters are not valid form encoding")
    }
    static func tooLarge() -> STSError {
        STSError(status: .contentTooLarge, code: "RequestEntityTooLarge", message: "Request body too large")
    }

    func response(requestId: String) -> IssuerResponse {
        let xml = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error>
                <Type>Sender</Type>
                <Code>\(XMLText.escape(code))</Code>
                <Message>\(XMLText.escape(message))</Message>
              </Error>
              <RequestId>\(requestId)</RequestId>
            </ErrorResponse>

            """
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestId
        return IssuerResponse(status: status, contentType: "text/xml", text: xml, extraHeaders: headers)
    }
}
