import AWSCore
import AWSServices

/// The user pool the demo redirects: what a team testing SMS flows has (phone and email
/// verification, SMS MFA, recovery by phone then email, its own SMS role, a password policy, tags).
public enum DemoPool {
    /// The SMS role the pool sends through; the stack's `SMSRoleArn` must name it.
    public static let smsRoleArn = "arn:aws:iam::000000000000:role/demo-cognito-sms"

    /// Creates the pool and turns on its SMS factor (without it an MFA-ON pool asks for no SMS
    /// code); returns its id.
    public static func create(cognito: CognitoIdentityProviderClient, name: String, smsRoleArn: String = smsRoleArn) async throws -> String {
        let pool = try await cognito.createUserPool(request(name: name, smsRoleArn: smsRoleArn))
        guard let poolId = pool["Id"]?.stringValue else { throw DemoFailure("CreateUserPool returned no Id") }
        try await cognito.setUserPoolMfaConfig([
            "UserPoolId": .string(poolId), "MfaConfiguration": "ON",
            "SmsMfaConfiguration": ["SmsAuthenticationMessage": "Your sign-in code is {####}", "SmsConfiguration": smsConfiguration(smsRoleArn)],
        ])
        return poolId
    }

    /// The CreateUserPool request. No UsernameAttributes: moto drops that create-only member on
    /// UpdateUserPool (Cognito keeps it), and the doctor tests build this pool on moto.
    public static func request(name: String, smsRoleArn: String = smsRoleArn) -> JSONValue {
        [
            "PoolName": .string(name), "MfaConfiguration": "ON", "AutoVerifiedAttributes": ["phone_number", "email"],
            "SmsConfiguration": smsConfiguration(smsRoleArn),
            "SmsAuthenticationMessage": "Your sign-in code is {####}", "SmsVerificationMessage": "Your verification code is {####}",
            "Policies": [
                "PasswordPolicy": [
                    "MinimumLength": 12, "RequireNumbers": true, "RequireSymbols": true, "RequireUppercase": true, "RequireLowercase": true,
                    "TemporaryPasswordValidityDays": 3,
                ]
            ],
            "AccountRecoverySetting": ["RecoveryMechanisms": [["Name": "verified_phone_number", "Priority": 1], ["Name": "verified_email", "Priority": 2]]],
            "DeviceConfiguration": ["ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": true],
            "UserPoolTags": ["project": "sms-redirect-demo"], "DeletionProtection": "INACTIVE",
        ]
    }

    static func smsConfiguration(_ smsRoleArn: String) -> JSONValue {
        ["SnsCallerArn": .string(smsRoleArn), "ExternalId": "sms-redirect-demo", "SnsRegion": "us-east-1"]
    }
}
