"""SVG reduced to an allow-list: shapes, text, paint and gradients; nothing that runs or loads.

An SVG figure is a small program a reader opens: `<script>`, event attributes,
`javascript:` links, `<foreignObject>` (HTML inside), animation that rewrites a link,
`@import` and `url()` in styles, and `<image>` pointing at the web all run or load
something. Parsing is defused: no DTD internal subset, no entities, no external
anything, a bounded depth. A figure with nothing to remove is returned as it came, byte
for byte; otherwise it is written again from the cleaned tree, and each removal is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
XHTML = "http://www.w3.org/1999/xhtml"
MAX_DEPTH = 200


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


ELEMENTS = _names(
    "svg g defs title desc symbol use switch a view path rect circle ellipse line polyline"
    " polygon text tspan textPath image linearGradient radialGradient stop pattern clipPath"
    " mask marker style filter feBlend feColorMatrix feComponentTransfer feComposite"
    " feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight feDropShadow"
    " feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode"
    " feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile"
    " feTurbulence"
)
ATTRIBUTES = _names(
    "id class style role lang tabindex version baseProfile viewBox preserveAspectRatio"
    " width height x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d points pathLength transform"
    " dx dy rotate textLength lengthAdjust startOffset method spacing side refX refY"
    " markerUnits markerWidth markerHeight orient gradientUnits gradientTransform"
    " spreadMethod offset patternUnits patternContentUnits patternTransform clipPathUnits"
    " maskUnits maskContentUnits filterUnits primitiveUnits in in2 result mode operator"
    " k1 k2 k3 k4 stdDeviation edgeMode type values tableValues slope intercept amplitude"
    " exponent order kernelMatrix divisor bias targetX targetY preserveAlpha"
    " surfaceScale diffuseConstant specularConstant specularExponent kernelUnitLength"
    " scale xChannelSelector yChannelSelector azimuth elevation z pointsAtX pointsAtY"
    " pointsAtZ limitingConeAngle radius baseFrequency numOctaves seed stitchTiles"
    " requiredFeatures requiredExtensions systemLanguage href target"
    " alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation"
    " color-interpolation-filters color-rendering cursor direction display"
    " dominant-baseline fill fill-opacity fill-rule filter flood-color flood-opacity font"
    " font-family font-size font-size-adjust font-stretch font-style font-variant"
    " font-weight image-rendering letter-spacing lighting-color marker marker-end"
    " marker-mid marker-start mask opacity overflow paint-order pointer-events"
    " shape-rendering stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset"
    " stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-width"
    " text-anchor text-decoration text-rendering unicode-bidi vector-effect visibility"
    " word-spacing writing-mode xml:space xml:lang"
)
_WEB_LINK_ELEMENTS = frozenset({"a"})
_RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
_FRAGMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_CSS_FUNCTION = re.compile(r"([A-Za-z_-][\w-]*)\s*\(")
_CSS_FUNCTIONS = _names(
    "rgb rgba hsl hsla translate translatex translatey rotate scale scalex scaley matrix"
    " skewx skewy calc var"
)
_LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#[A-Za-z_][\w.:-]*\1\s*\)", re.I)
_CONTROLS = re.compile(r"[\x00-\x20\x7f]")


class SvgError(ValueError):
    """The file is not SVG this sanitizer can read safely (malformed, entities, too deep)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class SvgResult:
    """The cleaned SVG and what was taken out of it (empty: the input bytes unchanged)."""

    data: bytes
    removed: list[str] = field(default_factory=list)


def safe_style(css: str) -> bool:
    """CSS that can only paint: no at-rules, escapes or comments, and only `url(#local)`."""
    if any(mark in css for mark in ("@", "\\", "/*", "<")):
        return False
    rest = _LOCAL_URL.sub("", css)
    return all(m.group(1).lower() in _CSS_FUNCTIONS for m in _CSS_FUNCTION.finditer(rest))


def _link_allowed(element: str, value: str) -> bool:
    """`href` on `<a>` may go to the web; `<image>` may hold a raster data: image; the rest
    may only point inside the figure (`#id`)."""
    from publish.sanitize import is_web_url

    if _FRAGMENT.fullmatch(value):
        return True
    if element in _WEB_LINK_ELEMENTS:
        return is_web_url(value)
    if element == "image":
        return bool(_RASTER_DATA.fullmatch(value))
    return False


