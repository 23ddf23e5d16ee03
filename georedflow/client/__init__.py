"""The user's client of the georedflow API: HTTP calls, output, job progress."""
