"""IAM documents, team roles and access, team namespaces."""
