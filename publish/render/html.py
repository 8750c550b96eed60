"""The Jinja2 environment: project templates first, bundled second; sandboxed; autoescaped."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from publish.errors import PublishError, TemplateError
from publish.render import sandbox
from publish.resources import bundled_templates, template_file  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from publish.i18n import Messages


def environment(project_templates: Path | None = None) -> SandboxedEnvironment:
    """The environment for a search path; rebuilt when the project's overrides change."""
    listing: tuple[tuple[str, int], ...] = ()
    if project_templates and project_templates.is_dir():
        listing = tuple(
            sorted(
                (str(p), p.stat().st_mtime_ns) for p in project_templates.rglob("*") if p.is_file()
            )
        )
    return _environment(project_templates, listing)


@lru_cache(maxsize=8)
def _environment(
    project_templates: Path | None, listing: tuple[tuple[str, int], ...]
) -> SandboxedEnvironment:
    """One environment per search path, sandboxed: templates cannot reach Python internals."""
    folders = [bundled_templates()]
    if (
        project_templates
        and project_templates.is_dir()
        and project_templates.resolve() != folders[0].resolve()
    ):
        folders.insert(0, project_templates)
    env = sandbox.BoundedEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # `{% trans %}` compiles to calls of the `gettext` each document's context brings
    # (`messages_context`); these English ones only stand in where no context gives them.
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["longdate"] = _longdate
    env.filters["css_string"] = css_string
    return env


@jinja2.pass_context
def _longdate(context: jinja2.runtime.Context, day: Any) -> str:
    """A long date in the document's language and region (`publish.i18n.Messages.date`)."""
    messages = context.get("messages")
    return messages.date(day) if messages is not None else str(day or "")


_CSS_PLAIN = frozenset(" .,:;!?()-–—·'%/")
"""Characters written as they are in a CSS string; every other one is a hex escape."""


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string, safe inside a <style> element (for `content:`)."""
    escaped = "".join(ch if ch.isalnum() or ch in _CSS_PLAIN else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{escaped}"')


def counter_text(message: str) -> Markup:
    """A translated 'Page %(page)s of %(pages)s' as CSS `content`: text and page counters."""
    parts = re.split(r"%\((page|pages)\)s", message)
    pieces = [f"counter({p})" if i % 2 else css_string(p) for i, p in enumerate(parts) if p]
    return Markup(" ".join(pieces))


def messages_context(messages: Messages) -> dict[str, Any]:
    """What templates translate with: `{% trans %}`, `_()` and `ngettext()` in the document's
    language, recording every message its catalog lacks (`Messages.missing`)."""

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, **variables: Any) -> str:
        text = messages.gettext(message)
        return _format(context, text, variables)

    @jinja2.pass_context
    def ngettext(
        context: jinja2.runtime.Context, singular: str, plural: str, n: int, **variables: Any
    ) -> str:
        variables.setdefault("num", n)
        return _format(context, messages.ngettext(singular, plural, n), variables)

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "messages": messages}


def _format(context: jinja2.runtime.Context, text: str, variables: dict[str, Any]) -> str:
    """As Jinja's own new-style gettext: escape the variables, never the translation."""
    if context.eval_ctx.autoescape:
        return Markup(text) % variables
    return text % variables


def render(name: str, project_templates: Path | None = None, **context: Any) -> str:
    """Render a template; any template failure is one line naming template and line.

    Rendering is bounded (see `publish.render.sandbox`): a template that loops too long or
    writes too much fails like any other broken template.
    """
    env = environment(project_templates)
    try:
        return sandbox.render_bounded(env.get_template(name), context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template syntax error: {exc.message}", exc.filename or exc.name or name, exc.lineno
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}", name) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"template tried an unsafe operation: {exc}", name) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template failed: {exc.message}", name, _line(exc)) from exc
    except TemplateError as exc:  # a bound of the sandbox: name the template and line
        raise TemplateError(exc.raw, exc.path or name, exc.line or _line(exc)) from exc
    except PublishError:
        raise
    except UnicodeDecodeError as exc:
        raise TemplateError("template is not UTF-8 text", name) from exc
    except Exception as exc:  # a template's own runtime failure: 1/0, a huge range, recursion
        raise TemplateError(
            f"template failed: {type(exc).__name__}: {exc}", name, _line(exc)
        ) from exc


def _line(exc: BaseException) -> int | None:
    """The template line from a runtime error's traceback, when Jinja left one."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xhtml", ".svg", ".css")):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
