"""Benchmarks of the service against a generated, realistically sized PostgreSQL database."""
