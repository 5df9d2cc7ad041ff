import AWSCore

/// The shapes of Cognito's user pool documents, generated from botocore's service model
/// (see `CognitoPoolModel.generated.swift`).
public enum CognitoPoolModel {
    /// A node of an API shape: enough to walk a document member by member.
    public indirect enum Shape: Sendable, Equatable {
        case scalar
        case list(Shape)
        case map(Shape)
        case structure([String: Shape])

        /// A structure's members by name; nil for scalars, lists and maps.
        public var members: [String: Shape]? {
            if case let .structure(members) = self { members } else { nil }
        }
    }
}
