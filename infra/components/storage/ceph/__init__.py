"""Rook-Ceph: the platform's default object store (Ceph RGW), its operator, cluster, users and alerts."""
