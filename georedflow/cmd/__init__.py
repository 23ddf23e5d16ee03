"""Entry points: the only modules that read configuration."""
