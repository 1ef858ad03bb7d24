import Crypto
import Foundation
import HTTPTypes
import ServiceAuth

extension LocalIssuer {
    static let stsVersion = "2011-06-15"

    /// The STS query API on `/`: `POST` with a form body, or `GET` with the parameters in the
    /// query (presigned `GetCallerIdentity` URLs). Authentication comes first, as in AWS: an
    /// unsigned request learns nothing about actions or roles.
    func stsEndpoint(request: HTTPRequest, body: [UInt8], requestId: String) async -> IssuerResponse {
        var roleLabel: String?
        var isAssumeRole = false
        do throws(STSError) {
            let caller = try await stsAuthenticator.authenticate(request, body: body)
            let parameters = try Self.stsParameters(request: request, body: body)
            let action = parameters["Action"] ?? ""
            let version = parameters["Version"] ?? ""
            guard version == Self.stsVersion else { throw .invalidAction(action, version: version) }
            switch action {
            case "GetCallerIdentity":
                metrics.getCallerIdentity()
                return stsResponse(action: action, result: getCallerIdentityResult(caller), requestId: requestId)
            case "AssumeRole":
                isAssumeRole = true
                roleLabel = parameters["RoleArn"]
                let result = try assumeRole(caller: caller, parameters: parameters)
                metrics.assumeRole(role: roleLabel, outcome: "success")
                return stsResponse(action: action, result: result, requestId: requestId)
            default:
                throw .invalidAction(action, version: version)
            }
        } catch {
            if isAssumeRole { metrics.assumeRole(role: roleLabel, outcome: error.code) }
            metrics.error(api: "sts", code: error.code)
            options.logger.debug("STS request refused", metadata: ["error": "\(error.code)"])
            return error.response(requestId: requestId)
        }
    }

