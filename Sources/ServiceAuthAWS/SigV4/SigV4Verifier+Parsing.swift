import Foundation
import HTTPTypes
import ServiceAuthCore

/// Strict parsing of the two signature forms: anything unexpected is `IncompleteSignature`,
/// before any key lookup or cryptography is spent on the request.
extension SigV4Verifier {
    /// The parsed signature parameters of either form.
    struct SignatureParameters {
        var accessKeyId: Substring
        var scopeDate: Substring
        var region: Substring
        var service: Substring
        var signedHeaders: [String]
        var signature: [UInt8]
        var amzDate: String
        var date: Date
        var expires: Int?
        var sessionToken: String?
        var sessionTokenInQuery: Bool
    }

    /// Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    func parseHeader(_ value: String, request: HTTPRequest) throws(SigV4Error) -> SignatureParameters {
        // Real signatures are ASCII and take the byte-level path; see SigV4Verifier+Splitting.swift.
        let (credential, signedHeaders, signature) =
            try Self.isASCII(value[...]) ? Self.splitAuthorizationASCII(value) : Self.splitAuthorizationUnicode(value)
        let dates = request.headerFields[values: SigV4Signer.xAmzDate]
        guard dates.count == 1, let date = SigV4Date.parse(dates[0]) else {
            throw .incompleteSignature("the request needs exactly one valid X-Amz-Date header")
        }
        let tokens = request.headerFields[values: SigV4Signer.xAmzSecurityToken]
        guard tokens.count <= 1 else { throw .incompleteSignature("more than one X-Amz-Security-Token") }
        return try makeParameters(
            credential: credential,
            signedHeaders: signedHeaders,
            signature: signature,
            amzDate: dates[0],
            date: date,
            expires: nil,
            sessionToken: tokens.first,
            sessionTokenInQuery: false
        )
    }

    /// Parses the `X-Amz-*` parameters of a presigned request.
    func parseQuery(
        _ parameters: [SigV4Canonical.QueryParameter],
        request: HTTPRequest
    ) throws(SigV4Error) -> SignatureParameters {
        var found: [String: String] = [:]
        for parameter in parameters {
            let name = parameter.nameString
            guard name.hasPrefix("X-Amz-") else { continue }
            switch name {
            case "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
                "X-Amz-Signature", "X-Amz-Security-Token":
                guard found[name] == nil else { throw .incompleteSignature("repeated \(name) query parameter") }
                found[name] = parameter.valueString
            default: continue
            }
        }
        guard found["X-Amz-Algorithm"] == SigV4Canonical.algorithm else {
            throw .incompleteSignature("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
        }
        guard let credential = found["X-Amz-Credential"], let signedHeaders = found["X-Amz-SignedHeaders"],
            let signature = found["X-Amz-Signature"], let amzDate = found["X-Amz-Date"],
            let expiresText = found["X-Amz-Expires"]
        else {
            throw .incompleteSignature(
                "a presigned request needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature"
            )
        }
        guard let date = SigV4Date.parse(amzDate) else { throw .incompleteSignature("X-Amz-Date is not valid") }
        guard !expiresText.isEmpty, expiresText.utf8.count <= 10,
            expiresText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let expires = Int(expiresText), expires > 0
        else { throw .incompleteSignature("X-Amz-Expires must be a positive number of seconds") }
        guard expires <= configuration.maxPresignExpiry else {
            throw .requestExpired("X-Amz-Expires must be less than a week (\(configuration.maxPresignExpiry) seconds)")
        }
        var sessionToken = found["X-Amz-Security-Token"]
        let sessionTokenInQuery = sessionToken != nil
        if sessionToken == nil {
            let tokens = request.headerFields[values: SigV4Signer.xAmzSecurityToken]
            guard tokens.count <= 1 else { throw .incompleteSignature("more than one X-Amz-Security-Token") }
            sessionToken = tokens.first
        }
        return try makeParameters(
            credential: credential[...],
            signedHeaders: signedHeaders[...],
            signature: signature[...],
            amzDate: amzDate,
            date: date,
            expires: expires,
            sessionToken: sessionToken,
            sessionTokenInQuery: sessionTokenInQuery
        )
    }

    private func makeParameters(
        credential: Substring,
        signedHeaders: Substring,
        signature: Substring,
        amzDate: String,
        date: Date,
        expires: Int?,
        sessionToken: String?,
        sessionTokenInQuery: Bool
    ) throws(SigV4Error) -> SignatureParameters {
        guard let parts = Self.splitScope(credential), !parts.accessKeyId.isEmpty, parts.date.utf8.count == 8,
            parts.date.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            !parts.region.isEmpty, !parts.service.isEmpty, parts.terminator == "aws4_request"
        else {
            throw .incompleteSignature("the credential must be ACCESS_KEY/DATE/REGION/SERVICE/aws4_request")
        }
        let names = Self.splitSignedHeaders(signedHeaders)
        guard !names.isEmpty,
            names.allSatisfy({ name in
                !name.isEmpty && name.utf8.allSatisfy(Self.isLowerTokenByte)
            }),
            zip(names, names.dropFirst()).allSatisfy({ $0.utf8.lexicographicallyPrecedes($1.utf8) })
        else {
            throw .incompleteSignature("SignedHeaders must be sorted, unique, lower-case header names")
        }
        guard let signatureBytes = SigV4Canonical.decodeLowerHex(signature, count: 32) else {
            throw .incompleteSignature("the signature must be 64 lower-case hex digits")
        }
        return SignatureParameters(
            accessKeyId: parts.accessKeyId,
            scopeDate: parts.date,
            region: parts.region,
            service: parts.service,
            signedHeaders: names,
            signature: signatureBytes,
            amzDate: amzDate,
            date: date,
            expires: expires,
            sessionToken: sessionToken,
            sessionTokenInQuery: sessionTokenInQuery
        )
    }

    /// RFC 9110 token characters, lower-case letters only.
    private static func isLowerTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
