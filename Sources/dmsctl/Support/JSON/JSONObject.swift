/// A JSON object whose keys keep the order they were written or added in.
struct JSONObject: Sendable, Equatable {
    /// The keys, in order.
    private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    /// An empty object.
    init() {}

    /// An object of `pairs`, in their order; a repeated key keeps its last value at its first place.
    init(_ pairs: [(String, JSONValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    /// The value for `key`; setting `nil` removes the key.
    subscript(key: String) -> JSONValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The pairs, in order.
    var entries: [(key: String, value: JSONValue)] { keys.map { ($0, values[$0]!) } }

    /// Whether it has no key.
    var isEmpty: Bool { keys.isEmpty }

    /// The number of keys.
    var count: Int { keys.count }

    /// Same keys and equal values; the order of keys does not matter.
    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.values == rhs.values
    }

    /// This object with `other`'s keys laid over it: new keys appended, existing ones replaced in place.
    func merging(_ other: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in other.entries { result[key] = value }
        return result
    }
}
