"""Typed, validated stack configuration: one pydantic model for the whole platform (DESIGN §5.1)."""

from infra.config.errors import ConfigError, ConfigProblem
from infra.config.loader import load_stack_file, parse_platform_config
from infra.config.model import PlatformConfig

__all__ = ["ConfigError", "ConfigProblem", "PlatformConfig", "load_stack_file", "parse_platform_config"]