class _Cleaner:
    """Builds the cleaned document while expat reads the input once."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.removed: list[str] = []
        self.changed = False
        self.depth = 0
        self.skipping = 0  # > 0 inside a removed element
        self.in_style = False
        self.style_text: list[str] = []
        self.uses_xlink = False
        self.root_seen = False

    def note(self, what: str) -> None:
        self.changed = True
        if what and what not in self.removed:
            self.removed.append(what)

    def start(self, name: str, attributes: dict[str, str], line: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SvgError(f"elements nested deeper than {MAX_DEPTH}", line)
        namespace, _, local = name.rpartition(" ")
        if not self.root_seen and (namespace, local) != (SVG, "svg"):
            raise SvgError("the document is not an SVG image (no <svg> root element)", line)
        if self.skipping or namespace != SVG or local not in ELEMENTS:
            if not self.skipping:  # another namespace is an editor's metadata: no warning
                self.note(f"<{local}>" if namespace in (SVG, XHTML) else "")
            self.skipping += 1
            return
        kept = []
        for key, value in attributes.items():
            kept_name = self.attribute(local, key, value)
            if kept_name:
                kept.append((kept_name, value))
        if not self.root_seen:
            self.root_seen = True
            kept.insert(0, ("xmlns", SVG))
            self.root_at = len(self.out)
        self.out.append(f"<{local}" + "".join(f' {k}="{_attr(v)}"' for k, v in kept) + ">")
        self.in_style = local == "style"
        self.style_text = []

    def attribute(self, element: str, key: str, value: str) -> str | None:
        namespace, _, local = key.rpartition(" ")
        written = {"": local, XLINK: f"xlink:{local}", XML: f"xml:{local}"}.get(namespace)
        if written is None:
            self.note("")  # an editor's own attribute (inkscape:, sodipodi:): no warning
            return None
        if local.lower().startswith("on"):
            self.note(f"{local}=")
            return None
        if local == "href":
            if not _link_allowed(element, _CONTROLS.sub("", value)):
                self.note(f"link to {value[:80]!r}")
                return None
            self.uses_xlink = self.uses_xlink or namespace == XLINK
            return written
        if written not in ATTRIBUTES and not written.startswith("aria-"):
            self.note("" if namespace else f"{local}=")
            return None
        if (local == "style" or "url" in value.lower()) and not safe_style(value):
            self.note(f"{local}={value[:80]!r}")
            return None
        return written

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.skipping:
            self.skipping -= 1
            return
        local = name.rpartition(" ")[2]
        if self.in_style:
            css = "".join(self.style_text)
            if safe_style(css):
                self.out.append(_text(css))
            else:
                self.note(f"<style> {css.strip()[:80]!r}")
            self.in_style = False
        self.out.append(f"</{local}>")

    def text(self, data: str) -> None:
        if self.skipping or not self.root_seen:
            return
        if self.in_style:
            self.style_text.append(data)
        else:
            self.out.append(_text(data))

    def document(self) -> bytes:
        if self.uses_xlink:
            self.out[self.root_at] = self.out[self.root_at].replace(
                "<svg", f'<svg xmlns:xlink="{XLINK}"', 1
            )
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(self.out) + "\n").encode()


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def clean_svg(data: bytes) -> SvgResult:
    """The SVG with everything outside the allow-list removed (raises `SvgError`)."""
    cleaner = _Cleaner()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        if internal:
            raise SvgError("a DOCTYPE with declarations (entities) is not allowed")
        cleaner.note("")  # a plain DOCTYPE names a DTD that is never read: dropped quietly

    def refuse_entity(*_: object) -> None:
        raise SvgError("entities are not allowed", parser.CurrentLineNumber)

    def instruction(target: str, _data: str) -> None:
        cleaner.note(f"<?{target}?>")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_entity  # type: ignore[assignment]
    parser.SkippedEntityHandler = refuse_entity
    parser.ProcessingInstructionHandler = instruction
    parser.CommentHandler = lambda _text: None  # comments are dropped (no change to note)
    parser.StartElementHandler = lambda name, attributes: cleaner.start(
        name, attributes, parser.CurrentLineNumber
    )
    parser.EndElementHandler = cleaner.end
    parser.CharacterDataHandler = cleaner.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise SvgError(
            f"not well-formed XML: {expat.errors.messages[exc.code]}", exc.lineno
        ) from None
    if not cleaner.root_seen:
        raise SvgError("the document is not an SVG image (no <svg> root element)")
    if not cleaner.changed:
        return SvgResult(data)
    return SvgResult(cleaner.document(), cleaner.removed)
