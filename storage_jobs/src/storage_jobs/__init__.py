"""Storage jobs of the platform: the bucket reconciler and the restore verification (own image, no Pulumi)."""
