"""KMS keys, the audit trail and S3 access logs."""
