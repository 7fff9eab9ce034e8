"""A linear-chain line tagger: an averaged structured perceptron decoded with Viterbi.

Each line gets one role (``roles.ROLES``). The score of a page's role sequence is the sum
of feature weights (feature, role) over its lines plus transition weights
(previous role, role); Viterbi finds the best sequence. Training is Collins' (2002)
perceptron with averaged weights, visiting pages in a seeded order: small,
dependency-free beyond numpy, and deterministic, so the model file rebuilds byte for
byte from the same fixtures.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .roles import ROLES, Role

START = "<s>"
_SETTLED = 1e6  # far beyond any sum of weights: a settled line keeps its role
SHUFFLE_SEEDS = (7, 8, 9, 10, 11)  # visiting orders of the bagged runs
_R = len(ROLES)


@dataclass(frozen=True)
class Tagging:
    roles: tuple[Role, ...]
    margins: tuple[float, ...]  # per line: best score minus the best with another role there


@dataclass(frozen=True)
class Model:
    """Weights as arrays: ``emit[feature index]`` is a row of per-role weights;
    ``trans[0]`` holds the start weights, ``trans[1 + p][r]`` previous role p -> role r."""

    vocabulary: dict[str, int]
    emit: np.ndarray  # (features, roles)
    trans: np.ndarray  # (1 + roles, roles)

    def emissions(self, lines: Sequence[Sequence[str]]) -> np.ndarray:
        """Per line and role, the sum of the line's feature weights."""
        get = self.vocabulary.get
        index: list[int] = []
        owner: list[int] = []
        for i, feats in enumerate(lines):
            for f in feats:
                k = get(f)
                if k is not None:
                    index.append(k)
                    owner.append(i)
        out = np.zeros((len(lines), _R))
        np.add.at(out, np.array(owner, dtype=np.int64), self.emit[index])
        return out

    def best_roles(self, lines: Sequence[Sequence[str]]) -> tuple[Role, ...]:
        """The best role sequence alone (no margins): what training needs."""
        if not lines:
            return ()
        return tuple(ROLES[r] for r in _best_path(self.emissions(lines), self.trans))

    def tag(self, lines: Sequence[Sequence[str]],
            fixed: Mapping[int, Role] | None = None) -> Tagging:
        """The best roles with their margins; ``fixed`` settles some lines' roles
        beforehand, and the rest of the page is read around them."""
        if not lines:
            return Tagging((), ())
        emit = self.emissions(lines)
        for line, settled in (fixed or {}).items():
            emit[line] -= _SETTLED
            emit[line, ROLES.index(settled)] += _SETTLED
        path, through = _max_marginals(emit, self.trans)
        margins = []
        for i, role in enumerate(path):
            others = np.delete(through[i], role)
            margins.append(round(float(through[i][role] - others.max()), 3))
        return Tagging(tuple(ROLES[r] for r in path), tuple(margins))

    def save(self, path: Path) -> None:
        weights = {f: {ROLES[r]: round(float(v), 4) for r, v in enumerate(self.emit[i]) if v}
                   for f, i in sorted(self.vocabulary.items())}
        transitions = {name: {ROLES[r]: round(float(v), 4) for r, v in enumerate(row) if v}
                       for name, row in zip([START, *ROLES], self.trans, strict=True)}
        data = {"roles": list(ROLES), "transitions": transitions,
                "weights": {f: w for f, w in weights.items() if w}}
        path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["roles"]) != ROLES:
            raise ValueError(f"{path}: roles {data['roles']} differ from {list(ROLES)}")
        vocabulary = {f: i for i, f in enumerate(sorted(data["weights"]))}
        emit = np.zeros((len(vocabulary), _R))
        for f, i in vocabulary.items():
            for role, value in data["weights"][f].items():
                emit[i, ROLES.index(role)] = value
        trans = np.zeros((_R + 1, _R))
        for p, name in enumerate([START, *ROLES]):
            for role, value in data["transitions"].get(name, {}).items():
                trans[p, ROLES.index(role)] = value
        return cls(vocabulary, emit, trans)


