import AWSCore
import Foundation

/// The IAM contract, part 1 and 2: the AWS calls a Lambda made (read from the plain moto server's
/// recording, `MOTO_RECORDING_FILE`), and the IAM authorizations AWS performs for each of them,
/// those it checks on the caller's behalf included.
public enum IAMContract {
    /// Why the contract can't be checked: it fails, loudly, rather than passing on nothing.
    public struct Unusable: Error, CustomStringConvertible {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
        public var description: String { "IAM contract: \(reason)" }
    }

    // MARK: (a) The recording, as calls

    /// One AWS call: who made it (the access key id of its signature), and what it asked for.
    public struct Call: Sendable, Hashable, CustomStringConvertible {
        public var accessKeyId: String
        /// The SigV4 signing name: kms, sns, sqs, s3, lambda, cognito-idp, logs, iam…
        public var service: String
        public var operation: String
        /// The parameters IAM cares about: UserPoolId, LambdaConfig.KMSKeyID,
        /// SmsConfiguration.SnsCallerArn, FunctionName, Bucket, Key, TopicArn, KeyId, QueueUrl.
        public var parameters: [String: String]
        /// UpdateFunctionConfiguration's Layers, in order.
        public var layers: [String]?

        public init(accessKeyId: String, service: String, operation: String, parameters: [String: String] = [:], layers: [String]? = nil) {
            self.accessKeyId = accessKeyId
            self.service = service
            self.operation = operation
            self.parameters = parameters
            self.layers = layers
        }

        public var description: String {
            let shown = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + (layers.map { ["Layers=\($0)"] } ?? [])
            return "\(service) \(operation)(\(shown.joined(separator: ", ")))"
        }
    }

    /// Every signed request of the recording, as calls (unsigned ones, like moto's own API, are left out).
    public static func calls(recordingFile: String) throws -> [Call] {
        guard let text = try? String(contentsOfFile: recordingFile, encoding: .utf8) else {
            throw Unusable("the recording \(recordingFile) can't be read: is scripts/with-moto.sh recording (MOTO_RECORDING_FILE)?")
        }
        // moto's recorder appends each entry from the server thread that served it, as two or more
        // buffered writes: under parallel tests entries can run together on one line, and one still
        // being written can end the file. Every entry starts with its headers, so split there and
        // leave out what is not whole (the contract then fails on a call it misses, never passes).
        var calls: [Call] = []
        for chunk in text.components(separatedBy: #"{"headers": "#).dropFirst() {
            let entry = #"{"headers": "# + chunk.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let record = try? JSONValue(data: Data(entry.utf8)) else { continue }
            if let call = try call(record) { calls.append(call) }
        }
        return calls
    }

    /// The calls made with one access key id.
    public static func calls(recordingFile: String, accessKeyId: String) throws -> [Call] {
        try calls(recordingFile: recordingFile).filter { $0.accessKeyId == accessKeyId }
    }

