import AsyncHTTPClient
import AWSCore
import Foundation

extension Moto {
    /// One SMS moto's SNS sent (Publish with PhoneNumber).
    public struct SentSMS: Sendable, Equatable {
        public var phoneNumber: String
        public var message: String

        public init(phoneNumber: String, message: String) {
            self.phoneNumber = phoneNumber
            self.message = message
        }
    }

    /// The SMS moto's SNS has sent, oldest first: moto keeps them in its backend only, and
    /// scripts/moto-server.py lists them at `/_smsredirect/sns/sms-messages` (no AWS API does).
    public static func sentSMS() async throws -> [SentSMS] {
        let response = try await testClient.execute(HTTPClientRequest(url: try endpoint() + "/_smsredirect/sns/sms-messages"), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        struct NotListed: Error, CustomStringConvertible {
            let status: UInt
            var description: String { "moto's SMS list answered HTTP \(status): is the server scripts/moto-server.py?" }
        }
        guard response.status == .ok, let list = try JSONValue(data: Data(body.readableBytesView)).arrayValue else {
            throw NotListed(status: response.status.code)
        }
        return list.compactMap { item in
            guard let phoneNumber = item["phoneNumber"]?.stringValue, let message = item["message"]?.stringValue else { return nil }
            return SentSMS(phoneNumber: phoneNumber, message: message)
        }
    }
}
