import AWSCore
import IAMPolicy

/// How doctor asks the policies it reads (a function's, a key's, a queue's, a role's), through
/// IAMPolicy. Doctor knows only a request's source (`aws:SourceArn`, `aws:SourceAccount`): a
/// condition on any other key, or with an operator IAMPolicy does not model, is taken as met, so
/// that doctor names as the cause only a statement it can judge.
enum PolicyQuestions {
    /// A request as doctor knows it: its source when given, every other context key unknown.
    static func request(_ principal: Principal?, _ action: String, on resource: String, sourceArn: String? = nil, sourceAccount: String? = nil)
        -> Request
    {
        var context: [String: String] = [:]
        context["aws:SourceArn"] = sourceArn
        context["aws:SourceAccount"] = sourceAccount
        return Request(principal: principal, action: action, resource: resource, context: context, otherKeys: .unknown)
    }

    /// The documents as policies. IAM refuses to store a malformed policy, so a deployed one always
    /// parses; one that does not (a stand-in's) is left out, and then allows nothing.
    static func policies(_ documents: [JSONValue], named name: String) -> [Policy] {
        documents.enumerated().compactMap { index, document in
            try? Policy(name: documents.count == 1 ? name : "\(name) \(index + 1)", document: document)
        }
    }

    /// The decision of one document (a resource policy) or several (a role's identity policies).
    static func decision(_ documents: [JSONValue], named name: String, for request: Request) -> Decision {
        Policy.decisionTakingUnsupportedConditionsAsMet(policies(documents, named: name), for: request)
    }
}
