"""Per-student random parameters: drawn from the teacher's ranges, stable for an attempt.

The attempt's seed comes from (quiz, student, attempt number), each question's from the attempt
seed and the question id, so a reload, a restart or a regrade draws the same values.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

from elearn.quiz.formulas import Formula


@dataclass(frozen=True)
class RandomRange:
    """A uniform draw in [low, high], rounded to a multiple of ``step`` (when given)."""

    low: float
    high: float
    step: float | None = None

    def draw(self, rng: random.Random) -> float:
        if self.step:
            count = int(math.floor((self.high - self.low) / self.step + 1e-9))
            return _tidy(self.low + rng.randint(0, count) * self.step)
        return rng.uniform(self.low, self.high)

    def midpoint(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class RandomChoice:
    """One of the teacher's listed values."""

    choices: tuple[float, ...]

    def draw(self, rng: random.Random) -> float:
        return rng.choice(self.choices)

    def midpoint(self) -> float:
        return self.choices[0]


@dataclass(frozen=True)
class Derived:
    """A parameter computed from the ones before it (e.g. E from a drawn wavelength)."""

    formula: Formula


ParameterSpec = RandomRange | RandomChoice | Derived | float


def attempt_seed(quiz_key: str, user_id: int, attempt_number: int) -> int:
    """A 53-bit seed from the quiz, the student and the attempt number."""
    digest = hashlib.sha256(f"{quiz_key}|{user_id}|{attempt_number}".encode()).digest()
    return int.from_bytes(digest[:7], "big") >> 3


def draw_values(
    parameters: dict[str, ParameterSpec], seed: int, question_id: str
) -> dict[str, float]:
    """The values of a question's parameters for one attempt, in the order written."""
    digest = hashlib.sha256(f"{seed}|{question_id}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    values: dict[str, float] = {}
    for name, spec in parameters.items():
        if isinstance(spec, Derived):
            values[name] = spec.formula(values)
        elif isinstance(spec, RandomRange | RandomChoice):
            values[name] = spec.draw(rng)
        else:
            values[name] = float(spec)
    return values


def typical_values(parameters: dict[str, ParameterSpec]) -> dict[str, float]:
    """Mid-range values, used to check at import that every formula can be evaluated."""
    values: dict[str, float] = {}
    for name, spec in parameters.items():
        if isinstance(spec, Derived):
            values[name] = spec.formula(values)
        elif isinstance(spec, RandomRange | RandomChoice):
            values[name] = spec.midpoint()
        else:
            values[name] = float(spec)
    return values


def _tidy(value: float) -> float:
    """Remove float noise from stepped values (0.1 * 3 -> 0.3)."""
    return float(f"{value:.12g}")
