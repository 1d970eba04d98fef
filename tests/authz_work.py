"""Authorization-matrix entries for this area's routes (merged into test_authorization.MATRIX)."""

from tests.authz_common import Case

MATRIX: dict[tuple[str, str], Case] = {}
