"""The message ids ``pybabel extract`` collects (``babel.cfg``; ``make catalogs``).

Babel's own Python extractor finds the calls: ``_("...")``, ``N_("...")`` (marked here, translated
where shown) and the errors and breaches that carry a msgid (``Refused("...")``, ...). On top of
that this extractor reads, from the syntax tree:

* calls the tokenizer-based extractor misses: inside f-strings (``f"{_('Judul')}: {title}"``,
  hidden by Python 3.11's tokenizer) or nested in another call inside a keyword call
  (``_(MAP.get(k, N_("..."))``);
* the label maps: a module-level name bound to a dict literal (its string values) or to a string,
  when the name ends in ``LABEL``/``LABELS`` or the same module translates it where it is shown
  (``_(SHORT_STATE.get(state, state))``, ``_(NOTE)``). Without them ``pybabel update`` would mark
  their English obsolete. A msgid defined in one module and translated in another needs ``N_()``.
"""

from __future__ import annotations

import ast
import io
import re
from typing import IO, Any, Collection, Iterator

from babel.messages.extract import extract_python

LABEL_NAME = re.compile(r"^_?([A-Z][A-Z0-9_]*_)?LABELS?$")
"""``STATE_LABEL``, ``CHANGE_LABELS``, ``PROOF_PENDING_LABEL``, ``LABELS``..."""


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _translated_names(tree: ast.AST, keywords: Collection[str]) -> set[str]:
    """Names this module passes to a keyword: ``_(X)``, ``_(X[k])``, ``_(X.get(k, d))``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in keywords and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Subscript):
                arg = arg.value
            elif (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                  and arg.func.attr == "get"):
                arg = arg.func.value
            if isinstance(arg, ast.Name):
                found.add(arg.id)
    return found


def label_values(tree: ast.Module, keywords: Collection[str] = ("_",)) -> Iterator[tuple[int, str]]:
    """(line, text) of every string value of the module's label maps."""
    shown = _translated_names(tree, keywords)
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and (LABEL_NAME.match(t.id) or t.id in shown)
                   for t in targets):
            continue
        values = value.values if isinstance(value, ast.Dict) else [value]
        for v in values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value.strip():
                yield v.lineno, v.value


def keyword_calls(tree: ast.Module, keywords: Collection[str]) -> Iterator[tuple[int, str, tuple]]:
    """(line, function, arguments) of every keyword call with a literal argument; the string
    arguments as they are, the others None."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in keywords and node.args:
            args = tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                         for a in node.args)
            if any(a is not None for a in args):
                yield node.lineno, str(_name(node.func)), args


def extract(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
            options: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """A Babel extraction method: the Python extractor's messages, then what only the syntax tree
    shows (the calls it missed, the label maps)."""
    source = fileobj.read()
    buffer = io.BytesIO(source)
    buffer.name = getattr(fileobj, "name", "(unknown)")  # for the extractor's warnings
    seen: set[str] = set()
    # babel types its options as a TypedDict of the keys it knows; pybabel passes the cfg's dict
    for found in extract_python(buffer, keywords, comment_tags, options):  # type: ignore[arg-type]
        messages = found[2] if isinstance(found[2], (tuple, list)) else (found[2],)
        seen.update(m for m in messages if m)
        yield found
    try:
        tree = ast.parse(source)
    except SyntaxError:  # the Python extractor reads what it can; so do we
        return
    for lineno, func, args in keyword_calls(tree, keywords):
        if not seen.issuperset(a for a in args if a is not None):
            yield lineno, func, args if len(args) > 1 else args[0], []
    for lineno, text in label_values(tree, keywords):
        yield lineno, None, text, []
