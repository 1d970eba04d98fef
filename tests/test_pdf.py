"""lib/pdf: user text is data, never Typst source; æøå and amounts come out as a reader expects."""

import io
import shutil

import pypdf
import pytest

from coresearch.lib import pdf

PROBE = """#import "common.typ": setup, fmt-ore
#let data = json(bytes(sys.inputs.data))
#show: setup.with(title: data.title, lang: "nb", footer-left: data.title)
= #data.title
#data.body

#for ore in data.amounts [#fmt-ore(ore) \\ ]
"""


@pytest.fixture
def templates(tmp_path, monkeypatch):
    shutil.copy(pdf.TEMPLATES / "common.typ", tmp_path / "common.typ")
    (tmp_path / "probe.typ").write_text(PROBE)
    monkeypatch.setattr(pdf, "TEMPLATES", tmp_path)
    return tmp_path


def text_of(document: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_user_text_is_printed_not_run(templates):
    data = {"title": "Blåbærsyltetøy på Ås", "body": '#panic("boom") ]) #{', "amounts": [0]}
    text = text_of(await pdf.render("probe.typ", data))
    assert "Blåbærsyltetøy på Ås" in text
    assert '#panic("boom") ]) #{' in text


async def test_amounts_in_kroner(templates):
    data = {"title": "t", "body": "", "amounts": [177500, 5, 123456789, -2050]}
    text = text_of(await pdf.render("probe.typ", data))
    for expected in ("kr 1\u202f775,00", "kr 0,05", "kr 1\u202f234\u202f567,89", "−kr 20,50"):
        assert expected in text


def test_same_data_same_bytes_with_a_fixed_timestamp(templates):
    data = {"title": "t", "body": "æøå", "amounts": []}
    assert pdf.render_sync("probe.typ", data, timestamp=0) == pdf.render_sync("probe.typ", data, timestamp=0)


def test_a_broken_template_is_a_render_error(templates):
    (templates / "broken.typ").write_text("#let x = (")
    with pytest.raises(pdf.RenderError):
        pdf.render_sync("broken.typ", {})
