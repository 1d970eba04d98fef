"""Certificates of participation (attest) for co-researchers."""
