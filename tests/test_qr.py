"""QR codes on printed handouts: with the profile's `site_url`, each patient handout (standard
and large print, every language) carries a code a phone reads as the topic's page on the
clinic's site, tagged for screen readers, with its caption and address as text; without a
site, nothing of it is printed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest
from helpers import copy_seeds, structure_elements

from publish.builder import build_topics
from publish.config import load_profile
from publish.render.registry import ARTIFACTS
from publish.site.layout import page_url

SITE = "https://riverside.example/handouts"
TOPIC = "ketamine-depression"
PRINTED = {"handout": "handout.pdf", "large-print": "handout-large-print.pdf"}
"""The patient handouts that carry the code (never the clinician sheet)."""
LANGUAGES = {"en": TOPIC, "es": f"{TOPIC}.es"}
"""Each language's output folder."""
ALT = {"en": "QR code that opens this handout online", "es": "Código QR que abre esta hoja"}
CAPTION = {
    "en": "Scan to read this online, where you can make the text larger.",
    "es": "Escanee el código para leer esta hoja en internet",
}


@pytest.fixture(scope="module")
def site_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default topic with its Spanish translation, built with a profile that gives a
    site, on Letter and on A4: each build's dist folder, by paper."""
    project = tmp_path_factory.mktemp("site") / "project"
    copy_seeds(project / "seeds", translations=True)
    (project / "publish.toml").write_text(f'site_url = "{SITE}"\n', encoding="utf-8")
    profile = load_profile(project / "publish.toml")
    dists = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        for paper in ("letter", "a4"):
            dist = project / f"dist-{paper}"
            result = build_topics(
                out=dist, paper=paper, profile=profile, variants=["large-print"], jobs=1
            )
            assert result.ok, [str(e) for e in result.errors]
            dists[paper] = dist
    return dists


def _decoded(pdf: Path, folder: Path) -> list[str]:
    """What a barcode reader finds on the pages, read as a phone would: from pixels."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed (Debian package zbar-tools)")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(folder / "page")], check=True)
    found = []
    for image in sorted(folder.glob("page-*.png")):
        run = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
        )
        assert run.returncode in (0, 4), run.stderr  # 4: no code on this page
        found += run.stdout.split()
    return found


def _figure_alts(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as document:
        elements = structure_elements(document)
        return [str(e.get("/Alt", "")) for e in elements if e.S == "/Figure"]


def _first_page_text(pdf: Path) -> str:
    return " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())


@pytest.mark.parametrize("artifact", PRINTED)
@pytest.mark.parametrize("language", LANGUAGES)
def test_code_opens_the_topics_page_in_its_language(
    site_builds: dict[str, Path], language: str, artifact: str, tmp_path: Path
) -> None:
    pdf = site_builds["letter"] / LANGUAGES[language] / PRINTED[artifact]
    assert _decoded(pdf, tmp_path) == [page_url(SITE, TOPIC, language)]


@pytest.mark.parametrize("artifact", PRINTED)
@pytest.mark.parametrize("language", LANGUAGES)
def test_code_is_a_figure_with_alternative_text(
    site_builds: dict[str, Path], language: str, artifact: str
) -> None:
    alts = _figure_alts(site_builds["letter"] / LANGUAGES[language] / PRINTED[artifact])
    assert [alt for alt in alts if alt.startswith(ALT[language])], alts
    assert all(alt.strip() for alt in alts)


@pytest.mark.parametrize("artifact", PRINTED)
@pytest.mark.parametrize("language", LANGUAGES)
def test_caption_and_address_are_text_on_the_first_page(
    site_builds: dict[str, Path], language: str, artifact: str
) -> None:
    text = _first_page_text(site_builds["letter"] / LANGUAGES[language] / PRINTED[artifact])
    assert CAPTION[language] in text
    assert page_url(SITE, TOPIC, language) in text.replace(" ", "")


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_handouts_stay_within_their_page_limits(site_builds: dict[str, Path], paper: str) -> None:
    for folder in LANGUAGES.values():
        for artifact, name in PRINTED.items():
            with pikepdf.open(site_builds[paper] / folder / name) as pdf:
                limit = ARTIFACTS[artifact].max_pages
                assert limit is not None and len(pdf.pages) <= limit, (paper, folder, name)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_safety_text_is_still_read_where_it_prints(
    site_builds: dict[str, Path], language: str, paper: str
) -> None:
    """The code must not move the disclaimer or crisis lines where `check` cannot read them
    as a reader does (a crisis line split around its bullet once failed the gate)."""
    from publish.gates.built import safety
    from publish.topic import load_topic

    project = site_builds[paper].parent
    topic = load_topic(project / "seeds" / "topics" / TOPIC, language=language)
    files = {
        name: site_builds[paper] / LANGUAGES[language] / file for name, file in PRINTED.items()
    }
    profile = load_profile(project / "publish.toml")
    findings = safety(topic, files, profile)
    assert [f.status for f in findings] == ["pass"] * len(PRINTED), [f.message for f in findings]


def test_clinician_sheet_has_no_code(site_builds: dict[str, Path]) -> None:
    pdf = site_builds["letter"] / TOPIC / "clinician-summary.pdf"
    assert not [alt for alt in _figure_alts(pdf) if "QR" in alt]
    assert "Scan to read" not in _first_page_text(pdf)


def test_without_a_site_nothing_of_the_code_is_printed(built_topic: Path) -> None:
    pdf = built_topic / "handout.pdf"
    assert not [alt for alt in _figure_alts(pdf) if "QR" in alt]
    assert CAPTION["en"] not in _first_page_text(pdf)
    assert "riverside.example" not in _first_page_text(pdf)


@pytest.mark.parametrize(
    "given",
    ["http://riverside.example/handouts", "https://riverside.example/h?x=1", "riverside.example"],
)
def test_site_must_be_an_https_base_address(tmp_path: Path, given: str) -> None:
    """A printed code must not lead to a page anyone on the way can rewrite, and a page's
    path is added to the address, which a query or fragment would cut off."""
    from publish.errors import ProfileError

    (tmp_path / "publish.toml").write_text(f'site_url = "{given}"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="site_url' must be an https URL"):
        load_profile(tmp_path / "publish.toml")


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_full_clinic_block_and_the_code_share_the_masthead_within_two_pages(
    tmp_path: Path, paper: str
) -> None:
    """Logo, name, phone, address and website beside the code: the masthead is no taller
    than the clinic block alone, so the handout keeps to its two pages."""
    project = tmp_path / "project"
    copy_seeds(project / "seeds")
    example = Path(__file__).resolve().parent.parent / "docs" / "example-clinic"
    for name in ("publish.toml", "logo.svg"):
        (project / name).write_bytes((example / name).read_bytes())
    profile_file = project / "publish.toml"  # site_url before the profile's tables
    profile_file.write_text(f'site_url = "{SITE}"\n' + profile_file.read_text("utf-8"), "utf-8")
    profile = load_profile(project / "publish.toml")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        result = build_topics(out=project / "dist", paper=paper, profile=profile, only=["handout"])
    assert result.ok, [str(e) for e in result.errors]
    handout = project / "dist" / TOPIC / "handout.pdf"
    with pikepdf.open(handout) as pdf:
        assert len(pdf.pages) <= 2
    assert _decoded(handout, tmp_path) == [page_url(SITE, TOPIC, "en")]
