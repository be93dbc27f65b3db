"""Networking per region: the VPC, its endpoints and security groups."""
