"""Per-student random parameters: drawn from the teacher's ranges, stable for an attempt.

The attempt's seed comes from (quiz, student, attempt number), each question's from the attempt
seed and the question id, so a reload, a restart or a regrade draws the same values. A quiz's
shared ``random:`` block is drawn once per attempt and read by every question (``Shared``). With
a variant pool (``variants: N``) draws use the seed of variant ``attempt seed % N`` instead, so
at most N value sets (and reference simulations) exist for the whole class.
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


@dataclass(frozen=True)
class Shared:
    """A quiz-level value (``random:``) seen by a question; drawn once per attempt."""

    spec: RandomRange | RandomChoice | Derived | float


ParameterSpec = RandomRange | RandomChoice | Derived | Shared | float
SHARED_DRAW = "random:"  # the shared block's draw key (question ids cannot contain ':')


def attempt_seed(quiz_key: str, user_id: int, attempt_number: int) -> int:
    """A 53-bit seed from the quiz, the student and the attempt number."""
    digest = hashlib.sha256(f"{quiz_key}|{user_id}|{attempt_number}".encode()).digest()
    return int.from_bytes(digest[:7], "big") >> 3


def variant_seed(quiz_key: str, variant: int) -> int:
    """The seed of variant ``variant`` of a quiz's pool (53 bits, like an attempt's)."""
    return attempt_seed(quiz_key, -1, variant)


def draw_seed(quiz_key: str, seed: int, variants: int) -> int:
    """The seed values are drawn from: the attempt's own, or its variant's (``seed % variants``)."""
    return variant_seed(quiz_key, seed % variants) if variants else seed


def draw_values(
    parameters: dict[str, ParameterSpec],
    seed: int,
    question_id: str,
    shared: dict[str, float] | None = None,
) -> dict[str, float]:
    """The values of a question's parameters for one attempt, in the order written; ``Shared``
    ones are taken from ``shared`` (the attempt's draw of the quiz's ``random:`` block)."""
    digest = hashlib.sha256(f"{seed}|{question_id}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    values: dict[str, float] = {}
    for name, spec in parameters.items():
        if isinstance(spec, Shared):
            values[name] = (shared or {})[name]
        elif isinstance(spec, Derived):
            values[name] = spec.formula(values)
        elif isinstance(spec, RandomRange | RandomChoice):
            values[name] = spec.draw(rng)
        else:
            values[name] = float(spec)
    return values


def value_count(spec: ParameterSpec) -> float:
    """How many distinct values a drawn parameter can take (inf for a continuous range)."""
    if isinstance(spec, Shared):
        return value_count(spec.spec)
    if isinstance(spec, RandomChoice):
        return len(set(spec.choices))
    if isinstance(spec, RandomRange):
        if spec.step is None:
            return math.inf if spec.high > spec.low else 1
        return int(math.floor((spec.high - spec.low) / spec.step + 1e-9)) + 1
    return 1


def typical_values(parameters: dict[str, ParameterSpec]) -> dict[str, float]:
    """Mid-range values, used to check at import that every formula can be evaluated."""
    values: dict[str, float] = {}
    for name, spec in parameters.items():
        if isinstance(spec, Shared):
            spec = spec.spec
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
