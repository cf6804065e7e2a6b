"""Single and multiple choice, with per-option feedback and partial credit.

Single choice: the chosen option's credit (default 100% for ``correct: true``, else 0).
Multiple choice (Moodle's rule): the credits of the chosen options add up, clamped to [0, 1].
By default each correct option is worth 1/(number correct) and each wrong one costs
1/(number wrong), so ticking every box scores 0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from elearn.courses.yaml_lines import LineDict
from elearn.quiz.question_types import Variant, register_question_type
from elearn.quiz.spec import Grade, Question, Reader, as_list, check_keys, read_fraction, read_text


@dataclass
class Option:
    text: str
    credit: float  # fraction of the points, negative for a penalised wrong option
    correct: bool
    feedback: str


@dataclass
class ChoiceQuestion(Question):
    options: list[Option]
    shuffle: bool

    def order(self, seed: int) -> list[int]:
        """The options' display order for one attempt (stable for its seed)."""
        order = list(range(len(self.options)))
        if self.shuffle:
            random.Random(f"{seed}|{self.id}").shuffle(order)
        return order


class ChoiceType:
    keys = {"options", "shuffle"}

    def __init__(self, name: str, multiple: bool) -> None:
        self.name = name
        self.multiple = multiple

    def parse(self, raw: LineDict, base: Question, reader: Reader) -> ChoiceQuestion | None:
        items = as_list(raw.get("options"), raw.line_of("options"), reader, "options")
        if items is None:
            return None
        options: list[Option] = []
        authored: list[float | None] = []
        for index, item in enumerate(items):
            line = items.line_of(index)
            if not isinstance(item, LineDict):
                reader.problem(line, "option: expected {text, correct or credit, feedback}")
                continue
            check_keys(item, {"text", "correct", "credit", "feedback"}, reader, "option")
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                reader.problem(item.line_of("correct"), "correct: expected true or false")
                correct = False
            credit = None
            if "credit" in item:
                credit = read_fraction(
                    item["credit"], item.line_of("credit"), reader, "credit", self.multiple
                )
            text, feedback = (
                read_text(item, "text", reader),
                read_text(item, "feedback", reader, False),
            )
            options.append(Option(text, 0.0, correct, feedback))
            authored.append(credit)
        if len(options) < 2:
            reader.problem(raw.line_of("options"), "options: a choice question needs at least two")
            return None
        self._set_credits(options, authored)
        best = max(o.credit for o in options)
        total = sum(o.credit for o in options if o.credit > 0)
        if not self.multiple and best < 1:
            reader.problem(
                raw.line_of("options"), "single choice: one option must be correct (100%)"
            )
        if self.multiple and abs(total - 1) > 1e-6:
            reader.problem(
                raw.line_of("options"),
                f"multiple choice: positive credits add up to {total:.0%}, not 100%",
            )
        shuffle = raw.get("shuffle", True)
        if not isinstance(shuffle, bool):
            reader.problem(raw.line_of("shuffle"), "shuffle: expected true or false")
            shuffle = True
        return ChoiceQuestion(**vars(base), options=options, shuffle=shuffle)

    def _set_credits(self, options: list[Option], authored: list[float | None]) -> None:
        """Authored credits win; the others follow from ``correct`` (see the module docstring)."""
        for option, credit in zip(options, authored, strict=True):
            if credit is not None:
                option.credit, option.correct = credit, credit > 0
        correct = [o for o, c in zip(options, authored, strict=True) if c is None and o.correct]
        wrong = [o for o, c in zip(options, authored, strict=True) if c is None and not o.correct]
        for option in correct:
            option.credit = 1.0 / len(correct) if self.multiple else 1.0
        for option in wrong:
            option.credit = -1.0 / len(wrong) if self.multiple else 0.0

    def chosen(self, question: ChoiceQuestion, response: dict[str, Any]) -> list[int]:
        """Indices (authored order) of the options the response selects; invalid ones ignored."""
        raw = response.get("choices" if self.multiple else "choice")
        values = raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]
        indices = []
        for value in values:
            if (
                str(value).isdigit()
                and int(value) < len(question.options)
                and int(value) not in indices
            ):
                indices.append(int(value))
        return indices if self.multiple else indices[:1]

    def grade(self, question: ChoiceQuestion, variant: Variant, response: dict[str, Any]) -> Grade:
        chosen = self.chosen(question, response)
        if not chosen:
            return Grade(0.0, ("No option was selected.",))
        fraction = sum(question.options[i].credit for i in chosen)
        feedback = tuple(
            question.options[i].feedback for i in chosen if question.options[i].feedback
        )
        return Grade(min(1.0, max(0.0, fraction)), feedback)

    def correct_answer(self, question: ChoiceQuestion, variant: Variant) -> str:
        right = [o.text for o in question.options if o.credit > 0]
        return "; ".join(right)


register_question_type(ChoiceType("single", multiple=False))
register_question_type(ChoiceType("multiple", multiple=True))
