/// An error of feature computation or configuration, said in words.
public struct FeatureError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
