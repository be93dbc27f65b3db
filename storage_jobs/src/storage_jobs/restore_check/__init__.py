"""`storage-jobs restore-check`: prove that the latest cluster backup restores (docs/backups.md)."""
