"""Authorization-matrix entries for the privacy area (merged into test_authorization.MATRIX)."""

from tests.authz_common import Case, answers

MATRIX: dict[tuple[str, str], Case] = {
    # Everyone signed in exports what is held about themselves.
    ("GET", "/api/v1/me/export"): Case(url=lambda w: "/api/v1/me/export", expected=answers(200)),
}
