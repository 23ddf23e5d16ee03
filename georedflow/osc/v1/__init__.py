"""The commands of API v1, one module to a resource family."""
