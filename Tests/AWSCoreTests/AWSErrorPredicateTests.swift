import AWSCore
import Testing
import TestSupport

/// The predicates feature modules ask instead of matching error codes: each service's spelling of
/// "not found", "access denied" and a lost conditional write, and never a transport failure.
@Suite(.tags(.unit))
struct AWSErrorPredicateTests {
    static func error(_ code: String, status: Int = 400, kind: AWSError.Kind = .service) -> AWSError {
        AWSError(kind: kind, service: "Test", operation: "Call", statusCode: status, code: code, message: "", endpoint: "http://127.0.0.1")
    }

    @Test(arguments: [
        "ResourceNotFoundException", "NotFoundException", "NotFound", "NoSuchKey", "NoSuchBucket", "NoSuchEntity", "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    ])
    func notFound(_ code: String) {
        #expect(Self.error(code, status: 404).isNotFound)
        #expect(!Self.error(code, status: 404).isAccessDenied)
    }

    @Test(arguments: ["AccessDenied", "AccessDeniedException", "AuthorizationError", "KMSAccessDenied", "UnauthorizedOperation"])
    func accessDenied(_ code: String) {
        #expect(Self.error(code, status: 403).isAccessDenied)
        #expect(!Self.error(code, status: 403).isNotFound)
    }

    @Test func preconditionsConcurrencyAndInvalidInput() {
        #expect(Self.error("PreconditionFailed", status: 412).isPreconditionFailed)
        #expect(Self.error("ConditionalRequestConflict", status: 409).isPreconditionFailed)
        #expect(!Self.error("BucketAlreadyExists", status: 409).isPreconditionFailed)
        #expect(Self.error("ConcurrentModificationException").isConcurrentModification)
        #expect(Self.error("InvalidParameterException").isInvalidParameter && Self.error("ValidationException").isInvalidParameter)
        #expect(!Self.error("InternalErrorException", status: 500).isInvalidParameter)
        #expect(Self.error("ResourceConflictException").isAlreadyExists && Self.error("EntityAlreadyExists").isAlreadyExists)
        #expect(Self.error("BucketAlreadyOwnedByYou").isAlreadyExists && !Self.error("ResourceNotFoundException").isAlreadyExists)
    }

    @Test func aTransportFailureIsNoneOfThem() {
        let dropped = Self.error("NotFound", status: 404, kind: .transport)
        #expect(!dropped.isNotFound && !dropped.isAccessDenied && !dropped.isPreconditionFailed)
    }
}
