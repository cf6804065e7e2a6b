"""Read a course folder (``course.yaml`` + Markdown pages with front matter) into plain data.

Reading validates the files' structure; the wiki renderer then checks every page's
Markdown, maths and links. All problems are collected so an author sees them at once.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ASSET_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
MAX_ASSET_BYTES = 5 * 1024 * 1024
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MODULE_KEYS = {"title", "pages", "notebooks"}
COURSE_KEYS = {"title", "description", "modules"}


@dataclass(frozen=True)
class ContentProblem:
    path: str  # relative to the courses' parent folder, as the author knows it
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Authored content is invalid; every problem names its file and line."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class PageSource:
    file: str  # e.g. "pages/bragg.md", relative to the course folder
    slug: str
    title: str
    summary: str
    body: str
    body_line: int  # file line on which the body starts
    sha256: str  # of the whole file


@dataclass
class ModuleSource:
    title: str
    pages: list[str]  # page files, in order
    notebooks: list[str] = field(default_factory=list)  # exercise notebooks, e.g. "notebooks/x.ipynb"


@dataclass
class AssetSource:
    name: str  # e.g. "figures/form-factor.svg"
    media_type: str
    content: bytes
    sha256: str


@dataclass
class CourseSource:
    folder: Path
    slug: str
    title: str
    description: str
    modules: list[ModuleSource]
    pages: list[PageSource] = field(default_factory=list)
    assets: list[AssetSource] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)  # course.yaml's other keys, for other areas

    def line_of(self, needle: str) -> int:
        """The first line of course.yaml mentioning ``needle``, for errors about its values."""
        return _line_of(self.folder / "course.yaml", needle)

    def where(self, file: str) -> str:
        return f"{self.folder.name}/{file}"


def read_course(folder: Path, problems: list[ContentProblem]) -> CourseSource:
    """Read a course folder, appending structural problems to ``problems``.

    Raises ContentError only when ``course.yaml`` itself is unusable; otherwise the caller
    decides, so that problems in the pages that could be read are reported too.
    """
    folder = folder.resolve()
    course_file = folder / "course.yaml"
    if not course_file.is_file():
        raise ContentError([ContentProblem(f"{folder.name}/course.yaml", 1, "course file missing")])
    data = _load_yaml(course_file.read_text(encoding="utf-8"), f"{folder.name}/course.yaml", 1, problems)
    if not isinstance(data, dict):
        if not problems:
            problems.append(ContentProblem(f"{folder.name}/course.yaml", 1, "expected a mapping"))
        raise ContentError(problems)
    course = CourseSource(
        folder=folder,
        slug=folder.name,
        title=_text(data, "title", course_file, folder, problems),
        description=str(data.get("description") or ""),
        modules=_modules(data.get("modules"), course_file, folder, problems),
        sections={key: value for key, value in data.items() if key not in COURSE_KEYS},
    )
    if not SLUG.match(course.slug):
        problems.append(
            ContentProblem(
                course.where("course.yaml"), 1, f"folder name {course.slug!r} must be lowercase a-z, 0-9, -"
            )
        )
    seen_files: set[str] = set()
    titles: dict[str, str] = {}
    for module in course.modules:
        for file in module.pages:
            if file in seen_files:
                problems.append(
                    ContentProblem(
                        course.where("course.yaml"),
                        _line_of(course_file, file),
                        f"page {file} is listed twice",
                    )
                )
                continue
            seen_files.add(file)
            page = _read_page(folder, file, course, problems)
            if page is None:
                continue
            if page.title.casefold() in titles:
                problems.append(
                    ContentProblem(
                        course.where(file),
                        2,
                        f"title {page.title!r} is also used by {titles[page.title.casefold()]}",
                    )
                )
                continue
            titles[page.title.casefold()] = file
            course.pages.append(page)
    course.assets = _read_assets(folder, course, problems)
    return course


def _modules(raw: Any, course_file: Path, folder: Path, problems: list[ContentProblem]) -> list[ModuleSource]:
    where = f"{folder.name}/course.yaml"
    if not isinstance(raw, list) or not raw:
        problems.append(
            ContentProblem(
                where, _line_of(course_file, "modules"), "modules: expected a list of {title, pages}"
            )
        )
        return []
    modules = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
            problems.append(
                ContentProblem(
                    where,
                    _line_of(course_file, "modules"),
                    f"module {index}: expected a title and a list of pages",
                )
            )
            continue
        unknown = set(entry) - MODULE_KEYS
        if unknown:
            problems.append(
                ContentProblem(where, _line_of(course_file, entry["title"]),
                               f"module {entry['title']!r}: unknown keys {', '.join(sorted(unknown))} "
                               f"(known: {', '.join(sorted(MODULE_KEYS))})")
            )  # fmt: skip
        pages = entry.get("pages") or []
        notebooks = entry.get("notebooks") or []
        if not isinstance(notebooks, list) or not all(isinstance(n, str) for n in notebooks):
            problems.append(
                ContentProblem(
                    where,
                    _line_of(course_file, entry["title"]),
                    f"module {entry['title']!r}: notebooks must be a list of file names",
                )
            )
            notebooks = []
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            problems.append(
                ContentProblem(
                    where,
                    _line_of(course_file, entry["title"]),
                    f"module {entry['title']!r}: pages must be a list of file names",
                )
            )
            continue
        modules.append(
            ModuleSource(
                title=entry["title"],
                pages=[_page_path(p) for p in pages],
                notebooks=[n if "/" in n else f"notebooks/{n}" for n in notebooks],
            )
        )
    return modules


def _page_path(name: str) -> str:
    return name if "/" in name else f"pages/{name}"


def _read_page(
    folder: Path, file: str, course: CourseSource, problems: list[ContentProblem]
) -> PageSource | None:
    path = (folder / file).resolve()
    where = course.where(file)
    if not path.is_relative_to(folder) or path.suffix != ".md":
        problems.append(
            ContentProblem(
                course.where("course.yaml"), 1, f"page {file} must be a .md file inside the course"
            )
        )
        return None
    if not path.is_file():
        problems.append(
            ContentProblem(
                course.where("course.yaml"),
                _line_of(folder / "course.yaml", Path(file).name),
                f"page file {file} does not exist",
            )
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(ContentProblem(where, text_line(raw, error.start), "file is not valid UTF-8"))
        return None
    meta, body, body_line = split_front_matter(text, where, problems)
    if meta is None:
        return None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(ContentProblem(where, 1, "front matter needs a title"))
        return None
    unknown = set(meta) - {"title", "summary"}
    if unknown:
        problems.append(ContentProblem(where, 1, f"unknown front matter keys: {', '.join(sorted(unknown))}"))
    return PageSource(
        file=file,
        slug=Path(file).stem,
        title=title.strip(),
        summary=str(meta.get("summary") or "").strip(),
        body=body,
        body_line=body_line,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def split_front_matter(
    text: str, where: str, problems: list[ContentProblem]
) -> tuple[dict[str, Any] | None, str, int]:
    """Split ``---`` YAML front matter from the body; return (meta, body, first body line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(ContentProblem(where, 1, "a page starts with front matter: ---, title: ..., ---"))
        return None, "", 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            meta = _load_yaml("".join(lines[1:index]), where, 2, problems)
            if meta is not None and not isinstance(meta, dict):
                problems.append(ContentProblem(where, 2, "front matter must be a mapping (key: value)"))
                return None, "", 1
            return meta, "".join(lines[index + 1 :]), index + 2
    problems.append(ContentProblem(where, 1, "front matter is not closed with ---"))
    return None, "", 1


def _load_yaml(text: str, where: str, first_line: int, problems: list[ContentProblem]) -> Any:
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(error, "problem", None) or str(error)
        problems.append(ContentProblem(where, line, f"invalid YAML: {reason}"))
        return None


def _text(data: dict[str, Any], key: str, file: Path, folder: Path, problems: list[ContentProblem]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(ContentProblem(f"{folder.name}/{file.name}", 1, f"{key}: expected text"))
        return ""
    return value.strip()


def _line_of(file: Path, needle: str) -> int:
    """The first line of ``file`` mentioning ``needle`` (for errors about parsed YAML values)."""
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return 1


def text_line(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _read_assets(folder: Path, course: CourseSource, problems: list[ContentProblem]) -> list[AssetSource]:
    assets = []
    figures = folder / "figures"
    for path in sorted(figures.rglob("*")) if figures.is_dir() else []:
        if not path.is_file() or path.suffix.lower() not in ASSET_SUFFIXES:
            continue
        name = path.relative_to(folder).as_posix()
        content = path.read_bytes()
        if len(content) > MAX_ASSET_BYTES:
            problems.append(ContentProblem(course.where(name), 1, "figure larger than 5 MiB"))
            continue
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        assets.append(AssetSource(name, media_type, content, hashlib.sha256(content).hexdigest()))
    return assets
