package aws

import rego.v1

# Only symmetric encryption keys can rotate; asymmetric and HMAC keys are out of scope.
kms_rotatable if {
	object.get(input, "customerMasterKeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	object.get(input, "keySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
}

# METADATA
# title: KMS keys rotate automatically
# description: Customer-managed symmetric KMS keys must have automatic key rotation enabled.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SC-12, ISO-27001:A.8.24]
#   message: Set enableKeyRotation to true on the KMS key.
deny_kms_key_rotation contains msg if {
	input.__type == "aws:kms/key:Key"
	kms_rotatable
	not is_true(object.get(input, "enableKeyRotation", false))
	msg := sprintf("KMS key \"%s\": automatic rotation is not enabled", [input.__name])
}
