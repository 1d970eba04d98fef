"""What the service holds about a person: the export of it (`GET /me/export`) and its erasure."""
