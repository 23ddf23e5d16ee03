"""What the API does with a request, between validation and storage: no HTTP here."""
