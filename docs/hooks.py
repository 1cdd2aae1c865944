"""mkdocs hook: the gallery page from the example scripts (title docstring, then code)."""

import ast
import html
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def on_page_markdown(markdown, page, config, files):
    if "<!-- gallery -->" not in markdown:
        return markdown
    parts = []
    for script in sorted(EXAMPLES.glob("*.py")):
        source = script.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(source)) or ""
        title, _, rest = doc.partition("\n")
        parts.append(f"## {html.escape(script.stem)}\n\n**{title.strip()}**\n\n{rest.strip()}\n")
        parts.append(f"```python\n{source.rstrip()}\n```\n")
    return markdown.replace("<!-- gallery -->", "\n".join(parts))
