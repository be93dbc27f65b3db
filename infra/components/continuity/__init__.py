"""Backups and their off-region replication."""
