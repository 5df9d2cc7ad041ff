# Exact versions of everything `make test` installs. Python tools are test peers, never runtime dependencies.
APT_PACKAGES=(libsqlite3-dev zip unzip time)
PIP_PACKAGES=(
  "moto[server]==5.2.1"
  # botocore's cognito-idp model is the reference for the UpdateUserPool allowlist (PoolConfig).
  "boto3==1.43.11"
  "botocore==1.43.11"
  # The Python AWS Encryption SDK: the EncryptionSDK cross-check and benchmark peer.
  "aws-encryption-sdk==4.0.7"
)
