"""One ComponentResource per concern; type tokens `ai-platform:<module>:<Name>`."""
