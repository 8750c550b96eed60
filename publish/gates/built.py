"""Gates on the built files: the safety text read back from each, and each file's own checker.

Which checker reads a file comes from the artifact registry, never from its suffix.
"""

from __future__ import annotations

from pathlib import Path

from publish import manifest
from publish.errors import ContentError, ProfileError
from publish.gates.findings import Finding
from publish.gates.visible import MIN_POINTS, squash
from publish.i18n import NoSafetyText
from publish.i18n import safety as safety_text
from publish.manifest import MANIFEST, Manifest, ProfileRecord, profile_digest
from publish.profile import DEFAULT, Profile
from publish.project import Project
from publish.render import registry
from publish.render.options import Options
from publish.topic import Topic

HOW_HIDDEN = f"off the page, under {MIN_POINTS:g} pt, too faint against its background, or covered"


def label(name: str, topic: Topic) -> str:
    """How findings name an artifact: 'handout', or 'handout (es)' for a translation's."""
    return f"{name} ({topic.variant})" if topic.variant else name


def safety(
    topic: Topic, files: dict[str, Path], profile: Profile, project: Project | None = None
) -> list[Finding]:
    """The disclaimer, each crisis line and (for a draft) the draft marking, in the file's
    language, as a reader sees each file: every character on the page, readable in size
    and contrast (`visible`)."""
    from publish.render.context import document_messages

    options = Options(profile=profile, project=project or Project.find())
    try:
        text = safety_text(document_messages(topic, options), profile)
    except NoSafetyText as exc:
        where = str(exc.path or topic.patient.path)
        return [Finding("safety", "fail", f"{label(n, topic)}: {exc.raw}", where) for n in files]
    findings = []
    required = {
        "disclaimer": text.disclaimer,
        **{f"crisis line {n}": line for n, line in enumerate(text.crisis, 1)},
    }
    if topic.control.is_draft:
        required["draft marking"] = text.draft_marking
    for name, path in files.items():
        artifact = registry.ARTIFACTS[name]
        try:
            reading = artifact.verify_module().read(path.read_bytes(), tuple(required.values()))
        except OSError as exc:  # a full temporary folder while laying the file out again
            message = f"{label(name, topic)}: could not be read back: {exc.strerror or exc}"
            findings.append(Finding("safety", "fail", message, str(path)))
            continue
        everything, visible = squash(reading.everything), squash(reading.visible)
        absent = [label for label, words in required.items() if squash(words) not in everything]
        hidden = [
            label
            for label, words in required.items()
            if label not in absent and squash(words) not in visible
        ]
        problems = []
        if absent:
            problems.append(f"missing {', '.join(absent)}")
        if hidden:
            problems.append(f"not visible to a reader: {', '.join(hidden)} ({HOW_HIDDEN})")
        if problems:
            message = f"{label(name, topic)}: {'; '.join(problems)}"
            findings.append(Finding("safety", "fail", message, str(path)))
        else:
            message = f"{label(name, topic)}: disclaimer and crisis block visible"
            findings.append(Finding("safety", "pass", message, str(path)))
    return findings


def artifacts(files: dict[str, Path], topic: Topic | None = None) -> list[Finding]:
    """Each file passes its own format's checker (epubcheck, PDF structure and page limit)."""
    findings = []
    for name, path in files.items():
        artifact = registry.ARTIFACTS[name]
        verifier = artifact.verify_module()
        problems = verifier.problems(path, artifact)
        status = "fail" if problems else "pass"
        message = "; ".join(problems) or verifier.PASSED
        shown = label(name, topic) if topic else name
        findings.append(Finding("artifacts", status, f"{shown}: {message}", str(path)))
    return findings


def build_profile(
    topic: Topic, dist: Path, given: Profile | None, unrecorded: Profile, project: Project
) -> tuple[Profile | None, Finding | None]:
    """The clinic profile to judge one language's built files by, and the one finding that
    takes the safety gate's place when they cannot be judged by it.

    `given` is the profile check was told to use (`--profile`): it is compared with the
    one the manifest records, and a different one is named as such rather than reported
    as safety text "missing". Without it, the recorded profile is loaded again the way the
    build loaded it; a file that is gone, no longer loads or changed is said so. A build
    whose manifest records no profile (built before manifests did, or not built) is judged
    by `given`, else `unrecorded`, as `check` always did. None for the profile: the
    build's cannot be had (gone, changed, no longer loads, not from a file), so no built
    file is judged by a guess; a profile given is still what the artifacts gate compares
    each file's input hash with, as it was asked to.
    """
    built = manifest.load_if_usable(manifest.output_folder(dist, topic.control.id, topic.variant))
    record = built.profile if built else None
    if built is None or record is None:
        return given or unrecorded, None
    if given is not None:
        return given, _compared(record, ProfileRecord.of(given, project), built, topic)
    if record.file is None:
        return _unfiled(record, unrecorded, project, built, topic)
    return _reloaded(record, project, built, topic)


def _changed(record: ProfileRecord) -> str:
    """The profile file the build used is not what it was: rebuild with it, named."""
    return (
        f"{record.name} changed since the build; "
        f"rebuild with it (publish build --profile {record.file})"
    )


