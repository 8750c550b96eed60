"""`publish fhir`: describe built artifacts as HL7 FHIR R4 DocumentReferences for clinic systems.

A clinic's record system files documents it can index: what kind of document, which
version, whether it is final, and a checksum proving the file is the one described. Each
artifact of a built topic gets one DocumentReference, and each topic a Bundle (type
"collection") of them. Everything is read from `dist/<topic>/manifest.json` and the
files it lists, and every file is checked against the manifest first, so a record never
describes bytes that were not built. No clock time is written: the same build exports
the same bytes.

Codes (chosen because no LOINC document code names a patient handout or an e-book; the
artifact kind is in `type.text`, and `category.text` says who the document is for):

- type, handout: LOINC 69730-0 "Instructions" (Doc scale, class DOC.ONTOLOGY; "records
  instructions given to a patient"), https://loinc.org/69730-0/ ; also used as a
  DocumentReference type in a published FHIR value set,
  https://build.fhir.org/ig/fut-infrastructure/implementation-guide/branches/feature_CCR0303/ValueSet-ehealth-document-reference-type.json
- type, clinician summary and e-book: LOINC 34109-9 "Note", the generic document code
  the C-CDA Note Activity requires ("@code="34109-9" Note (CodeSystem: LOINC)"),
  https://hl7.org/cda/us/ccda/3.0.0/StructureDefinition-NoteActivity-definitions.html
- Both type codes have LOINC scale "Doc", so they lie in FHIR's document type value set
  ("all LOINC codes where scale type = 'DOC'"),
  https://www.hl7.org/fhir/2021May/valueset-doc-typecodes.json
- category: "clinical-note" "Clinical Note" from
  http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category, the only
  code of the US Core DocumentReference category value set,
  https://hl7.org/fhir/us/core/stu3.1.1/ValueSet-us-core-documentreference-category.html
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from publish import outdir
from publish.errors import ContentError, ProfileError
from publish.fsutil import read_no_follow, refuse_link, write_atomic
from publish.manifest import MANIFEST, Manifest, inputs_digest, output_folder, profile_digest
from publish.project import TOPIC_FILE, Project
from publish.render import registry
from publish.topic import (
    Control,
    input_files,
    load_control,
    load_translation,
    translated_control,
    translations,
    variant_name,
)

BUNDLE_FILE = "bundle.json"
LOINC = "http://loinc.org"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
DOC_STATUS = {"draft": "preliminary", "approved": "final"}
_NOT_ID = re.compile(r"[^A-Za-z0-9\-.]+")
_ID_MAX = 64


def fhir_id(*parts: str) -> str:
    """A valid FHIR id ([A-Za-z0-9-.]{1,64}) from the parts; long ones end in a digest."""
    raw = ".".join(parts)
    text = _NOT_ID.sub("-", raw).strip("-.") or "x"
    if len(text) <= _ID_MAX:
        return text
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]
    return f"{text[: _ID_MAX - 13].rstrip('-.')}-{digest}"


def full_url(resource_id: str, resource_type: str = "DocumentReference") -> str:
    """A stable urn:uuid for a Bundle entry: the same resource always gets the same one."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{resource_type}/{resource_id}')}"


def instant(control: Control) -> str:
    """The topic's update date as a FHIR instant at midnight UTC: no clock time enters."""
    return f"{control.updated.isoformat()}T00:00:00Z"


def relative_url(target: Path, start: Path) -> str:
    """A relative URL from the folder `start` to the file `target`, '/'-separated."""
    rel = os.path.relpath(target.resolve(), start.resolve())
    return "/".join(quote(part) for part in Path(rel).parts)


