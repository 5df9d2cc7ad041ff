# Exact versions of everything `make test` installs. Python tools are test peers, never runtime dependencies.
APT_PACKAGES=(libsqlite3-dev zlib1g-dev libstdc++-12-dev binutils zip unzip time)
PIP_PACKAGES=(
  "moto[server]==5.2.1"
  # botocore's cognito-idp model is the reference for the UpdateUserPool allowlist (PoolConfig).
  "boto3==1.44.8"
  "botocore==1.44.8"
  # The Python AWS Encryption SDK: the EncryptionSDK cross-check and benchmark peer.
  "aws-encryption-sdk==4.0.7"
  # AWS's runtime interface client: the fidelity check of the loopback Runtime API, and the
  # runtime of the Python peer in the sender benchmark.
  "awslambdaric==4.2.2"
  # Lints the CloudFormation templates, and its decoder writes their JSON twins (TemplateTests).
  "cfn-lint==1.51.0"
  # The outside reader of the inbox message's JSON Schema (schemas/), in InboxContractTests.
  "jsonschema==4.26.0"
  "referencing==0.37.0"
)
# What pip needs when it must build awslambdaric from source (no wheel for this Python/arch).
LAMBDARIC_BUILD_APT_PACKAGES=(g++ make cmake autoconf automake libtool perl)
