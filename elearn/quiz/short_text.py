"""Short text answers matched against the teacher's patterns, best credit wins.

A pattern is Moodle's: ``*`` matches any text, everything else literally, case-insensitive
unless ``case_sensitive: true``; ``regex:`` gives a full regular expression instead. Spaces
around the answer and repeated inner spaces are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from elearn.courses.yaml_lines import LineDict
from elearn.quiz.question_types import Variant, register_question_type
from elearn.quiz.spec import Grade, Question, Reader, as_list, check_keys, read_fraction, read_text

MAX_ANSWER_LENGTH = 500


@dataclass
class TextAnswer:
    pattern: re.Pattern[str]
    shown: str  # as the teacher wrote it, for the review
    credit: float
    feedback: str


@dataclass
class TextQuestion(Question):
    answers: list[TextAnswer]


def wildcard(pattern: str) -> str:
    return ".*".join(re.escape(_normalise(part)) for part in pattern.split("*"))


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip())


class ShortTextType:
    name = "text"
    keys = {"answers", "case_sensitive"}

    def parse(self, raw: LineDict, base: Question, reader: Reader) -> TextQuestion | None:
        case_sensitive = raw.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            reader.problem(raw.line_of("case_sensitive"), "case_sensitive: expected true or false")
        flags = 0 if case_sensitive is True else re.IGNORECASE
        items = as_list(raw.get("answers"), raw.line_of("answers"), reader, "answers")
        answers = []
        for index, item in enumerate(items or []):
            line = items.line_of(index) if items else raw.line
            if isinstance(item, str):
                item = LineDict(pattern=item)
                item.line, item.key_lines = line, {}
            if not isinstance(item, LineDict):
                reader.problem(
                    line, "answer: expected a pattern or {pattern or regex, credit, feedback}"
                )
                continue
            check_keys(item, {"pattern", "regex", "credit", "feedback"}, reader, "answer")
            if ("pattern" in item) == ("regex" in item):
                reader.problem(item.line, "answer: give exactly one of pattern or regex")
                continue
            shown = str(item.get("pattern", item.get("regex")))
            source = wildcard(shown) if "pattern" in item else shown
            try:
                compiled = re.compile(source, flags)
            except re.error as error:
                reader.problem(item.line_of("regex"), f"regex: {error}")
                continue
            credit = read_fraction(
                item.get("credit", 1.0), item.line_of("credit"), reader, "credit"
            )
            answers.append(
                TextAnswer(
                    compiled, shown, credit or 0.0, read_text(item, "feedback", reader, False)
                )
            )
        if answers and max(a.credit for a in answers) < 1:
            reader.problem(
                raw.line_of("answers"), "answers: one answer must give full credit (100%)"
            )
        return TextQuestion(**vars(base), answers=answers) if answers else None

    def grade(self, question: TextQuestion, variant: Variant, response: dict[str, Any]) -> Grade:
        text = _normalise(str(response.get("value") or ""))[:MAX_ANSWER_LENGTH]
        if not text:
            return Grade(0.0, ("No answer was given.",))
        for answer in sorted(question.answers, key=lambda a: -a.credit):
            if answer.pattern.fullmatch(text):
                return Grade(answer.credit, (answer.feedback,) if answer.feedback else ())
        return Grade(0.0)

    def correct_answer(self, question: TextQuestion, variant: Variant) -> str:
        best = max(question.answers, key=lambda a: a.credit)
        return best.shown.replace("*", "…")


register_question_type(ShortTextType())
