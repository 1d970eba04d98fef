"""HTTP routes of this area (filled in as the area is built)."""

ROUTE_HANDLERS: list = []
