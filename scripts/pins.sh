# Exact versions of everything `make test` installs. Python tools are test peers, never runtime dependencies.
APT_PACKAGES=(libsqlite3-dev zlib1g-dev libstdc++-12-dev binutils zip unzip time)
# Tests only: node runs the JavaScript client's tests (clients/node).
TEST_APT_PACKAGES=(nodejs)
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
  # Audits the GitHub workflows (.github/workflows), offline, in make test-workflows.
  "zizmor==1.33.1"
)
# What pip needs when it must build awslambdaric from source (no wheel for this Python/arch).
LAMBDARIC_BUILD_APT_PACKAGES=(g++ make cmake autoconf automake libtool perl)
# ministack, the CloudFormation engine of `make test-stack` and `make demo`, in a virtual environment
# of its own (.build/ministack-venv): it pins a botocore other than the one above. Its whole closure
# is pinned, as resolved for ministack 1.5.33.
MINISTACK_VENV=.build/ministack-venv
MINISTACK_PACKAGES=(
  "ministack==1.5.33"
  "botocore==1.43.106" "defusedxml==0.7.1" "graphql-core==3.2.12" "h11==0.16.0" "h2==4.4.1" "hpack==4.2.0" "Hypercorn==0.18.0"
  "hyperframe==6.1.0" "jmespath==1.1.0" "jsonata-python==0.7.1" "priority==2.0.0" "python-dateutil==2.9.0.post0" "PyYAML==6.0.4"
  "six==1.17.0" "urllib3==2.8.0" "wsproto==1.3.2"
)
# The AWS CLI, for scripts/publish-release.sh and its test, in a virtual environment of its own
# (.build/awscli-venv): it pins a botocore of its own too. The project's own deploy needs no AWS CLI.
AWSCLI_VENV=.build/awscli-venv
AWSCLI_PACKAGES=(
  "awscli==1.45.11"
  "botocore==1.43.11" "colorama==0.4.6" "docutils==0.19" "jmespath==1.1.0" "pyasn1==0.6.5" "python-dateutil==2.9.0.post0" "PyYAML==6.0.4"
  "rsa==4.7.2" "s3transfer==0.17.1" "six==1.17.0" "urllib3==2.8.0"
)
