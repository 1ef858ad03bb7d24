import ServiceAuth

/// A minimal writer of compact JSON for the samples' small fixed-shape responses, where a
/// `JSONEncoder` per request would cost more than the rest of the request. Members are
/// written in the order given: callers list them sorted, as `JSONEncoder`'s `.sortedKeys`.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    /// Writes `null`.
    mutating func null() { bytes.append(contentsOf: "null".utf8) }

    /// Writes a string.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        JSONString.appendEscaped(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes an array of strings.
    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object whose members `build` adds.
    mutating func object(_ build: (inout Members) -> Void) {
        // The buffer moves into `members` and back, so appends never copy it.
        var members = Members(text: self)
        bytes = []
        build(&members)
        self = members.text
        bytes.append(UInt8(ascii: "}"))
    }

    /// The members of an object being written.
    struct Members {
        fileprivate var text: JSONText
        private var count = 0

        fileprivate init(text: JSONText) {
            self.text = text
            self.text.bytes.append(UInt8(ascii: "{"))
        }

        /// Adds a member whose value `value` writes.
        mutating func member(_ name: String, _ value: (inout JSONText) -> Void) {
            if count > 0 { text.bytes.append(UInt8(ascii: ",")) }
            count += 1
            text.string(name)
            text.bytes.append(UInt8(ascii: ":"))
            value(&text)
        }

        /// Adds a string member, or nothing when `value` is `nil`.
        mutating func optional(_ name: String, _ value: String?) {
            guard let value else { return }
            member(name) { $0.string(value) }
        }
    }
}