    /// The query API's parameters: the form body of a `POST`, else the URL query.
    static func stsParameters(request: HTTPRequest, body: [UInt8]) throws(STSError) -> FormFields {
        let encoded: ArraySlice<UInt8>
        if request.method == .post && !body.isEmpty {
            let contentType = request.headerFields[.contentType]?.lowercased() ?? ""
            guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
                throw STSError(status: .badRequest, code: "InvalidParameterValue", message: "The body must be application/x-www-form-urlencoded")
            }
            encoded = body[...]
        } else {
            encoded = Array((RequestPath.split(request.path ?? "/").query ?? "").utf8)[...]
        }
        guard let fields = FormFields(encoded: encoded) else { throw .malformedQueryString() }
        if let repeated = fields.repeatedNames.first {
            throw .validation("Parameter \(IdPConfiguration.printable(repeated)) is repeated")
        }
        return fields
    }

    private func getCallerIdentityResult(_ caller: STSCaller) -> String {
        let account = Self.account(ofARN: caller.arn) ?? configuration.accountId
        return """
                <Arn>\(XMLText.escape(caller.arn))</Arn>
                <UserId>\(XMLText.escape(userId(of: caller)))</UserId>
                <Account>\(XMLText.escape(account))</Account>
            """
    }

    private func assumeRole(caller: STSCaller, parameters: FormFields) throws(STSError) -> String {
        guard let roleArn = parameters["RoleArn"] else { throw .validation(Self.nullMember("roleArn")) }
        guard let sessionName = parameters["RoleSessionName"] else { throw .validation(Self.nullMember("roleSessionName")) }
        guard Self.isValidSessionName(sessionName) else {
            throw .validation(
                "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64"
            )
        }
        var duration = 3600
        if let text = parameters["DurationSeconds"] {
            guard let value = Int(text), value >= 900, value <= 43200 else {
                throw .validation(
                    "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"
                )
            }
            duration = value
        }
        // Trust: the role's trust policy must name the caller (an IAM user, an assumed-role
        // session, or — for role chaining — the role behind the caller's session).
        guard let role = configuration.roles.first(where: { $0.arn == roleArn }),
            role.trustedPrincipals.contains(caller.arn) || caller.roleArn.map(role.trustedPrincipals.contains) == true
        else {
            throw .accessDenied(
                "User: \(caller.arn) is not authorized to perform: sts:AssumeRole on resource: \(IdPConfiguration.printable(roleArn))"
            )
        }
        if parameters["DurationSeconds"] == nil {
            duration = min(duration, role.effectiveMaxSessionDuration)
        }
        guard duration <= role.effectiveMaxSessionDuration else {
            throw .validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        if caller.roleArn != nil, duration > 3600 {
            throw .validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }

        let issuedAt = Date(timeIntervalSince1970: options.now().timeIntervalSince1970.rounded(.down))
        let expiration = issuedAt.addingTimeInterval(Double(duration))
        let account = Self.account(ofARN: role.arn) ?? configuration.accountId
        let assumedRoleArn = "arn:aws:sts::\(account):assumed-role/\(role.name)/\(sessionName)"
        let accessKeyId = "ASIA" + Self.randomKeyCharacters(16)
        let secret = Base64URL.encode(SystemRandomNumberGenerator.randomBytes(30))
        let token: String
        do {
            token = try sessionTokenSealer.seal(
                SessionTokenClaims(
                    accessKeyId: accessKeyId, secretAccessKey: secret, principal: assumedRoleArn, issuedAt: issuedAt, expiration: expiration
                )
            )
        } catch {
            throw STSError(status: .serviceUnavailable, code: "ServiceUnavailable", message: "could not issue credentials")
        }
        options.logger.info("AssumeRole", metadata: ["caller": "\(caller.arn)", "role": "\(role.arn)", "accessKeyId": "\(accessKeyId)"])
        return """
                <AssumedRoleUser>
                  <Arn>\(XMLText.escape(assumedRoleArn))</Arn>
                  <AssumedRoleId>\(Self.uniqueId(prefix: "AROA", of: role.arn)):\(XMLText.escape(sessionName))</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>\(accessKeyId)</AccessKeyId>
                  <SecretAccessKey>\(secret)</SecretAccessKey>
                  <SessionToken>\(token)</SessionToken>
                  <Expiration>\(Self.iso8601(expiration))</Expiration>
                </Credentials>
                <PackedPolicySize>0</PackedPolicySize>
            """
    }

    private func stsResponse(action: String, result: String, requestId: String) -> IssuerResponse {
        let xml = """
            <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <\(action)Result>
            \(result)
              </\(action)Result>
              <ResponseMetadata>
                <RequestId>\(requestId)</RequestId>
              </ResponseMetadata>
            </\(action)Response>

            """
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestId
        return IssuerResponse(contentType: "text/xml", text: xml, extraHeaders: headers)
    }

    /// `UserId` as AWS reports it: `AIDA…` for an IAM user, `AROA…:SESSION` for a session.
    private func userId(of caller: STSCaller) -> String {
        if let roleArn = caller.roleArn {
            let session = caller.arn.split(separator: "/").last.map(String.init) ?? ""
            return "\(Self.uniqueId(prefix: "AROA", of: roleArn)):\(session)"
        }
        return Self.uniqueId(prefix: "AIDA", of: caller.arn)
    }

    /// A stable IAM-style unique id derived from an ARN.
    static func uniqueId(prefix: String, of arn: String) -> String {
        let digest = Array(SHA256.hash(data: Data(arn.utf8)))
        return prefix + base32(digest.prefix(10)).prefix(17)
    }

    static func randomKeyCharacters(_ count: Int) -> String {
        String(base32(SystemRandomNumberGenerator.randomBytes(count)).prefix(count))
    }

    private static func base32(_ bytes: some Collection<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String(bytes.map { alphabet[Int($0 & 31)] })
    }

    static func account(ofARN arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[4].count == 12 else { return nil }
        return String(parts[4])
    }

    /// `[\w+=,.@-]{2,64}`, the `RoleSessionName` rule.
    static func isValidSessionName(_ name: String) -> Bool {
        (2...64).contains(name.count) && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_+=,.@-".unicodeScalars.contains(scalar))
        }
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
