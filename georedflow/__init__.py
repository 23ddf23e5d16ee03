"""georedflow: the infrastructure network between two OpenStack sites, built and undone."""

__version__ = "0.1.0"