    static func call(_ record: JSONValue) throws -> Call? {
        var headers: [String: String] = [:]
        for (name, value) in record["headers"]?.objectValue ?? [:] { headers[name.lowercased()] = value.stringValue }
        let method = record["method"]?.stringValue ?? "GET"
        guard let url = record["url"]?.stringValue.flatMap(URLComponents.init(string:)) else { return nil }
        var body = Data((record["body"]?.stringValue ?? "").utf8)
        if record["body_encoded"]?.boolValue == true { body = Data(base64Encoded: record["body"]?.stringValue ?? "") ?? Data() }

        // Credential=<key id>/<date>/<region>/<service>/aws4_request, in the header or a presigned URL.
        let credential =
            headers["authorization"].flatMap { authorization in
                authorization.range(of: "Credential=").map { String(authorization[$0.upperBound...].prefix { $0 != "," && $0 != " " }) }
            } ?? url.queryItems?.first { $0.name == "X-Amz-Credential" }?.value
        guard let credential else { return nil }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5 else { return nil }
        let accessKeyId = scope[0], service = scope[3]
        let path = url.percentEncodedPath

        if let target = headers["x-amz-target"] {
            // awsJson: the operation is the target's suffix, the parameters the JSON body.
            let operation = String(target.split(separator: ".").last ?? "")
            let input = (try? JSONValue(data: body)) ?? .object([:])
            var parameters: [String: String] = [:]
            for name in ["UserPoolId", "KeyId", "QueueUrl", "logGroupName", "logStreamName"] {
                if let value = input[name]?.stringValue { parameters[name] = value }
            }
            if let key = input["LambdaConfig"]["KMSKeyID"]?.stringValue { parameters["LambdaConfig.KMSKeyID"] = key }
            if let role = input["SmsConfiguration"]["SnsCallerArn"]?.stringValue { parameters["SmsConfiguration.SnsCallerArn"] = role }
            if let role = input["EmailConfiguration"]["SourceArn"]?.stringValue { parameters["EmailConfiguration.SourceArn"] = role }
            return Call(accessKeyId: accessKeyId, service: service, operation: operation, parameters: parameters)
        }
        switch service {
        case "lambda":
            return lambdaCall(accessKeyId: accessKeyId, method: method, path: path, body: body)
        case "s3":
            // Path-style on a custom endpoint (what the code uses against moto): /bucket/key.
            let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
            guard let bucket = parts.first else { return Call(accessKeyId: accessKeyId, service: service, operation: "ListBuckets") }
            let key = parts.count > 1 ? parts[1] : nil
            let operation =
                switch (method, key != nil) {
                case ("GET", true): "GetObject"
                case ("HEAD", true): "HeadObject"
                case ("PUT", true): "PutObject"
                case ("DELETE", true): "DeleteObject"
                case ("PUT", false): "CreateBucket"
                case ("GET", false): "ListObjects"
                default: "\(method) \(path)"
                }
            var parameters = ["Bucket": bucket]
            parameters["Key"] = key
            return Call(accessKeyId: accessKeyId, service: service, operation: operation, parameters: parameters)
        default:
            // awsQuery: Action= and the parameters in the form body (or the query string).
            var form = URLComponents()
            form.percentEncodedQuery = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "+", with: "%20")
            let items = (form.queryItems ?? []) + (url.queryItems ?? [])
            guard let action = items.first(where: { $0.name == "Action" })?.value else {
                return Call(accessKeyId: accessKeyId, service: service, operation: "\(method) \(path)")
            }
            var parameters: [String: String] = [:]
            for item in items where ["TopicArn", "QueueUrl", "TargetArn", "RoleName", "UserName", "PhoneNumber"].contains(item.name) {
                parameters[item.name] = item.value
            }
            return Call(accessKeyId: accessKeyId, service: service, operation: action, parameters: parameters)
        }
    }

    /// restJson1 Lambda: the operation from the method and the path.
    static func lambdaCall(accessKeyId: String, method: String, path: String, body: Data) -> Call {
        let segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        var call = Call(accessKeyId: accessKeyId, service: "lambda", operation: "\(method) \(path)")
        switch (method, segments.count, segments.first) {
        case ("GET", 4, "2015-03-31") where segments[1] == "functions" && segments[3] == "configuration":
            call.operation = "GetFunctionConfiguration"
            call.parameters["FunctionName"] = segments[2]
        case ("PUT", 4, "2015-03-31") where segments[1] == "functions" && segments[3] == "configuration":
            call.operation = "UpdateFunctionConfiguration"
            call.parameters["FunctionName"] = segments[2]
            let input = (try? JSONValue(data: body)) ?? .object([:])
            call.layers = input["Layers"]?.arrayValue?.compactMap(\.stringValue)
        case ("GET", 3, "2015-03-31") where segments[1] == "functions":
            call.operation = "GetFunction"
            call.parameters["FunctionName"] = segments[2]
        case ("POST", 2, "2015-03-31") where segments[1] == "functions":
            call.operation = "CreateFunction"
        case ("POST", 4, "2018-10-31") where segments[1] == "layers" && segments[3] == "versions":
            call.operation = "PublishLayerVersion"
            call.parameters["LayerName"] = segments[2]
        case (_, 5, "2018-10-31") where segments[1] == "layers" && segments[3] == "versions":
            call.operation = method == "DELETE" ? "DeleteLayerVersion" : "GetLayerVersion"
            call.parameters["LayerName"] = segments[2]
            call.parameters["VersionNumber"] = segments[4]
        default: break
        }
        return call
    }

    // MARK: (b) Each call, as the authorizations AWS performs

    /// One authorization AWS performs: an action on a resource, with the request context that matters.
    public struct Need: Sendable, Hashable, CustomStringConvertible {
        public var action: String
        public var resource: String
        public var context: [String: String]
        /// Why: the call itself, or what AWS checks on the caller's behalf, with the page that says so.
        public var because: String

        public var description: String {
            let shown = context.isEmpty ? "" : " " + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(action) on \(resource)\(shown)"
        }
    }

    /// Where the calls run, for the ARNs the mapping builds.
    public struct Place: Sendable {
        public var partition = "aws", region = "us-east-1", account = "123456789012"
        /// Topic ARN → the KMS key it is encrypted with (from the template being evaluated).
        public var topicKeys: [String: String] = [:]
        public init(partition: String = "aws", region: String = "us-east-1", account: String = "123456789012", topicKeys: [String: String] = [:]) {
            self.partition = partition
            self.region = region
            self.account = account
            self.topicKeys = topicKeys
        }

        func arn(_ service: String, _ resource: String, region: String? = nil, account: String? = nil) -> String {
            "arn:\(partition):\(service):\(region ?? self.region):\(account ?? self.account):\(resource)"
        }
        func keyArn(_ id: String) -> String { id.hasPrefix("arn:") ? id : arn("kms", id.hasPrefix("alias/") ? id : "key/\(id)") }
        func functionArn(_ name: String) -> String { name.hasPrefix("arn:") ? name : arn("lambda", "function:\(name)") }
    }

    /// Every request reaches AWS over TLS (the journal bucket denies anything else).
    static let tls = ["aws:SecureTransport": "true"]

    /// The authorizations for one call. A call this table does not know is an error: a new call
    /// must be added here, with its documentation, before the contract can pass.
    public static func needs(_ call: Call, place: Place) throws -> [Need] {
        let p = call.parameters
        func need(_ action: String, _ resource: String, _ context: [String: String] = [:], _ because: String) -> Need {
            Need(action: action, resource: resource, context: context.merging(tls) { a, _ in a }, because: because)
        }
        func required(_ name: String) throws -> String {
            guard let value = p[name], !value.isEmpty else { throw Unusable("\(call) lacks \(name)") }
            return value
        }
        switch (call.service, call.operation) {
        // https://docs.aws.amazon.com/cognito/latest/developerguide/security_iam_service-with-iam.html
        // (Cognito user pool actions, resource type userpool: arn:…:cognito-idp:region:account:userpool/ID)
        case ("cognito-idp", "DescribeUserPool"):
            return [need("cognito-idp:DescribeUserPool", place.arn("cognito-idp", "userpool/\(try required("UserPoolId"))"), [:], "the call")]
        case ("cognito-idp", "GetUserPoolMfaConfig"):
            return [need("cognito-idp:GetUserPoolMfaConfig", place.arn("cognito-idp", "userpool/\(try required("UserPoolId"))"), [:], "the call")]
        case ("cognito-idp", "UpdateUserPool"):
            var needs = [need("cognito-idp:UpdateUserPool", place.arn("cognito-idp", "userpool/\(try required("UserPoolId"))"), [:], "the call")]
            if let key = p["LambdaConfig.KMSKeyID"] {
                // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-sender-triggers.html
                // (and …/user-pool-lambda-custom-sms-sender.html): the principal that creates or updates a
                // pool with a custom sender's KMSKeyID must be allowed kms:CreateGrant on that key; Cognito
                // creates the grant for itself, on the caller's behalf, so the request to KMS comes from an
                // AWS service: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
                needs.append(
                    need(
                        "kms:CreateGrant", place.keyArn(key),
                        ["kms:GrantIsForAWSResource": "true", "kms:ViaService": "cognito-idp.\(place.region).amazonaws.com"],
                        "Cognito's grant on LambdaConfig.KMSKeyID (user-pool-lambda-custom-sender-triggers.html)"))
            }
            if let role = p["SmsConfiguration.SnsCallerArn"] {
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html: configuring a
                // service to use a role passes it, and needs iam:PassRole on the role (iam:PassedToService).
                needs.append(
                    need(
                        "iam:PassRole", role, ["iam:PassedToService": "cognito-idp.amazonaws.com"],
                        "SmsConfiguration.SnsCallerArn passes the SMS role to Cognito (id_roles_use_passrole.html)"))
            }
            if let role = p["EmailConfiguration.SourceArn"] {
                _ = role  // an SES identity, not a role: no PassRole; listed so a new field is a conscious choice
            }
            return needs
        // https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
        case ("lambda", "GetFunctionConfiguration"):
            return [need("lambda:GetFunctionConfiguration", place.functionArn(try required("FunctionName")), [:], "the call")]
        case ("lambda", "UpdateFunctionConfiguration"):
            var needs = [need("lambda:UpdateFunctionConfiguration", place.functionArn(try required("FunctionName")), [:], "the call")]
            // https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html: "Make sure that you have
            // permission to call the GetLayerVersion API on the layer version" — each layer the request names.
            for layer in call.layers ?? [] {
                needs.append(need("lambda:GetLayerVersion", layer, [:], "Layers names it (adding-layers.html)"))
            }
            return needs
        case ("lambda", "GetLayerVersion"):
            return [need("lambda:GetLayerVersion", place.arn("lambda", "layer:\(try required("LayerName")):\(try required("VersionNumber"))"), [:], "the call")]
        case ("lambda", "PublishLayerVersion"):
            return [need("lambda:PublishLayerVersion", place.arn("lambda", "layer:\(try required("LayerName"))"), [:], "the call")]
        case ("lambda", "DeleteLayerVersion"):
            return [
                need("lambda:DeleteLayerVersion", place.arn("lambda", "layer:\(try required("LayerName")):\(try required("VersionNumber"))"), [:], "the call")
            ]
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Permissions): s3:GetObject;
        // and "If the object that you request doesn't exist, the error that Amazon S3 returns depends on
        // whether you also have the s3:ListBucket permission": 404 with it, 403 without. The journal's
        // first read is of a missing object, so ListBucket is part of reading it.
        case ("s3", "GetObject"), ("s3", "HeadObject"):
            let bucket = try required("Bucket"), key = try required("Key")
            return [
                need("s3:GetObject", "arn:\(place.partition):s3:::\(bucket)/\(key)", [:], "the call"),
                need("s3:ListBucket", "arn:\(place.partition):s3:::\(bucket)", [:], "a missing object reads as 404, not 403 (API_GetObject.html)"),
            ]
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (conditional writes need no more)
        case ("s3", "PutObject"):
            return [need("s3:PutObject", "arn:\(place.partition):s3:::\(try required("Bucket"))/\(try required("Key"))", [:], "the call")]
        // https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html (Required permissions: kms:Decrypt, key policy)
        case ("kms", "Decrypt"):
            return [need("kms:Decrypt", place.keyArn(try required("KeyId")), [:], "the call")]
        // https://docs.aws.amazon.com/sns/latest/dg/sns-mobile-phone-number-as-subscriber.html: an SMS
        // published straight to a phone number names no topic; IAM has no ARN for a phone number,
        // so the statement that allows it names Resource "*" (as Cognito's own SMS role does).
        case ("sns", "Publish") where call.parameters["TopicArn"] == nil && call.parameters["PhoneNumber"] != nil:
            return [need("sns:Publish", "*", [:], "an SMS to a phone number (RedirectOnly)")]
        case ("sns", "Publish"):
            let topic = try required("TopicArn")
            var needs = [need("sns:Publish", topic, [:], "the call")]
            // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html: a publisher to a topic
            // encrypted with a customer managed key needs kms:GenerateDataKey* and kms:Decrypt on it;
            // SNS calls KMS for the publisher, so kms:ViaService is sns.<region>.amazonaws.com
            // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
            if let key = place.topicKeys[topic] {
                for action in ["kms:GenerateDataKey", "kms:Decrypt"] {
                    needs.append(
                        need(
                            action, key, ["kms:ViaService": "sns.\(place.region).amazonaws.com"],
                            "SNS encrypts the message with the topic's key (sns-key-management.html)"))
                }
            }
            return needs
        case ("sqs", "SendMessage"):
            return [need("sqs:SendMessage", try required("QueueUrl"), [:], "the call")]
        default:
            throw Unusable("no IAM mapping for \(call): add it to IAMContract.needs, with the AWS page it comes from")
        }
    }

    /// What the Lambda service does with the function's role, whatever the code calls: its stdout and
    /// stderr go to CloudWatch Logs. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
    /// (the execution role needs logs:CreateLogStream and logs:PutLogEvents on the function's log group).
    /// An asynchronously invoked function with an on-failure destination also has Lambda send the
    /// invocation record there with the function's role:
    /// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (an SQS
    /// destination needs sqs:SendMessage in the execution role).
    public static func runtimeNeeds(functionName: String, place: Place, onFailureDestination: String? = nil) -> [Need] {
        let stream = place.arn("logs", "log-group:/aws/lambda/\(functionName):log-stream:2026/01/01/[$LATEST]0123456789abcdef")
        let logs = ["logs:CreateLogStream", "logs:PutLogEvents"].map {
            Need(action: $0, resource: stream, context: tls, because: "Lambda writes the function's logs (monitoring-cloudwatchlogs.html)")
        }
        guard let onFailureDestination else { return logs }
        return logs + [
            Need(
                action: "sqs:SendMessage", resource: onFailureDestination, context: tls,
                because: "Lambda records an event that failed every attempt (invocation-async-retain-records.html)")
        ]
    }
}
