"""MinIO, the legacy object-store backend (storage.backend: minio): the operator release and one Tenant."""