def document_reference(
    control: Control,
    entry: dict[str, Any],
    artifact_path: Path,
    *,
    embed: bool,
    url: str | None,
    variant: str | None = None,
) -> dict[str, Any]:
    """One artifact as a DocumentReference; `embed` puts the bytes in, and `url` points at
    them (needed unless they are embedded; with them, it must give the same bytes).

    `variant` is a translation's tag: its documents have ids of their own."""
    name = str(entry["name"])
    artifact = registry.get(name)
    if artifact is None:
        raise ContentError(f"no FHIR description for artifact {name!r}", artifact_path)
    if not embed and not url:
        raise ValueError("a DocumentReference needs a url unless the file is embedded")
    data = read_no_follow(artifact_path)
    if "sha256" in entry and hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ContentError(
            "artifact no longer matches its manifest sha256; run publish build first",
            artifact_path,
        )
    title = control.title
    version = f"version {control.version}, {control.status}"
    description = f"{artifact.label}: {title}"
    if control.subtitle:
        description += f". {control.subtitle}"
    attachment: dict[str, Any] = {
        "contentType": artifact.media_type,
        "language": control.language,
    }
    if embed:
        attachment["data"] = base64.b64encode(data).decode("ascii")
    if url:
        attachment["url"] = url
    attachment |= {
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
        "title": f"{title} ({artifact.label.lower()}, {version})",
        "creation": control.updated.isoformat(),
    }
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": fhir_id(control.id, *([variant] if variant else []), name, control.version),
        "status": "current",
        "docStatus": DOC_STATUS.get(control.status, "preliminary"),
        "type": {
            "coding": [
                {
                    "system": LOINC,
                    "code": artifact.document_type[0],
                    "display": artifact.document_type[1],
                }
            ],
            "text": artifact.label,
        },
        "category": [
            {
                "coding": [
                    {
                        "system": US_CORE_CATEGORY,
                        "code": "clinical-note",
                        "display": "Clinical Note",
                    }
                ],
                "text": artifact.audience,
            }
        ],
        "date": instant(control),
        "description": f"{description} ({version})",
        "content": [{"attachment": attachment}],
    }
    if control.approved_by and not control.is_draft:
        resource["authenticator"] = {"display": control.approved_by}
    return resource


def bundle(refs: Sequence[dict[str, Any]], *, bundle_id: str | None = None) -> dict[str, Any]:
    """A collection Bundle of DocumentReferences, stamped with their (shared) date."""
    ids = [str(ref["id"]) for ref in refs]
    if bundle_id is None:
        bundle_id = fhir_id("bundle", hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16])
    result: dict[str, Any] = {"resourceType": "Bundle", "id": bundle_id, "type": "collection"}
    if refs:
        result["timestamp"] = refs[0]["date"]
        result["entry"] = [
            {"fullUrl": full_url(rid), "resource": ref} for rid, ref in zip(ids, refs, strict=True)
        ]
    return result


