import Foundation

#if canImport(FoundationXML)
import FoundationXML
import ServiceAuthCore
#endif

/// The few values this package reads from an STS XML response (`AssumeRoleResponse`,
/// `GetCallerIdentityResponse`, `ErrorResponse`): the root element and the text of leaf
/// elements by name (first occurrence). STS response element names are unique enough for that.
struct STSXMLDocument {
    /// The root element's name.
    var root: String
    /// Leaf element texts by element name.
    var values: [String: String]

    /// Parses a response body; `nil` when it is not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> STSXMLDocument? {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse(), let root = collector.root else { return nil }
        return STSXMLDocument(root: root, values: collector.values)
    }

    /// An STS `<ErrorResponse>` as an error, if this is one.
    func error(status: Int) -> AWSCredentialsError? {
        guard root == "ErrorResponse" else { return nil }
        return AWSCredentialsError(
            code: values["Code"] ?? "UnknownError",
            message: values["Message"] ?? "STS returned an error",
            httpStatus: status
        )
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var values: [String: String] = [:]
        private var text = ""

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if root == nil { root = elementName }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            // Bounded by the transport's maxResponseBytes.
            text += string
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, values[elementName] == nil { values[elementName] = trimmed }
            text = ""
        }
    }
}