def _best_path(emit: np.ndarray, trans: np.ndarray) -> list[int]:
    score = emit[0] + trans[0]
    back = np.zeros((len(emit), _R), dtype=np.int64)
    step = trans[1:]  # (previous, role)
    columns = np.arange(_R)
    for i in range(1, len(emit)):
        total = score[:, None] + step
        back[i] = total.argmax(axis=0)
        score = total[back[i], columns] + emit[i]
    path = [int(score.argmax())]
    for i in range(len(emit) - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


def _max_marginals(emit: np.ndarray, trans: np.ndarray) -> tuple[list[int], np.ndarray]:
    """The best path, and the best total score of any sequence that gives line i role r,
    for every (i, r)."""
    n = len(emit)
    step = trans[1:]
    forward = np.zeros((n, _R))
    back = np.zeros((n, _R), dtype=np.int64)
    forward[0] = emit[0] + trans[0]
    for i in range(1, n):
        total = forward[i - 1][:, None] + step
        back[i] = total.argmax(axis=0)
        forward[i] = total.max(axis=0) + emit[i]
    backward = np.zeros((n, _R))  # best score of lines after i, given role r at i
    for i in range(n - 2, -1, -1):
        backward[i] = (step + (backward[i + 1] + emit[i + 1])[None, :]).max(axis=1)
    path = [int(forward[-1].argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1], forward + backward


def train(pages: Sequence[tuple[Sequence[Sequence[str]], Sequence[Role]]],
          epochs: int = 12, seeds: Sequence[int] = SHUFFLE_SEEDS) -> Model:
    """Averaged perceptron over pages of (line features, gold roles), once per visiting
    order; the runs' weights are averaged (a bagged perceptron): one run's result depends
    on the order it met the pages, and on papers it has not seen that costs about 0.02 of
    article F1 either way (paper-grouped folds, ``docs/segmentation.md``)."""
    vocabulary: dict[str, int] = {}
    encoded = []
    for feats, gold in pages:
        rows = [np.array([vocabulary.setdefault(f, len(vocabulary)) for f in line],
                         dtype=np.int64) for line in feats]
        starts = np.cumsum([0, *(len(r) for r in rows[:-1])])
        flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        encoded.append((rows, flat, starts, [ROLES.index(g) for g in gold]))
    runs = [_perceptron(encoded, len(vocabulary), epochs, seed) for seed in seeds]
    emit = np.stack([run[0] for run in runs]).mean(axis=0)
    trans = np.stack([run[1] for run in runs]).mean(axis=0)
    return Model(vocabulary, np.round(emit, 4), np.round(trans, 4))


_Encoded = list[tuple[list[np.ndarray], np.ndarray, np.ndarray, list[int]]]


def _perceptron(encoded: _Encoded, features: int, epochs: int,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One averaged-perceptron run visiting the pages in the order ``seed`` shuffles."""
    emit, emit_sum = np.zeros((features, _R)), np.zeros((features, _R))
    trans, trans_sum = np.zeros((_R + 1, _R)), np.zeros((_R + 1, _R))
    order = list(range(len(encoded)))
    shuffler = random.Random(seed)
    step = 0
    for _ in range(epochs):
        shuffler.shuffle(order)
        for k in order:
            rows, flat, starts, wanted = encoded[k]
            step += 1
            if not rows:
                continue
            # every line has at least its bias feature, so no slice is empty
            scores = np.add.reduceat(emit[flat], starts, axis=0)
            guess = _best_path(scores, trans)
            if guess == wanted:
                continue
            prev_g = prev_p = -1
            for r, want, got in zip(rows, wanted, guess, strict=True):
                if want != got:
                    for table, total, col, delta in ((emit, emit_sum, want, 1.0),
                                                     (emit, emit_sum, got, -1.0)):
                        np.add.at(table[:, col], r, delta)
                        np.add.at(total[:, col], r, step * delta)
                if want != got or prev_g != prev_p:
                    for p, c, delta in ((prev_g, want, 1.0), (prev_p, got, -1.0)):
                        trans[p + 1, c] += delta
                        trans_sum[p + 1, c] += step * delta
                prev_g, prev_p = want, got
    average = float(step + 1)
    return emit - emit_sum / average, trans - trans_sum / average