def dumps(resource: dict[str, Any]) -> str:
    """Stable JSON, as the manifest is written: the same resource gives the same bytes."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def read_manifest(control: Control, folder: Path, inputs: str) -> Manifest:
    """The manifest, once it is known to describe the topic as it is now (`inputs`: the
    digest of its files and sources) and every listed file matches it."""
    built = Manifest.load(folder)
    stale = built.built_from(control, inputs)
    if stale:
        raise ContentError(stale, built.path)
    damaged = built.damaged()
    if damaged:
        path = built.file(damaged[0])
        if path.is_symlink():
            raise refuse_link(path)
        if not path.is_file():
            raise ContentError(
                "artifact listed in the manifest is missing; run publish build first", path
            )
        raise ContentError(
            "artifact no longer matches its manifest sha256; run publish build first", path
        )
    return built


def site_url(built: Manifest, project: Project) -> str | None:
    """The clinic site's address in the profile the build printed with; None without one.

    The manifest records the profile's file and digest, not its fields: the file is loaded
    again as `publish check` does, and must still be the profile the build used, or the
    addresses written here could differ from the QR codes printed. A build with the default
    profile, or one made in Python and not read from a file, has no site address to give.
    """
    record = built.profile
    if record is None or record.file is None:
        return None
    from publish.config import load_profile

    try:
        profile = load_profile(project.folder / record.file)
    except ProfileError as exc:
        raise ContentError(
            f"{record.name} no longer loads ({exc.raw}); restore it or rebuild", built.path
        ) from exc
    if profile_digest(profile) != record.sha256:
        raise ContentError(
            f"{record.name} changed since the build; rebuild (publish build)", built.path
        )
    return profile.site_url


def artifact_url(base: str, topic_id: str, language: str, filename: str) -> str:
    """Where the site serves a built file: in the topic's page folder
    (`publish.site.layout.page_url`), under the name the build gave it."""
    from publish.site.layout import page_url

    return page_url(base, topic_id, language) + quote(filename)


def export_topic(
    topic_dir: Path, dist: Path, out: Path | None = None, *, embed: bool = False
) -> list[Path]:
    """Write the DocumentReferences and Bundle of a topic and of each of its translations."""
    topic_dir = Path(topic_dir)
    written = []
    for variant in (None, *translations(topic_dir)):
        written += export_language(topic_dir, dist, out, embed=embed, variant=variant)
    return written


def export_language(
    topic_dir: Path,
    dist: Path,
    out: Path | None = None,
    *,
    embed: bool = False,
    variant: str | None = None,
) -> list[Path]:
    """Write one language's DocumentReferences and Bundle; nothing is written if a check fails.

    The build lock of its output folder is held from reading the manifest to the last file
    written, so a build running at the same time cannot swap the folder in between. Files
    go below OUT (or DIST) through real folders only: a symlink at `<id>` or `fhir` is
    refused. A translation's documents carry its title, language and approval. When the
    build's clinic profile gives a `site_url`, each file is addressed where the site serves
    it, in the topic's page folder, rather than by a path relative to the export.
    """
    control, _ = load_control(topic_dir / TOPIC_FILE)
    if variant is not None:
        translation, shown, _ = load_translation(
            topic_dir / variant_name("patient.md", variant), variant
        )
        control = translated_control(control, translation, shown)
    dist = Path(dist)
    folder = output_folder(dist, control.id, variant)
    if not dist.is_dir():
        raise ContentError("no manifest; run publish build first", folder / MANIFEST)
    root = Path(out) if out is not None else dist
    target = root / folder.name if out is not None else folder / "fhir"
    inputs = inputs_digest(input_files(topic_dir, Project.sources_for(topic_dir), variant))
    with outdir.locked(folder):
        built = read_manifest(control, folder, inputs)
        base = site_url(built, Project.find())
        files: list[tuple[Path, dict[str, Any]]] = []
        for entry in built.entries:
            artifact = folder / str(entry["file"])
            path = target / f"{entry['name']}.documentreference.json"
            url: str | None = None if embed else relative_url(artifact, path.parent)
            if base is not None:
                url = artifact_url(base, control.id, control.language, str(entry["file"]))
            reference = document_reference(
                control, entry, artifact, embed=embed, url=url, variant=variant
            )
            files.append((path, reference))
        bundle_id = fhir_id(control.id, *([variant] if variant else []), "bundle", control.version)
        collection = bundle([ref for _, ref in files], bundle_id=bundle_id)
        files.append((target / BUNDLE_FILE, collection))
        for path, resource in files:
            write_atomic(path, dumps(resource), root=root)
    return [path for path, _ in files]


def export(
    topic_dirs: Iterable[Path | str],
    dist: Path,
    out: Path | None = None,
    *,
    embed: bool = False,
) -> list[Path]:
    """Export every topic; files go to DIST/<topic>/fhir/, or OUT/<topic>/ when OUT is given."""
    written: list[Path] = []
    for topic_dir in topic_dirs:
        written += export_topic(Path(topic_dir), Path(dist), out, embed=embed)
    return written