def _profile_finding(message: str, built: Manifest, topic: Topic) -> Finding:
    shown = f"{topic.variant}: {message}" if topic.variant else message
    return Finding("safety", "fail", shown, str(built.path))


def _compared(
    record: ProfileRecord, given: ProfileRecord, built: Manifest, topic: Topic
) -> Finding | None:
    """None if the profile given is the one the build used; else what differs, in words."""
    if given.sha256 == record.sha256:
        return None
    if given.file is not None and given.file == record.file:
        message = _changed(record)
    else:
        advice = f"pass --profile {record.file}" if record.file else "rebuild with this profile"
        message = f"built with {record.name}, checked with {given.name}: rebuild or {advice}"
    return _profile_finding(message, built, topic)


def _unfiled(
    record: ProfileRecord, unrecorded: Profile, project: Project, built: Manifest, topic: Topic
) -> tuple[Profile | None, Finding | None]:
    """A build whose profile was not read from a file: the built-in default (named as such
    when the project has a profile of its own now), or one made in Python, which check
    cannot load again."""
    if record.sha256 != profile_digest(DEFAULT):
        message = f"built with {record.name}: check it with the same profile"
        return None, _profile_finding(message, built, topic)
    if profile_digest(unrecorded) == record.sha256:
        return DEFAULT, None
    now = ProfileRecord.of(unrecorded, project).name
    message = f"built with {record.name}, but the project's is {now} now: rebuild (publish build)"
    return DEFAULT, _profile_finding(message, built, topic)


def _reloaded(
    record: ProfileRecord, project: Project, built: Manifest, topic: Topic
) -> tuple[Profile | None, Finding | None]:
    """The recorded profile file, loaded again as the build loaded it, if it is still there
    and still the profile the build printed."""
    from publish.config import load_profile

    path = project.folder / str(record.file)
    if not path.is_file():
        message = f"built with {record.name}, which is gone: restore it or rebuild (publish build)"
        return None, _profile_finding(message, built, topic)
    try:
        profile = load_profile(path)
    except ProfileError as exc:
        message = f"{record.name} changed since the build and no longer loads: {exc.raw}"
        return None, _profile_finding(message, built, topic)
    if profile_digest(profile) != record.sha256:
        message = _changed(record)
        return None, _profile_finding(message, built, topic)
    return profile, None


def built_files(
    topic: Topic, dist: Path, profile: Profile | None, project: Project
) -> tuple[dict[str, Path], list[Finding]]:
    """The built files to read back, by artifact name, and what is wrong with the build.

    Fails: no usable manifest; a topic or sources changed since the build; an artifact
    built with other templates, profile or toolkit than now (its input hash differs; not
    compared when `profile` is None: the build's profile cannot be had, `build_profile`
    says why); a listed file missing or changed; an unknown artifact; a registered
    artifact absent, unless the build recorded why it left it out (no clinician.md).
    """
    folder = manifest.output_folder(dist, topic.control.id, topic.variant)
    try:
        built = Manifest.load(folder)
    except ContentError as exc:
        missing = not (folder / MANIFEST).exists()
        message = "not built: run `publish build` first" if missing else exc.raw
        if topic.variant:
            message = f"{topic.variant}: {message}"
        return {}, [Finding("artifacts", "fail", message, str(folder / MANIFEST))]
    inputs = manifest.inputs_digest(topic.files())
    findings = []
    stale = built.built_from(topic.control, inputs)
    if stale:
        findings.append(Finding("artifacts", "fail", stale, str(built.path)))
    paper = str(built.fields.get("paper") or (profile or DEFAULT).paper)
    options = Options(paper=paper, profile=profile, project=project) if profile else None
    files = {}
    for entry in built.entries:
        path = built.file(entry)
        artifact = registry.get(entry["name"])
        if artifact is None:
            message = f"{entry['file']}: unknown artifact {entry['name']!r} in the manifest"
            findings.append(Finding("artifacts", "fail", message, str(path)))
            continue
        if not built.matches(entry):
            message = f"{entry['file']} is missing or does not match the manifest"
            findings.append(Finding("artifacts", "fail", message, str(path)))
            continue
        files[artifact.name] = path
        if options is None or stale:
            continue
        key = manifest.input_hash(inputs, artifact, options, topic.language)
        if entry.get("input_hash") != key:
            message = (
                f"{label(artifact.name, topic)}: built with other templates, another clinic "
                "profile or another publish version than now; build again (with the same "
                "--profile)"
            )
            findings.append(Finding("artifacts", "fail", message, str(path)))
    listed = {str(e["name"]) for e in built.entries} | set(built.not_built)
    for artifact in registry.ARTIFACTS.values():
        if artifact.name not in listed and _expected(artifact, topic):
            shown = label(artifact.name, topic)
            message = f"{shown}: {artifact.filename} was not built; run publish build"
            findings.append(Finding("artifacts", "fail", message, str(folder / artifact.filename)))
    return files, findings


def _expected(artifact: registry.Artifact, topic: Topic) -> bool:
    """Whether a build of this language must have made the artifact: not a variant (built
    only on request), and made from text the topic has in it (no clinician.md, no sheet)."""
    own = artifact.own_file(topic.variant)  # judged on the topic as loaded, not the folder
    return not artifact.variant and (own is None or own in {t.path.name for t in topic.texts})
