"""`storage-jobs buckets`: make an S3 object store match the bucket contract."""
