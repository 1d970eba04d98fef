"""The co-researcher portal: server-rendered pages over the domain services (docs/portal.md)."""
