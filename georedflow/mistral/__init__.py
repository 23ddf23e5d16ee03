"""Mistral custom actions for georedflow (``pip install georedflow[mistral]``)."""
