"""In-cluster object storage: the Rook-Ceph (default) or MinIO (legacy) object store, its buckets and users."""
