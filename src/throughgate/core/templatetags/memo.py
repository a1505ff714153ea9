"""``{% memo value ... %}...{% endmemo %}``: render a piece of a template once per language and per value, and reuse it.

Most of a page's layout is the same for every request in a language: the head with its style sheets, the skip
link, the header, the footer, the menu of a role. Django renders each of those tags again on every request (a
``{% translate %}`` costs about 7 µs, a ``{% url %}`` about 18 µs); a page of a few hundred nodes spends most of
its time there. ``memo`` keeps what its body rendered, keyed by the active language and by the values named in the
tag, in the template node itself (so per process, per compiled template, and dropped with the template).

The rule that keeps it correct: **the body may only depend on the language and on the values named in the tag.**
Name the values the body shows (a person's name, not their id, so a renamed person is shown by their new name).
``{% block %}`` is refused inside the tag when the template is compiled (a block is different for every page that
extends the template). ``{% csrf_token %}`` may be inside: it is rendered once with a placeholder, and the request's
own token (or nothing, as Django's tag does when there is none) is put in its place on every use. A memo may hold
other memos (a whole page, say): the inner ones keep the placeholder while the outer one renders, so the outer one
puts each request's token in.

With Django's cached template loader (production) each template is compiled once, so the memo lives as long as the
process; without it (development with DEBUG on) every request compiles the template again and nothing is reused.
"""

from __future__ import annotations

from collections.abc import Hashable

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from throughgate.core.csrf import masked_token

register = template.Library()

# Bound on the renderings one tag keeps (a tag that varies by a person's name sees one entry per name). When it is
# full the oldest half is dropped: dicts keep insertion order.
MAX_ENTRIES = 4096
# What {% csrf_token %} renders, with a token no request can have; replaced on every use (see _with_token).
PLACEHOLDER = "\x00memo-csrf\x00"
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
PLACEHOLDER_INPUT = str(format_html(CSRF_INPUT, PLACEHOLDER))


class MemoNode(Node):
    # Django walks a template's nodes on every render of an {% extends %} page, looking for its blocks. A memo holds
    # none (the tag refuses them), so the walk need not go through the memo's body: most of a page's nodes.
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, values: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.values = values
        self.rendered: dict[tuple[Hashable, ...], SafeString] = {}

    def render(self, context: Context) -> SafeString:
        key = (get_language(), *(value.resolve(context) for value in self.values))
        try:
            output = self.rendered[key]
        except KeyError:
            output = self._render_once(context)
            if len(self.rendered) >= MAX_ENTRIES:
                for old in list(self.rendered)[: MAX_ENTRIES // 2]:
                    self.rendered.pop(old, None)
            self.rendered[key] = output
        except TypeError:  # a value that cannot be a key (a list, say): render it every time rather than guess
            output = self._render_once(context)
        if PLACEHOLDER not in output or context.get("csrf_token") is PLACEHOLDER:
            # No form; or inside another memo's first rendering, which keeps the placeholder too. (`is`: comparing
            # with == would make Django's lazy token, and a token costs about 40 us.)
            return output
        return _with_token(output, context)

    def _render_once(self, context: Context) -> SafeString:
        with context.push(csrf_token=PLACEHOLDER):
            return mark_safe(self.nodelist.render(context))


def _with_token(output: str, context: Context) -> SafeString:
    """The request's CSRF input where the placeholder is, as ``{% csrf_token %}`` renders it (nothing without one).
    With a request, its token is made once per request (``core.csrf.masked_token``, Django's token made faster)."""
    request = getattr(context, "request", None)
    if request is not None:
        token = getattr(request, "_throughgate_csrf_token", None)
        if token is None:
            token = request._throughgate_csrf_token = masked_token(request)
    else:
        token = context.get("csrf_token")
    present = bool(token) and token != "NOTPROVIDED"  # noqa: S105  (what Django's context processor gives without one)
    output = output.replace(PLACEHOLDER_INPUT, str(format_html(CSRF_INPUT, token)) if present else "")
    return mark_safe(output.replace(PLACEHOLDER, str(conditional_escape(str(token))) if present else ""))


@register.tag("memo")
def memo(parser: Parser, token: Token) -> MemoNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            "{% memo %} cannot hold {% block %}: a block is different for each page that extends the template."
        )
    return MemoNode(nodelist, values)
