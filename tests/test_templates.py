"""Template hygiene: Django's ``{# … #}`` comments end on the line they start (a
comment over two lines is printed on the page as text)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_comment_tag_spans_two_lines():
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")) + sorted(
        ROOT.glob("templates/**/*.html")
    ):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.count("{#") > line.count("#}"):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []
