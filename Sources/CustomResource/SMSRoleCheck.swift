import AWSCore

extension AttachmentSpec {
    /// UpdateUserPool resends the pool's whole configuration, its SmsConfiguration included, and that
    /// passes the pool's SMS role to Cognito: the caller needs iam:PassRole on exactly that role
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html). The templates
    /// grant the helper PassRole on the role the stack declares (`SMSRoleArn`) and on no other, so an
    /// attach to a pool whose role is not the declared one would fail inside UpdateUserPool. Refuse it
    /// first, before anything is journaled or changed, naming the parameter to set.
    func refuseUndeclaredSMSRole(described: JSONValue, attachmentId: String) throws(AttachError) {
        guard let declared = smsRoleArn,
            let role = described["SmsConfiguration"]["SnsCallerArn"]?.stringValue, !role.isEmpty, role != declared
        else { return }
        throw AttachError(.undeclaredSMSRole(poolId: userPoolId, role: role, declared: declared), attachmentId: attachmentId)
    }
}
