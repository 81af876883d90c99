"""The lessons' prose as HTML, through markdown-it-py (CommonMark).

Two renderers, both with raw HTML off (lesson text that looks like markup is shown as
text, never injected) and both dropping links and images to their text (the page links
only within itself and embeds only its own plots):

* :func:`markdown`: a markdown cell, with its headings moved down two levels so they sit
  under the lesson's ``<h2>``;
* :func:`inline`: a code cell's one-line title. Emphasis is off there: the titles are
  plain prose with arithmetic (``x**2 at 3 and z = (x**2 + 1)**3``, ``64*5*5``) that
  CommonMark would otherwise read as bold and italic runs; code spans still work.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

HEADING_SHIFT = 2  # "#" in a lesson becomes <h3>: the page's <h1> and the lesson's <h2> sit above


def _text_only(md: MarkdownIt) -> MarkdownIt:
    """Renders links as their text and images as their alt text."""
    md.add_render_rule("link_open", lambda *args: "")
    md.add_render_rule("link_close", lambda *args: "")
    md.add_render_rule(
        "image", lambda self, tokens, idx, options, env: str(escape(tokens[idx].content))
    )
    return md


@cache
def _block() -> MarkdownIt:
    return _text_only(MarkdownIt("commonmark", {"html": False}))


@cache
def _title() -> MarkdownIt:
    return _text_only(MarkdownIt("commonmark", {"html": False}).disable("emphasis"))


def markdown(text: str, *, skip_title: bool = False) -> Markup:
    """A markdown cell as HTML; ``skip_title`` drops a heading on its first line (the
    lesson's title, which the page shows as the section heading)."""
    md = _block()
    tokens = md.parse(text)
    if skip_title and tokens and tokens[0].type == "heading_open" and tokens[0].map[0] == 0:
        tokens = tokens[3:]  # heading_open, its inline content, heading_close
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    return Markup(md.renderer.render(tokens, md.options, {}))


def inline(text: str) -> Markup:
    """One line of prose (a code cell's title) as inline HTML: code spans, no emphasis."""
    return Markup(_title().renderInline(text))
