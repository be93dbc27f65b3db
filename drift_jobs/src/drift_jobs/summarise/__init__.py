"""Summarise: mergeable summaries of a window or a shard, and the reference profile they are compared with."""
