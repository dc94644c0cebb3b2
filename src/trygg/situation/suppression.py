"""Small-count suppression: the one implementation for everything a viewer sees (DESIGN.md §5).

Aggregates shown to the ``viewer`` role or published hide small counts: a count of 1 to
``threshold - 1`` is shown as "<5" (*primary* suppression; 0 is shown as 0), and further
cells are hidden as "–" (*secondary* suppression) so that no hidden small count can be
recovered from the numbers shown beside it.

The model
---------
A *table* is a set of named cells (any hashable key) with non-negative integer values,
plus additive constraints the reader knows hold between them:

* ``Constraint(total, parts)``: ``total == sum(parts)`` (a row total, a district as the
  sum of its RegSO areas, a category group as the sum of its categories, ...). Any
  nesting and overlapping hierarchies are allowed; a cell may be in many constraints.
* ``Constraint(total, parts, exact=False)``: ``total >= sum(parts)`` (containment: the
  last 4 weeks contain this week and the previous week).

Cells may be *unpublished*: counts that are part of the arithmetic but never shown (the
"place unknown" leaf in the municipality total, which has no row of its own). The reader
knows only that they are >= 0; a small unpublished count is protected like a shown one.

What the reader knows, and so what the attacker in ``disclosure_ranges`` knows: every
shown value; that a "<5" cell is in ``[1, threshold - 1]``; that a "–" cell is at least 1
(zeros are never hidden); the constraints. A hidden small count is *protected* when the
attacker's feasible range for it (the linear-programming relaxation: minimise and
maximise it subject to all of the above) contains at least two integers.

"–" does not promise "at least 5": a small count is itself shown as "–" when "<5" would
give it or others away whatever else were hidden. The case: a "<5" total whose four parts
are each "<5" says that all of them are 1 and the total 4; shown as "–", the total has
no upper bound and the parts range over 1..4.

The algorithm (deterministic: ties are broken by the order of the cells in ``values``)
------------------------------------------------------------------------------------------
1. Primary suppression: every cell with ``1 <= value < threshold`` ("<5").
2. Small counts that would be pinned even with every shown count hidden are shown as "–"
   instead (a local check per constraint, then linear programs choosing the fewest).
3. Local pass, until stable: an exact constraint with exactly one hidden cell, or any
   constraint that on its own pins a protected cell (interval arithmetic with the bounds
   above, e.g. "<5" + "<5" = 2 pins both to 1), gets one more shown cell hidden. The
   choice: never a zero; avoid grand totals (cells that are no constraint's part) and
   ``avoid`` cells; prefer a cell that makes the constraint safe on its own, then one
   whose other constraints already hide something (no new cascade), then the smallest.
4. Audit, exact for the relaxation: for every connected group of hidden cells, linear
   programs (HiGHS, through SciPy) move the protected cells as far as the constraints
   allow; a cell seen at least 1 away from its true value is safe. For a cell that stays
   pinned, a linear program finds the cheapest set of shown cells to hide so that it can
   move by 1 (each hidden cell costs 1, a grand total or ``avoid`` cell 11): a pin often
   comes from far away, a chain of cells at their bounds through rows, columns and the
   area hierarchy. Then back to 3, until nothing is pinned.

Secondary cells themselves are not protected: "–" means only "hidden, at least 1".

Several tables side by side (time windows) must be suppressed together: each may be
safe alone, yet this week's "<5" can be pinned by the last 4 weeks' count of the same cell
(this week <= last 4 weeks - the previous week). ``combine_tables`` with
``window_relations`` (or ``suppress_area_tables`` with ``spans``) adds those
containments. A reader also compares one week's report with the next (this year to
date now minus last week's year to date is this week), and a revised version with the
first: ``suppress_area_tables`` with ``published`` takes the windows published earlier
as fixed, with their relations to the new windows where the counts still satisfy them.
"""

from __future__ import annotations

import datetime
import enum
import itertools
import math
import numbers
from collections import deque
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

__all__ = [
    "DEFAULT_THRESHOLD",
    "HIDDEN_TEXT",
    "SMALL_TEXT",
    "TOTAL_COLUMN",
    "AreaTable",
    "Column",
    "Constraint",
    "Published",
    "Status",
    "SuppressionError",
    "Table",
    "Unpublished",
    "area_category_table",
    "combine_tables",
    "disclosure_ranges",
    "display_text",
    "display_texts",
    "is_protected",
    "small_text",
    "suppress",
    "suppress_area_table",
    "suppress_area_tables",
    "window_relations",
]

DEFAULT_THRESHOLD = 5
SMALL_TEXT = "<5"  # a primary-suppressed count (1-4) with the default threshold
HIDDEN_TEXT = "–"  # a secondary-suppressed count (U+2013 EN DASH)

# The LP solver's tolerances are about 1e-7; a move this close to 1 counts as 1.
_EPS = 1e-6
# A round of ``_Suppressor.fix`` hides cells found by programs over several blocks for
# this many pinned cells; the others wait for the next audit (they are often freed).
_WIDE_PATHS = 1


class Status(enum.StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # 1 .. threshold-1, displayed "<5"
    SECONDARY = "secondary"  # hidden to protect a primary cell, displayed "–"


class SuppressionError(RuntimeError):
    """No further cell can be hidden and a small count can still be recovered."""


@dataclass(frozen=True)
class Constraint:
    """``total == sum(parts)``, or ``total >= sum(parts)`` when ``exact`` is false."""

    total: Hashable
    parts: tuple[Hashable, ...]
    exact: bool = True

    def __post_init__(self):
        object.__setattr__(self, "parts", tuple(self.parts))


def small_text(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The text of a primary-suppressed cell: "<5" for the default threshold."""
    return f"<{threshold}"


def display_text(value: int, status: Status, *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The text of one cell: the number, "<5" or "–"."""
    if status == Status.PRIMARY:
        return small_text(threshold)
    if status == Status.SECONDARY:
        return HIDDEN_TEXT
    return str(int(value))


def display_texts(
    values: Mapping[Hashable, int],
    statuses: Mapping[Hashable, Status],
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Hashable, str]:
    """``display_text`` for every cell of ``statuses``."""
    return {
        cell: display_text(values[cell], status, threshold=threshold)
        for cell, status in statuses.items()
    }


def is_protected(low: float, high: float) -> bool:
    """True when the range ``[low, high]`` holds at least two integers."""
    if math.isinf(low) or math.isinf(high):
        return high > low
    return math.floor(high + _EPS) - math.ceil(low - _EPS) >= 1


# ---------------------------------------------------------------------------------------
# Internal problem representation: cells are numbered 0..n-1 in the order of ``values``.

_S, _P, _H, _U = 0, 1, 2, 3  # shown, primary, secondary ("hidden"), unpublished
_TO_STATUS = {_S: Status.SHOWN, _P: Status.PRIMARY, _H: Status.SECONDARY}
_FROM_STATUS = {Status.SHOWN: _S, Status.PRIMARY: _P, Status.SECONDARY: _H}


def _check_count(cell, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"count of cell {cell!r} must be an integer, got {value!r}")
    if value < 0:
        raise ValueError(f"count of cell {cell!r} must not be negative, got {value!r}")
    return int(value)


def _check_threshold(threshold):
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral):
        raise ValueError(f"threshold must be an integer, got {threshold!r}")
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold!r}")
    return int(threshold)


def _normalise_constraints(constraints) -> list[Constraint]:
    out = []
    for item in constraints:
        if isinstance(item, Constraint):
            out.append(item)
        elif isinstance(item, tuple) and len(item) in (2, 3):
            out.append(Constraint(*item))
        else:
            raise ValueError(
                f"a constraint must be a Constraint or a (total, parts) tuple, got {item!r}"
            )
    return out


def _relation_holds(values, exact):
    """Whether ``values[0]`` is (``exact``) or contains the sum of the others."""
    rest = sum(values[1:])
    return values[0] == rest if exact else values[0] >= rest


class _Problem:
    """Cells, values and constraints as index lists, plus per-cell state."""

    def __init__(self, cells, values, constraints, threshold, unpublished=()):
        self.cells = cells
        self.index = {cell: i for i, cell in enumerate(cells)}
        self.values = values
        self.t = threshold
        n = len(cells)
        self.unpublished = [False] * n
        for cell in unpublished:
            if cell not in self.index:
                raise ValueError(f"unpublished cell {cell!r} has no value")
            self.unpublished[self.index[cell]] = True
        self.eq_cells: list[list[int]] = []
        self.eq_coefs: list[list[int]] = []
        self.eq_exact: list[bool] = []
        self.cell_eqs: list[list[int]] = [[] for _ in range(n)]
        self.is_part = [False] * n
        for constraint in _normalise_constraints(constraints):
            self._add(constraint)

    @classmethod
    def joined(
        cls, problems: Mapping[Hashable, _Problem], relations, *, where_true=False
    ) -> _Problem:
        """The problem of ``combine_tables`` (same cells, same constraints in the same
        order) put together from the tables' problems: {name: problem}. ``where_true``:
        a relation's constraint on a cell is left out where the values break it (tables
        counted at different times, see ``combine_tables``)."""
        joint = cls.__new__(cls)
        joint.cells, joint.values, joint.unpublished = [], [], []
        joint.eq_cells, joint.eq_coefs, joint.eq_exact = [], [], []
        offsets = {}
        for name, part in problems.items():
            offset = offsets[name] = len(joint.cells)
            joint.cells.extend((name, cell) for cell in part.cells)
            joint.values.extend(part.values)
            joint.unpublished.extend(part.unpublished)
            joint.eq_cells.extend([i + offset for i in idx] for idx in part.eq_cells)
            joint.eq_coefs.extend(part.eq_coefs)
            joint.eq_exact.extend(part.eq_exact)
        for outer, inners, exact in relations:
            parts = [problems[name] for name in inners]
            for cell, i in problems[outer].index.items():
                if all(cell in part.index for part in parts):
                    idx = [i + offsets[outer]] + [
                        part.index[cell] + offsets[name]
                        for name, part in zip(inners, parts, strict=True)
                    ]
                    if where_true and not _relation_holds([joint.values[j] for j in idx], exact):
                        continue
                    joint.eq_cells.append(idx)
                    joint.eq_coefs.append([1] + [-1] * len(parts))
                    joint.eq_exact.append(bool(exact))
        joint.index = {cell: i for i, cell in enumerate(joint.cells)}
        joint.t = next(iter(problems.values())).t if problems else DEFAULT_THRESHOLD
        joint.cell_eqs = [[] for _ in joint.cells]
        joint.is_part = [False] * len(joint.cells)
        for e, (idx, exact) in enumerate(zip(joint.eq_cells, joint.eq_exact, strict=True)):
            for i in idx:
                joint.cell_eqs[i].append(e)
            if exact:
                for i in idx[1:]:
                    joint.is_part[i] = True
        return joint

    def _add(self, constraint: Constraint):
        total, parts = constraint.total, constraint.parts
        if not parts:
            raise ValueError(f"constraint on {total!r} has no parts")
        index = self.index
        try:
            idx = [index[total], *[index[p] for p in parts]]
        except KeyError:
            unknown = next(cell for cell in (total, *parts) if cell not in index)
            raise ValueError(
                f"constraint on {total!r} refers to unknown cell {unknown!r}"
            ) from None
        if len(set(idx)) != len(idx):
            if idx[0] in idx[1:]:
                raise ValueError(f"constraint on {total!r} has the total among its parts")
            raise ValueError(f"constraint on {total!r} lists a part twice")
        e = len(self.eq_cells)
        self.eq_cells.append(idx)
        self.eq_coefs.append([1] + [-1] * len(parts))
        self.eq_exact.append(bool(constraint.exact))
        cell_eqs = self.cell_eqs
        for i in idx:
            cell_eqs[i].append(e)
        if constraint.exact:
            is_part = self.is_part
            for i in idx[1:]:
                is_part[i] = True

    def incidence(self):
        """The constraints as a sparse matrix, constraints × cells (+1 the total, -1
        each part)."""
        if getattr(self, "_incidence", None) is None:
            rows = [e for e, idx in enumerate(self.eq_cells) for _ in idx]
            cols = [i for idx in self.eq_cells for i in idx]
            data = [float(c) for coefs in self.eq_coefs for c in coefs]
            self._incidence = sparse.csr_array(
                (data, (rows, cols)), shape=(len(self.eq_cells), len(self.cells))
            )
            self.incidence_csc = self._incidence.tocsc()
            self.eq_exact_array = np.array(self.eq_exact, dtype=bool)
        return self._incidence

    def blocks(self):
        """Cells grouped by the exact constraints that connect them (one table of a
        combined set is one block; containments link blocks): {block: [cells]}, and each
        cell's block. Linear programs restricted to one block are small, and what they
        find possible is possible for the whole."""
        if getattr(self, "_blocks", None) is None:
            n = len(self.cells)
            row, col = self.coo()[:2]
            exact = self.eq_exact_array[row]
            m = len(self.eq_cells)
            graph = sparse.csr_array(
                (np.ones(int(exact.sum())), (col[exact], n + row[exact])), shape=(n + m, n + m)
            )
            label = connected_components(graph, directed=False)[1][:n]
            first = np.full(label.max() + 1 if n else 0, n)
            np.minimum.at(first, label, np.arange(n))
            block_of = first[label].tolist()  # a block is named by its first cell
            members: dict[int, list[int]] = {}
            for i, b in enumerate(block_of):
                members.setdefault(b, []).append(i)
            self._blocks = (members, block_of)
        return self._blocks

    def check_consistent(self):
        if not self.eq_cells:
            return
        balance = self.incidence() @ np.asarray(self.values, dtype=float)
        wrong = np.flatnonzero(np.where(self.eq_exact_array, balance != 0, balance < 0))
        if len(wrong):
            e = wrong[0]
            idx, exact = self.eq_cells[e], self.eq_exact[e]
            total = self.cells[idx[0]]
            parts_sum = self.values[idx[0]] - int(balance[e])
            relation = "!=" if exact else "<"
            raise ValueError(
                f"constraint on {total!r} does not hold: "
                f"{self.values[idx[0]]} {relation} {parts_sum} (the sum of its parts)"
            )

    def bounds(self, i, status):
        s = status[i]
        if s == _S:
            return self.values[i], self.values[i]
        if s == _P:
            return 1, self.t - 1
        if s == _H:
            return 1, math.inf
        return 0, math.inf

    def protected(self, i, status):
        """Cells whose value must stay uncertain: hidden small counts (primary, secondary
        or unpublished)."""
        return status[i] != _S and 0 < self.values[i] < self.t

    # -- one constraint on its own ----------------------------------------------------

    def values_array(self):
        if getattr(self, "_values_array", None) is None:
            self._values_array = np.asarray(self.values, dtype=float)
        return self._values_array

    def coo(self):
        """The incidence matrix as (row, column, coefficient) arrays."""
        if getattr(self, "_coo", None) is None:
            coo = self.incidence().tocoo()
            self._coo = (coo.row, coo.col, coo.data)
        return self._coo

    def pinned_rows(self, status, *, classic=True):
        """``pinned_locally`` for every constraint at once (a boolean array): interval
        arithmetic over the sparse incidence matrix. Lets the passes over all
        constraints skip those that cannot reveal anything."""
        incidence = self.incidence()
        if not incidence.nnz:
            return np.zeros(len(self.eq_cells), dtype=bool)
        row, col, coef = self.coo()
        m = len(self.eq_cells)
        state = np.asarray(status)
        values = np.asarray(self.values, dtype=float)
        shown = state == _S
        low = np.where(shown, values, np.where(state == _U, 0.0, 1.0))
        high = np.where(shown, values, np.where(state == _P, self.t - 1.0, math.inf))
        protected = ~shown & (values > 0) & (values < self.t)
        hidden = ~shown[col]
        n_hidden = np.bincount(row, hidden, m)
        # the shown cells' part: sum(coef * x over hidden) == (or >=) rest
        rest = -np.bincount(row, np.where(hidden, 0.0, coef * values[col]), m)
        least = np.where(hidden, np.where(coef > 0, coef * low[col], coef * high[col]), 0.0)
        most = np.where(hidden, np.where(coef > 0, coef * high[col], coef * low[col]), 0.0)
        least_inf, most_inf = np.isinf(least), np.isinf(most)
        least_part = np.where(least_inf, 0.0, least)
        most_part = np.where(most_inf, 0.0, most)
        others_least = np.bincount(row, least_part, m)[row] - least_part
        others_most = np.bincount(row, most_part, m)[row] - most_part
        others_least_inf = np.bincount(row, least_inf, m)[row] - least_inf > 0
        others_most_inf = np.bincount(row, most_inf, m)[row] - most_inf > 0
        exact = self.eq_exact_array[row]
        lower = np.where(others_most_inf, -math.inf, rest[row] - others_most)
        upper = np.where(exact & ~others_least_inf, rest[row] - others_least, math.inf)
        with np.errstate(invalid="ignore"):
            lo = np.where(coef > 0, lower / coef, upper / coef)
            hi = np.where(coef > 0, upper / coef, lower / coef)
        lo = np.maximum(np.nan_to_num(lo, nan=-math.inf), low[col])
        hi = np.minimum(np.nan_to_num(hi, nan=math.inf), high[col])
        finite = np.isfinite(lo) & np.isfinite(hi)
        with np.errstate(invalid="ignore"):
            room = np.where(
                finite,
                np.floor(np.where(finite, hi, 0) + _EPS) - np.ceil(np.where(finite, lo, 0) - _EPS)
                >= 1,
                hi > lo,
            )
        pinned = np.bincount(row, hidden & protected[col] & ~room, m) > 0
        if classic:
            single = self.eq_exact_array & (n_hidden == 1)
            secondary = np.bincount(row, hidden & (state[col] == _H), m) > 0
            pinned |= single & secondary
        return pinned & (n_hidden > 0)

    def pinned_locally(self, e, status, *, classic=True, which=False):
        """True when constraint ``e`` alone reveals a protected cell, or (``classic``,
        exact) when it has exactly one hidden cell that is protected or secondary. With
        ``which``: the list of protected cells it reveals instead."""
        idx, coefs, exact = self.eq_cells[e], self.eq_coefs[e], self.eq_exact[e]
        hidden = [k for k, i in enumerate(idx) if status[i] != _S]
        if not hidden:
            return [] if which else False
        if exact and len(hidden) == 1:
            i = idx[hidden[0]]
            if which:
                return [i] if self.protected(i, status) else []
            return (classic and status[i] == _H) or self.protected(i, status)
        targets = [k for k in hidden if self.protected(idx[k], status)]
        if not targets:
            return [] if which else False
        revealed = []
        r = -sum(c * self.values[i] for i, c in zip(idx, coefs, strict=True) if status[i] == _S)
        # Each hidden cell contributes coef * x in [a, b]; sums kept as (finite part,
        # number of infinite terms) so that one cell's share can be taken out again.
        terms = {}
        low_finite = high_finite = 0
        low_inf = high_inf = 0
        for k in hidden:
            lo, hi = self.bounds(idx[k], status)
            c = coefs[k]
            a, b = (c * lo, c * hi) if c > 0 else (c * hi, c * lo)
            terms[k] = (a, b)
            if math.isinf(a):
                low_inf += 1
            else:
                low_finite += a
            if math.isinf(b):
                high_inf += 1
            else:
                high_finite += b
        for k in targets:
            a, b = terms[k]
            others_low = (
                -math.inf if low_inf - math.isinf(a) else low_finite - (0 if math.isinf(a) else a)
            )
            others_high = (
                math.inf if high_inf - math.isinf(b) else high_finite - (0 if math.isinf(b) else b)
            )
            # coef * x == r - others (exact), or >= r - others (containment)
            lower = r - others_high
            upper = r - others_low if exact else math.inf
            c = coefs[k]
            lo, hi = (lower / c, upper / c) if c > 0 else (upper / c, lower / c)
            blo, bhi = self.bounds(idx[k], status)
            if not is_protected(max(lo, blo), min(hi, bhi)):
                if not which:
                    return True
                revealed.append(idx[k])
        return revealed if which else False


class _Suppressor:
    def __init__(self, problem: _Problem, status, locked, tier):
        self.p = problem
        self.status = status
        self.locked = locked  # cells whose status may not change (``fixed``)
        self.tier = tier  # 1: avoid hiding (grand totals, ``avoid``)
        self.n_hidden = [sum(1 for i in idx if status[i] != _S) for idx in problem.eq_cells]
        self.changed: list[int] | None = None  # cells changed since the last local pass
        # Cells known to be able to move 1 (a point of the attacker's program moves them):
        # hiding more only widens the program, so they stay safe. The second set is for
        # the programs with everything hidden (``upgrade_intrinsic``).
        self.certified: set[int] = set()
        self.intrinsic_safe: set[int] = set()

    def settle(self, *, rounds=None):
        """Steps 3 and 4 of the algorithm, until nothing is pinned (or for ``rounds``
        rounds, for a starting point that is audited again later)."""
        p, status = self.p, self.status
        while rounds is None or rounds > 0:
            rounds = None if rounds is None else rounds - 1
            self.local_pass()
            pinned = _pinned_cells(p, status, self.certified)
            if not pinned:
                return
            certified = len(self.certified)
            if self.fix(pinned) or len(self.certified) > certified:
                continue
            # Hiding cannot help: the cells are pinned even with everything hidden.
            if self.upgrade_by_lp(self.all_hidden(), exact=True):
                continue
            raise SuppressionError(
                f"cannot protect {p.cells[pinned[0]]!r}: every other cell around it "
                "is zero, fixed or already hidden"
            )

    def statuses(self) -> dict[Hashable, Status]:
        """The published cells' statuses."""
        return {
            cell: _TO_STATUS[s]
            for cell, s in zip(self.p.cells, self.status, strict=True)
            if s != _U
        }

    def hide(self, i):
        self.status[i] = _H
        for e in self.p.cell_eqs[i]:
            self.n_hidden[e] += 1

    def unhide(self, i):
        self.status[i] = _S
        for e in self.p.cell_eqs[i]:
            self.n_hidden[e] -= 1

    def candidates(self, eqs):
        seen, out = set(), []
        for e in eqs:
            for i in self.p.eq_cells[e]:
                if i in seen:
                    continue
                seen.add(i)
                if self.status[i] == _S and self.p.values[i] > 0 and not self.locked[i]:
                    out.append(i)
        return out

    def new_exposures(self, i):
        return sum(1 for e in self.p.cell_eqs[i] if self.p.eq_exact[e] and self.n_hidden[e] == 0)

    def choose(self, candidates, safe_for=None):
        def key(i):
            unsafe = 0
            if safe_for is not None:
                self.hide(i)
                unsafe = int(self.p.pinned_locally(safe_for, self.status))
                self.unhide(i)
            return (self.tier[i], unsafe, self.new_exposures(i), self.p.values[i], i)

        return min(candidates, key=key) if candidates else None

    def local_pass(self):
        p = self.p
        if self.changed is None:
            queue = deque(e for e in range(len(p.eq_cells)) if self.n_hidden[e])
        else:
            queue = deque(sorted({e for i in self.changed for e in p.cell_eqs[i]}))
        self.changed = []
        queued = [False] * len(p.eq_cells)
        for e in queue:
            queued[e] = True
        # A constraint none of whose cells changed since this check cannot reveal more.
        suspect = p.pinned_rows(self.status).tolist()
        while queue:
            e = queue.popleft()
            queued[e] = False
            if not suspect[e] or not p.pinned_locally(e, self.status):
                continue
            i = self.choose(self.candidates([e]), safe_for=e)
            if i is None:
                continue  # nothing left to hide here; the audit decides
            self.hide(i)
            for e2 in p.cell_eqs[i]:
                suspect[e2] = True
                if not queued[e2]:
                    queued[e2] = True
                    queue.append(e2)

    def fix(self, pinned):
        """Hide more shown cells so that each pinned cell can move by 1; False when
        nothing could be hidden. For each cell a linear program finds the cheapest set of
        shown cells to hide (``_PathModel``): a pinned cell is often blocked far away, by
        a chain of cells at their bounds through rows, columns and the area hierarchy,
        which hiding a neighbour does not open."""
        p = self.p
        members, block_of = p.blocks()
        models: dict = {}  # frozenset of blocks (None: everything) -> model

        def path(i, blocks):
            if blocks not in models:
                region = None
                if blocks is not None and len(blocks) < len(members):
                    region = sorted(j for b in blocks for j in members[b])
                models[blocks] = _PathModel(self, region)
            return models[blocks].path(i, p.values[i])

        touched: set[int] = set()  # constraints changed: their cells wait for the audit
        witnesses = []  # (model, point) of the paths found so far
        hidden_before = len(self.changed)
        wide = [0]  # paths over more than one block so far

        def attempt(i, everything):
            """Hide what frees cell i; False when it needs more than this round allows."""
            if touched.intersection(p.cell_eqs[i]):
                return True
            if any(model.moves(point, i, p.values[i]) for model, point in witnesses):
                self.certified.add(i)  # the cells hidden for another one freed it
                return True
            # First only the cell's own block (one table), then with the blocks of the
            # hidden cells it is contained in or contains (the other windows' cells at
            # the same place), then (``everything``) all.
            own = frozenset([block_of[i]])
            linked = own | {
                block_of[j]
                for e in p.cell_eqs[i]
                if not p.eq_exact[e]
                for j in p.eq_cells[e]
                if self.status[j] != _S
            }
            found, blocks = path(i, own), own
            if found is None and linked != own:
                if wide[0] >= _WIDE_PATHS and not everything:
                    return False  # big programs: the next audit may find it free
                found, blocks = path(i, linked), linked
            if found is None and len(members) > len(linked):
                if not everything:
                    return False
                found, blocks = path(i, None), None
            if blocks != own and found:
                wide[0] += 1
            if found is not None:
                witnesses.append((models[blocks], models[blocks].last))
                if witnesses[-1][1][1]:
                    # the path's point moves it 1 once its cells are hidden (or already)
                    self.certified.add(i)
            for j in found or ():
                self.hide(j)
                for model in models.values():
                    model.hidden_now(j)
                self.changed.append(j)
                touched.update(p.cell_eqs[j])
            return True

        # The programs over everything are big: only for cells that nothing else this
        # round could help (the next audit looks at the others again).
        hard = [i for i in pinned if not attempt(i, False)]
        if hard and len(self.changed) == hidden_before:
            for i in hard:
                attempt(i, True)
        return len(self.changed) > hidden_before

    def all_hidden(self):
        """The statuses with every shown count that may be hidden hidden."""
        return [
            _H if s == _S and v > 0 and not locked else s
            for s, v, locked in zip(self.status, self.p.values, self.locked, strict=True)
        ]

    def upgrade_options(self, near, i):
        p = self.p
        options = [c for c in near if self.status[c] == _P and not self.locked[c]]

        def key(c):
            is_total = any(p.eq_cells[e][0] == c for e in p.cell_eqs[c] if i in p.eq_cells[e])
            return (not is_total, -p.values[c], c)

        return sorted(options, key=key)

    def upgrade_intrinsic(self):
        """Show as "–" the small counts whose "<5" would give others away even if every
        shown count were hidden: a "<5" total of four "<5" parts says that all are 1.
        Hiding shown cells can then fix everything else (at worst, hide them all)."""
        p = self.p
        while True:
            status = self.all_hidden()
            changed = False
            # A constraint none of whose cells changed since this check cannot reveal more.
            suspect = p.pinned_rows(status, classic=False).tolist()
            for e in range(len(suspect)):
                if not suspect[e] or not p.pinned_locally(e, status, classic=False):
                    continue
                options = self.upgrade_options(p.eq_cells[e], p.eq_cells[e][0])
                for c in options:
                    for e2 in p.cell_eqs[c]:
                        suspect[e2] = True
                    status[c] = _H
                    if not p.pinned_locally(e, status, classic=False):
                        break
                    status[c] = _P
                else:
                    if not options:
                        continue
                    status[options[0]] = _H  # not enough alone; the next ones follow
                for c in options:
                    if status[c] == _H and self.status[c] == _P:
                        self.status[c] = _H
                        changed = True
            if changed:
                continue
            if not self.upgrade_by_lp(status):
                return

    def upgrade_by_lp(self, status, *, exact=False) -> bool:
        """The linear-programming half of ``upgrade_intrinsic`` (``status``: everything
        hidden); True when something was upgraded. Without ``exact`` only the cells that
        interval arithmetic over the presolved program proves pinned (nearly all, and
        cheap); ``suppress`` comes back with ``exact`` when a pinned cell cannot be
        protected by hiding."""
        p = self.p
        changed = False
        for cells, eqs in _components(p, status):
            if len(eqs) == 1:  # one constraint: done by the local half
                continue
            targets = [
                k
                for k, i in enumerate(cells)
                if i not in self.intrinsic_safe and p.protected(i, status)
            ]
            if not targets:
                continue
            if exact:
                stuck = _stuck(p, status, cells, targets, self.intrinsic_safe)
            else:
                truth = np.array([p.values[i] for i in cells], dtype=float)
                reduced = _Reduced(*_program(p, status, cells))
                stuck = _pinned_positions(reduced, truth, targets, mode="proven")[0]
            if not stuck:
                continue
            changed |= self.upgrade_stuck(status, cells, [cells[k] for k in stuck])
        return changed

    def upgrade_stuck(self, status, cells, stuck) -> bool:
        """Upgrade what frees the ``stuck`` cells of one component (``status``: everything
        hidden). A program over the cell's own block first (the other blocks' cells at
        their values), then with the blocks it is contained in or contains, then the
        whole component: the small ones are much faster, and what they find works."""
        p = self.p
        _members, block_of = p.blocks()
        models: dict = {}
        points = []  # (model, solution): with their upgrades made, they move these
        changed = False

        def attempt(i, everything):
            nonlocal changed
            if any(model.moves(x, i, p.values[i]) for model, x in points):
                return True
            own = frozenset([block_of[i]])
            linked = own | {
                block_of[j] for e in p.cell_eqs[i] if not p.eq_exact[e] for j in p.eq_cells[e]
            }
            for blocks in dict.fromkeys((own, linked, None if everything else linked)):
                if blocks not in models and blocks != own and changed and not everything:
                    return True  # a new big program, maybe for nothing: the caller looks again
                if blocks not in models:
                    region = (
                        cells if blocks is None else [j for j in cells if block_of[j] in blocks]
                    )
                    models[blocks] = _UpgradeModel(self, status, region)
                model = models[blocks]
                chosen = model.upgrades(i, p.values[i])
                if chosen is None:
                    continue
                for c in chosen:
                    self.status[c] = status[c] = _H
                    for other in models.values():
                        other.upgraded(c)
                    changed = True
                points.append((model, model.last))
                return True
            return False

        # The whole component only for cells nothing else helped (the caller looks again).
        hard = [i for i in stuck if not attempt(i, False)]
        if hard and not changed:
            for i in hard:
                attempt(i, True)
        return changed


# ---------------------------------------------------------------------------------------
# Linear programs over the hidden cells


def _components(problem: _Problem, status):
    """Connected groups of hidden cells (linked by sharing a constraint), each with the
    constraints that touch it: [(cells, eqs)], in order of their first cell."""
    n, m = len(problem.cells), len(problem.eq_cells)
    hidden = np.asarray(status) != _S
    cells = np.flatnonzero(hidden)
    if not len(cells):
        return []
    row, col = problem.coo()[:2]
    touching = hidden[col]
    row, col = row[touching], col[touching]
    # cells and constraints as the nodes of one graph
    graph = sparse.csr_array((np.ones(len(row)), (col, n + row)), shape=(n + m, n + m))
    _count, label = connected_components(graph, directed=False)
    eqs = np.unique(row)
    cell_label, eq_label = label[cells], label[n + eqs]
    # groups in order of their first cell
    order = {int(g): k for k, g in enumerate(dict.fromkeys(cell_label.tolist()))}
    rank = (
        np.array([order[int(g)] for g in cell_label])
        if len(order) > 1
        else np.zeros(len(cells), dtype=np.int64)
    )
    groups = [([], []) for _ in order]
    by_cell = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[by_cell], np.arange(len(order) + 1))
    for g in range(len(order)):
        groups[g][0].extend(cells[by_cell[bounds[g] : bounds[g + 1]]].tolist())
    eq_rank = (
        np.array([order[int(g)] for g in eq_label], dtype=np.int64)
        if len(eqs)
        else np.zeros(0, dtype=np.int64)
    )
    by_eq = np.argsort(eq_rank, kind="stable")
    bounds = np.searchsorted(eq_rank[by_eq], np.arange(len(order) + 1))
    for g in range(len(order)):
        groups[g][1].extend(eqs[by_eq[bounds[g] : bounds[g + 1]]].tolist())
    return groups


try:  # SciPy's own HiGHS binding (SciPy >= 1.15): lets one model be re-solved warm
    from scipy.optimize._highspy import _core as _highs
except ImportError:  # pragma: no cover - older SciPy: every solve goes through linprog
    _highs = None


class _Model:
    """A linear program ``lhs <= A x <= rhs``, ``lower <= x <= upper`` whose objective
    and bounds change between solves. With SciPy's bundled HiGHS binding the model is
    loaded once and each solve starts from the previous basis (about ten times faster
    than ``linprog``, which rebuilds everything); ``linprog`` is the fallback."""

    def __init__(self, matrix, lhs, rhs, lower, upper, *, dual=False):
        self.dual = dual
        self.matrix = sparse.csr_array(matrix)
        self.lhs = np.asarray(lhs, dtype=float)
        self.rhs = np.asarray(rhs, dtype=float)
        self.lower = np.array(lower, dtype=float)
        self.upper = np.array(upper, dtype=float)
        self.n = self.matrix.shape[1]
        self._objective = None  # the objective HiGHS has
        self.highs = self._load() if _highs is not None and len(self.lhs) else None

    def _load(self):
        try:
            csc = self.matrix.tocsc()
            lp = _highs.HighsLp()
            lp.num_col_ = self.n
            lp.num_row_ = len(self.lhs)
            lp.a_matrix_.num_col_ = self.n
            lp.a_matrix_.num_row_ = len(self.lhs)
            lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
            lp.col_cost_ = np.zeros(self.n)
            lp.col_lower_ = self.lower
            lp.col_upper_ = self.upper
            lp.row_lower_ = self.lhs
            lp.row_upper_ = self.rhs
            lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
            lp.a_matrix_.index_ = csc.indices.astype(np.int32)
            lp.a_matrix_.value_ = csc.data.astype(float)
            highs = _highs._Highs()
            highs.setOptionValue("output_flag", False)
            # Primal simplex when the objective changes between solves (the last basis
            # stays feasible), dual simplex when bounds change (it stays optimal).
            highs.setOptionValue("simplex_strategy", 1 if self.dual else 4)
            highs.passModel(lp)
            self.columns = np.arange(self.n, dtype=np.int32)
            return highs
        except (AttributeError, TypeError):  # pragma: no cover - the binding changed
            return None

    def set_bounds(self, k, low, high):
        self.lower[k], self.upper[k] = low, high
        if self.highs is not None:
            self.highs.changeColBounds(int(k), float(low), float(high))

    def solve(self, objective):
        """(optimal point, objective value) minimising ``objective``; (None, -inf) when
        unbounded."""
        objective = np.asarray(objective, dtype=float)
        if not len(self.lhs):  # no constraints: each variable at its best bound
            if (objective < 0)[np.isinf(self.upper)].any():
                return None, -math.inf
            x = np.where(objective < 0, self.upper, self.lower)
            return x, float(objective @ x)
        if self.highs is not None:
            highs = self.highs
            if self._objective is None or not np.array_equal(objective, self._objective):
                highs.changeColsCost(self.n, self.columns, objective)
                self._objective = objective.copy()
            highs.run()
            state = highs.getModelStatus()
            if state == _highs.HighsModelStatus.kOptimal:
                x = np.array(highs.getSolution().col_value)
                return x, float(objective @ x)
            if state in (
                _highs.HighsModelStatus.kUnbounded,
                _highs.HighsModelStatus.kUnboundedOrInfeasible,
            ):
                return None, -math.inf
            message = highs.modelStatusToString(state)
        else:
            exact = self.lhs == self.rhs
            above = ~exact & np.isfinite(self.lhs)  # lhs <= A x
            below = ~exact & np.isfinite(self.rhs)  # A x <= rhs
            a_ub = sparse.vstack([-self.matrix[above], self.matrix[below]])
            b_ub = np.concatenate([-self.lhs[above], self.rhs[below]])
            result = linprog(
                objective,
                A_ub=a_ub if len(b_ub) else None,
                b_ub=b_ub if len(b_ub) else None,
                A_eq=self.matrix[exact] if exact.any() else None,
                b_eq=self.lhs[exact] if exact.any() else None,
                bounds=[
                    (lo, None if math.isinf(hi) else hi)
                    for lo, hi in zip(self.lower, self.upper, strict=True)
                ],
                method="highs",
            )
            if result.status == 3:
                return None, -math.inf
            if result.status == 0:
                return result.x, float(result.fun)
            message = result.message
        raise _Infeasible(message)


class _Infeasible(Exception):
    pass


def _rows(problem: _Problem, status, column, deviation=()):
    """The constraints touching ``column``'s cells as sparse rows: those cells are
    variables (``deviation`` cells as x = value + u - w, u and w at ``column[j]`` and
    ``column[j] + 1``), all others constants at their values. Returns (matrix, lhs, rhs)."""
    incidence = problem.incidence()  # constraints × cells, +1 total, -1 parts
    deviation = set(deviation)
    cells = np.fromiter(column, dtype=np.int64, count=len(column))
    n_vars = max(column.values(), default=-1) + 1 + (1 if deviation else 0)
    eqs = np.unique(problem.incidence_csc[:, cells].indices) if len(cells) else []
    sub = incidence[eqs]
    # cell -> variable map, and the values that stay constants
    columns = np.fromiter(column.values(), dtype=np.int64, count=len(column))
    moving = (
        np.isin(cells, np.fromiter(deviation, dtype=np.int64, count=len(deviation)))
        if deviation
        else np.zeros(len(cells), dtype=bool)
    )
    map_rows = np.concatenate([cells, cells[moving]])
    map_cols = np.concatenate([columns, columns[moving] + 1])
    map_data = np.concatenate([np.ones(len(cells)), -np.ones(int(moving.sum()))])
    constant_values = problem.values_array().copy()
    constant_values[cells[~moving]] = 0.0
    mapping = sparse.csr_array((map_data, (map_rows, map_cols)), shape=(len(problem.cells), n_vars))
    matrix = sub @ mapping
    lhs = -(sub @ constant_values)
    # sum(c x) == constant, or >= constant for a containment
    rhs = np.where(problem.eq_exact_array[eqs], lhs, math.inf) if len(eqs) else lhs
    return sparse.csr_array(matrix), lhs, rhs


def _program(problem: _Problem, status, cells):
    """The attacker's linear program over ``cells`` (all others at their values):
    (matrix, lhs, rhs, lower, upper)."""
    matrix, lhs, rhs = _rows(problem, status, {i: k for k, i in enumerate(cells)})
    bounds = [problem.bounds(i, status) for i in cells]
    lower = np.array([lo for lo, _ in bounds], dtype=float)
    upper = np.array([hi for _, hi in bounds], dtype=float)
    return matrix, lhs, rhs, lower, upper


class _LP(_Model):
    """The attacker's linear program for one component: variables are its hidden cells."""

    def __init__(self, problem: _Problem, status, cells, eqs=None):
        self.cells = cells
        super().__init__(*_program(problem, status, cells))

    def solve(self, objective):
        """The optimal point, or None when the objective is unbounded."""
        try:
            return super().solve(objective)[0]
        except _Infeasible as error:
            raise SuppressionError(
                f"the constraints cannot be solved ({error}); are the shown values consistent?"
            ) from None

    def extreme(self, k, sign):
        """max (sign=+1) or min (sign=-1) of variable k; +-inf when unbounded."""
        objective = np.zeros(self.n)
        objective[k] = -sign
        x = self.solve(objective)
        return (math.inf * sign, None) if x is None else (float(x[k]), x)


class _PathModel:
    """For ``_Suppressor.protection_path``: every hidden cell and every hideable shown
    cell is a variable; a shown cell may deviate from its value at a cost (a hidden one
    for free). One model per round, re-solved warm for each pinned cell."""

    def __init__(self, suppressor, region=None):
        p, status = suppressor.p, suppressor.status
        region = range(len(p.cells)) if region is None else region
        self.hidden = [j for j in region if status[j] != _S]
        self.free = [
            j for j in region if status[j] == _S and p.values[j] > 0 and not suppressor.locked[j]
        ]
        column = {j: k for k, j in enumerate(self.hidden)}
        for k, j in enumerate(self.free):
            column[j] = len(self.hidden) + 2 * k  # u_j (up), then w_j (down)
        self.column = column
        self.free_set = set(self.free)
        self.hidden_set = set(self.hidden)
        self.up = np.array([column[j] for j in self.free], dtype=np.int64)
        matrix, lhs, rhs = _rows(p, status, column, deviation=self.free)
        n_vars = len(self.hidden) + 2 * len(self.free)
        lower, upper = np.zeros(n_vars), np.full(n_vars, math.inf)
        for j in self.hidden:
            lower[column[j]], upper[column[j]] = p.bounds(j, status)
        self.cost = np.zeros(n_vars)
        for j in self.free:
            self.cost[column[j]] = self.cost[column[j] + 1] = 1.0 + 10.0 * suppressor.tier[j]
            upper[column[j] + 1] = p.values[j] - 1  # a hidden count is at least 1
        self.model = _Model(matrix, lhs, rhs, lower, upper, dual=True)

    def hidden_now(self, j):
        if j in self.free_set:
            self.cost[self.column[j]] = self.cost[self.column[j] + 1] = 0.0

    def path(self, i, value):
        """The free cells to hide so that cell ``i`` can move 1 from ``value`` (cells
        outside the model's region keep their values); None when no choice can."""
        k = self.column[i]
        low, high = self.model.lower[k], self.model.upper[k]
        best = None
        for target in (value + 1, value - 1):
            if not low <= target <= high:
                continue
            self.model.set_bounds(k, target, target)
            try:
                x, cost = self.model.solve(self.cost)
            except _Infeasible:
                continue
            finally:
                self.model.set_bounds(k, low, high)
            if x is not None and (best is None or cost < best[1] - _EPS):
                best = (x, cost)
                if cost < _EPS:
                    break  # it can move already
        if best is None:
            return None
        x = best[0]
        deviation = x[self.up] + x[self.up + 1] if len(self.up) else np.zeros(0)
        costed = self.cost[self.up] > 0
        chosen = costed & (deviation > _EPS)
        # Once the chosen cells are hidden, x is a point of the attacker's program (unless
        # a cell not chosen moved by a rounding error): the cells it moves 1 are safe.
        self.last = (x, not (costed & ~chosen & (deviation > 1e-9)).any())
        return [self.free[n] for n in np.flatnonzero(chosen)]

    def moves(self, witness, i, value):
        """Whether the point ``witness`` (a ``last`` of this model) moves hidden cell i 1."""
        x, exact = witness
        return exact and i in self.hidden_set and abs(x[self.column[i]] - value) >= 1 - _EPS


class _UpgradeModel:
    """For ``_Suppressor.upgrade_by_lp``: with everything hidden that may be hidden, the
    fewest "<5" cells to show as "–" instead (dropping their upper bound) so that a
    pinned cell can move by 1. The attacker's program without those upper bounds,
    presolved (``_Reduced``), plus ``x - s <= threshold - 1`` rows with a cost on ``s``;
    one model per region, re-solved for each pinned cell."""

    def __init__(self, suppressor, status, cells):
        p = suppressor.p
        self.cells = cells
        self.position = {i: k for k, i in enumerate(cells)}
        matrix, lhs, rhs, lower, upper = _program(p, status, cells)
        options = [k for k, i in enumerate(cells) if status[i] == _P and not suppressor.locked[i]]
        upper[options] = math.inf
        reduced = _Reduced(matrix, lhs, rhs, lower, upper)
        self.reduced = reduced
        # an option fixed by the others needs no upper bound
        self.options = [k for k in options if reduced.root[k] >= 0]
        n, m = reduced.matrix.shape[1], len(self.options)
        options = np.array(self.options, dtype=np.int64)
        # [A 0] between lhs and rhs; [sign * z_root -I] <= threshold - 1 - shift
        slack_rows = sparse.csr_array(
            (
                np.concatenate([reduced.sign[options], -np.ones(m)]),
                (
                    np.tile(np.arange(m), 2),
                    np.concatenate([reduced.root[options], n + np.arange(m)]),
                ),
            ),
            shape=(m, n + m),
        )
        wide = sparse.hstack([reduced.matrix, sparse.csr_array((reduced.matrix.shape[0], m))])
        self.model = _Model(
            sparse.vstack([wide, slack_rows]),
            np.concatenate([reduced.lhs, np.full(m, -math.inf)]),
            np.concatenate([reduced.rhs, p.t - 1.0 - reduced.shift[options]]),
            np.concatenate([reduced.lower, np.zeros(m)]),
            np.concatenate([reduced.upper, np.full(m, math.inf)]),
            dual=True,
        )
        self.cost = np.zeros(n + m)
        self.cost[n:] = 1.0
        self.n = n
        self.option_index = {k: n for n, k in enumerate(self.options)}
        self.last = None

    def upgrades(self, i, value):
        """The cells to show as "–" so that cell i can move 1 from ``value`` (cells
        outside the model's cells keep their values); None when no choice can."""
        k = self.position[i]
        reduced = self.reduced
        r = reduced.root[k]
        if r < 0:
            return None
        low, high = self.model.lower[r], self.model.upper[r]
        best = None
        for target in (value + 1, value - 1):
            at = (target - reduced.shift[k]) / reduced.sign[k]
            if not low - 1e-9 <= at <= high + 1e-9:
                continue
            self.model.set_bounds(r, at, at)
            try:
                x, cost = self.model.solve(self.cost)
            except _Infeasible:
                continue
            finally:
                self.model.set_bounds(r, low, high)
            if x is not None and (best is None or cost < best[1] - _EPS):
                best = (x, cost)
        if best is None:
            return None
        self.last = best[0][: self.n]
        chosen = [
            self.cells[k]
            for n, k in enumerate(self.options)
            if self.cost[self.n + n] > 0 and best[0][self.n + n] > _EPS
        ]
        for c in chosen:
            self.upgraded(c)
        return chosen

    def upgraded(self, c):
        """Cell c is "–" now: dropping its upper bound is free from now on."""
        k = self.position.get(c)
        if k is not None and k in self.option_index:
            self.cost[self.n + self.option_index[k]] = 0.0

    def moves(self, z, i, value):
        k = self.position.get(i)
        return k is not None and abs(self.reduced.cells(z, [k])[0] - value) >= 1 - _EPS


def _aliases(n, first, second, c_first, c_second, rhs):
    """Variables made aliases by exact rows ``c_first * x_first + c_second * x_second ==
    rhs`` (coefficients +-1; others are skipped): every variable v is ``f[v] *
    x[root[v]] + p[v]``. Returns (root, f, p, positions of the rows used)."""
    parent = list(range(n))
    factor = [1.0] * n
    plus = [0.0] * n

    def find(v):
        f, p = 1.0, 0.0
        while parent[v] != v:
            p += f * plus[v]
            f *= factor[v]
            v = parent[v]
        return v, f, p

    used = []
    unit = (np.abs(np.abs(c_first) - 1) < 1e-12) & (np.abs(np.abs(c_second) - 1) < 1e-12)
    for r, (i, j, ci, cj, c) in enumerate(
        zip(
            first.tolist(),
            second.tolist(),
            c_first.tolist(),
            c_second.tolist(),
            rhs.tolist(),
            strict=True,
        )
    ):
        if not unit[r]:
            continue
        ri, fi, pi = find(i)
        rj, fj, pj = find(j)
        if ri == rj:
            continue
        # ci (fi zi + pi) + cj (fj zj + pj) = c  =>  zj = f zi + p
        parent[rj] = ri
        factor[rj] = -ci * fi / (cj * fj)
        plus[rj] = (c - ci * pi - cj * pj) / (cj * fj)
        used.append(r)
    # every variable straight to its root: pointer jumping
    root = np.array(parent)
    f, p = np.array(factor), np.array(plus)
    while True:
        up = root[root]
        if np.array_equal(up, root):
            break
        p = p + f * p[root]
        f = f * f[root]
        root = up
    return root, f, p, np.array(used, dtype=np.int64)


class _Reduced:
    """The attacker's linear program ``lhs <= A x <= rhs``, ``lower <= x <= upper``
    presolved into an equivalent smaller one over variables z: rows with one variable
    become bounds, fixed variables constants, rows that cannot bind are dropped, and an
    exact row of two variables (``a = b + 3``, a group with one hidden category) makes one
    an alias of the other. Every cell is ``x_k = sign_k * z[root_k] + offset_k`` (``root_k``
    -1: a constant). The feasible points are the same, so a point of the reduced program
    is a point of the attacker's, and its bounds on z are bounds the attacker can prove."""

    def __init__(self, matrix, lhs, rhs, lower, upper):
        a = sparse.csr_array(matrix, dtype=float)
        lhs = np.array(lhs, dtype=float)
        rhs = np.array(rhs, dtype=float)
        lo = np.array(lower, dtype=float)
        hi = np.array(upper, dtype=float)
        n = a.shape[1]
        # x = map @ z + shift, map with at most one entry per row
        root = np.arange(n)
        sign = np.ones(n)
        shift = np.zeros(n)
        for _round in range(12):
            changed = False
            # fixed variables become constants
            fixed = hi - lo <= 1e-9
            if fixed.any():
                value = np.where(fixed, lo, 0.0)
                moved = a @ value
                lhs, rhs = lhs - moved, rhs - moved
                keep = np.flatnonzero(~fixed)
                renumber = np.full(len(lo), -1)
                renumber[keep] = np.arange(len(keep))
                has = root >= 0
                shift[has] += sign[has] * value[root[has]]
                root = np.where(has, renumber[np.where(has, root, 0)], -1)
                a = sparse.csr_array(a[:, keep])
                lo, hi = lo[keep], hi[keep]
                changed = True
            a.eliminate_zeros()
            count = np.diff(a.indptr)
            # rows of one variable become bounds (none: must hold, dropped)
            single = np.flatnonzero(count == 1)
            if len(single):
                j = a.indices[a.indptr[single]]
                c = a.data[a.indptr[single]]
                low = np.where(c > 0, lhs[single], rhs[single]) / c
                high = np.where(c > 0, rhs[single], lhs[single]) / c
                np.maximum.at(lo, j, low)
                np.minimum.at(hi, j, high)
            # rows that cannot bind
            positive, negative = a.maximum(0), a.minimum(0)
            finite_lo, finite_hi = np.where(np.isinf(lo), 0, lo), np.where(np.isinf(hi), 0, hi)
            least = positive @ finite_lo + negative @ finite_hi
            most = positive @ finite_hi + negative @ finite_lo
            least_inf = (positive @ np.isinf(lo) - negative @ np.isinf(hi)) > 0
            most_inf = (positive @ np.isinf(hi) - negative @ np.isinf(lo)) > 0
            slack = 1e-9 * (1 + np.abs(lhs))
            loose = (np.isinf(lhs) | (~least_inf & (least >= lhs - slack))) & (
                np.isinf(rhs) | (~most_inf & (most <= rhs + slack))
            )
            drop = loose | (count <= 1)
            # exact rows of two variables with coefficients +-1: one is the other's alias
            pairs = np.flatnonzero(~drop & (count == 2) & (lhs == rhs))
            alias = None
            if len(pairs):
                roots, f, p, used = _aliases(
                    len(lo),
                    a.indices[a.indptr[pairs]],
                    a.indices[a.indptr[pairs] + 1],
                    a.data[a.indptr[pairs]],
                    a.data[a.indptr[pairs] + 1],
                    lhs[pairs],
                )
                used = pairs[used]
                if len(used):
                    keep = np.flatnonzero(roots == np.arange(len(lo)))
                    renumber = np.full(len(lo), -1)
                    renumber[keep] = np.arange(len(keep))
                    new_lo, new_hi = lo[keep].copy(), hi[keep].copy()
                    # the aliases' bounds on their root: f z + p in [lo, hi]
                    low = np.where(f > 0, lo - p, hi - p) / f
                    high = np.where(f > 0, hi - p, lo - p) / f
                    np.maximum.at(new_lo, renumber[roots], low)
                    np.minimum.at(new_hi, renumber[roots], high)
                    alias = (renumber[roots], f, p, new_lo, new_hi)
                    drop[used] = True
            if drop.any():
                keep_rows = np.flatnonzero(~drop)
                a = sparse.csr_array(a[keep_rows])
                lhs, rhs = lhs[keep_rows], rhs[keep_rows]
                changed = True
            if alias is not None:
                target, f, p, lo, hi = alias
                substitute = sparse.csr_array(
                    (f, (np.arange(len(f)), target)), shape=(len(f), len(lo))
                )
                moved = a @ p
                lhs, rhs = lhs - moved, rhs - moved
                a = sparse.csr_array(a @ substitute)
                has = root >= 0
                where = np.where(has, root, 0)
                shift = np.where(has, shift + sign * p[where], shift)
                sign = np.where(has, sign * f[where], sign)
                root = np.where(has, target[where], -1)
                changed = True
            if not changed:
                break
        if (lo > hi + 1e-7).any():
            raise SuppressionError(
                "the constraints cannot be solved; are the shown values consistent?"
            )
        self.matrix, self.lhs, self.rhs, self.lower, self.upper = a, lhs, rhs, lo, hi
        self.root, self.sign, self.shift = root, sign, shift

    def cells(self, z, positions):
        """The cells' values at the reduced program's point z."""
        positions = np.asarray(positions, dtype=np.int64)
        r = self.root[positions]
        return (
            np.where(r >= 0, self.sign[positions] * z[np.maximum(r, 0)], 0.0)
            + self.shift[positions]
        )

    def implied_bounds(self, rounds=30):
        """Bounds on z that interval arithmetic over the rows proves (the attacker's
        chains of single rows: a hidden part is at most its total minus the other parts'
        least values, and so on): (lower, upper)."""
        a = sparse.coo_array(self.matrix)
        row, col, c = a.row, a.col, a.data
        m = self.matrix.shape[0]
        lo, hi = self.lower.copy(), self.upper.copy()
        lhs, rhs = self.lhs[row], self.rhs[row]
        for _round in range(rounds):
            least = np.where(c > 0, c * lo[col], c * hi[col])
            most = np.where(c > 0, c * hi[col], c * lo[col])
            least_inf, most_inf = np.isinf(least), np.isinf(most)
            least_part = np.where(least_inf, 0.0, least)
            most_part = np.where(most_inf, 0.0, most)
            row_least = np.bincount(row, least_part, m)[row] - least_part
            row_most = np.bincount(row, most_part, m)[row] - most_part
            others_least_inf = np.bincount(row, least_inf, m)[row] - least_inf > 0
            others_most_inf = np.bincount(row, most_inf, m)[row] - most_inf > 0
            # lhs - (others' most) <= c x <= rhs - (others' least)
            with np.errstate(invalid="ignore"):
                cx_low = np.where(others_most_inf, -math.inf, lhs - row_most)
                cx_high = np.where(others_least_inf, math.inf, rhs - row_least)
            low = np.where(c > 0, cx_low, cx_high) / c
            high = np.where(c > 0, cx_high, cx_low) / c
            new_lo, new_hi = lo.copy(), hi.copy()
            np.maximum.at(new_lo, col, np.nan_to_num(low, nan=-math.inf))
            np.minimum.at(new_hi, col, np.nan_to_num(high, nan=math.inf))
            if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
                break
            with np.errstate(invalid="ignore"):  # inf - inf: an unbounded side, unchanged
                change = np.nan_to_num(np.fmax(new_lo - lo, hi - new_hi), nan=0.0)
            if (change < 1e-9).all():
                break
            lo, hi = new_lo, new_hi
        return lo, hi


class _MoveModel(_Model):
    """The reduced attacker's program made to move many targets by 1 at once: for each
    target k two capped gains, ``up_k <= min(1, x_k - truth_k)`` and ``down_k <= min(1,
    truth_k - x_k)`` (free below). Maximising the sum of one gain per open target spreads
    the movement over all of them, where pushing the cells themselves lets one run off
    and leaves the others where they are; fixing a gain at 1 asks exactly whether that
    target can move 1 that way (the others still earn a bonus). Every solution is a point
    the attacker could reach: a cell it moves 1 is safe."""

    def __init__(self, reduced: _Reduced, truth, targets):
        n, m = reduced.matrix.shape[1], len(targets)
        targets = np.asarray(targets, dtype=np.int64)
        select = sparse.csr_array(
            (reduced.sign[targets], (np.arange(m), reduced.root[targets])), shape=(m, n)
        )
        eye = sparse.identity(m, format="csr")
        blocks = [[select, -eye, None], [select, None, eye]]
        if reduced.matrix.shape[0]:
            blocks.insert(0, [reduced.matrix, None, None])
        wide = sparse.bmat(blocks, format="csr")
        at = truth[targets] - reduced.shift[targets]
        super().__init__(
            wide,
            np.concatenate([reduced.lhs, at, np.full(m, -math.inf)]),
            np.concatenate([reduced.rhs, np.full(m, math.inf), at]),
            np.concatenate([reduced.lower, np.full(2 * m, -math.inf)]),
            np.concatenate([reduced.upper, np.ones(2 * m)]),
            dual=True,
        )
        self.reduced = reduced
        self.z_n = n
        self.gain = {int(k): j for j, k in enumerate(targets)}

    def column(self, k, direction):
        return self.z_n + self.gain[k] + (0 if direction > 0 else len(self.gain))

    def objective(self, remaining, direction):
        objective = np.zeros(self.n)
        for k in remaining:
            objective[self.column(k, direction[k])] = -1.0
        return objective

    def push(self, objective, force=None):
        """The targets' values at a point that moves those with a gain in ``objective``
        as far as possible towards 1, with target ``force = (k, direction)`` moved 1
        exactly; None when that is impossible."""
        if force is not None:
            column = self.column(*force)
            self.set_bounds(column, 1.0, 1.0)
        try:
            z, _value = self.solve(objective)
        except _Infeasible as error:
            if force is None:
                raise SuppressionError(
                    f"the constraints cannot be solved ({error}); are the shown values consistent?"
                ) from None
            return None
        finally:
            if force is not None:
                self.set_bounds(column, -math.inf, 1.0)
        return None if z is None else z[: self.z_n]


class _NearModel(_Model):
    """The reduced attacker's program as distances from the truth, ``z = truth + up -
    down`` with a cost of 1 per unit moved. Forcing one variable 1 away gives the
    nearest such point; only bounds change between solves, so each starts from the last
    optimal basis and takes few iterations."""

    def __init__(self, reduced: _Reduced, at):
        a = reduced.matrix
        n = a.shape[1]
        moved = a @ at
        super().__init__(
            sparse.hstack([a, -a], format="csr"),
            reduced.lhs - moved,
            reduced.rhs - moved,
            np.zeros(2 * n),
            np.concatenate([reduced.upper - at, at - reduced.lower]),
            dual=True,
        )
        self.at = at
        self.z_n = n
        self.cost = np.ones(2 * n)
        if self.highs is not None:  # only bounds change: cost perturbation only slows it
            self.highs.setOptionValue("dual_simplex_cost_perturbation_multiplier", 0.0)

    def force(self, r, step):
        """The point nearest to the truth with z[r] moved ``step`` (+-1), or None."""
        n = self.z_n
        column, other = (r, r + n) if step > 0 else (r + n, r)
        if self.upper[column] < 1 - 1e-9:
            return None
        saved = (self.lower[column], self.upper[column]), (self.lower[other], self.upper[other])
        self.set_bounds(column, 1.0, saved[0][1])
        self.set_bounds(other, 0.0, 0.0)
        try:
            x, _cost = self.solve(self.cost)
        except _Infeasible:
            return None
        finally:
            self.set_bounds(column, *saved[0])
            self.set_bounds(other, *saved[1])
        return None if x is None else self.at + x[:n] - x[n:]


def _moved(reduced, z, truth, remaining):
    """The cells of ``remaining`` that the point z of ``reduced`` moves by 1."""
    if z is None or not remaining:
        return []
    x = reduced.cells(z, remaining)
    return [k for k, v in zip(remaining, x, strict=True) if abs(v - truth[k]) >= 1 - _EPS]


def _pinned_positions(reduced: _Reduced, truth, targets, *, mode="exact", sweeps=6):
    """Which targets (cell positions) can move 1 away from ``truth``: ``(pinned, safe)``.
    First what interval arithmetic proves pinned; then a few programs push all open
    targets at once (``_MoveModel``); each target left is asked on its own, up and down
    (``_NearModel``), and every point found makes safe all it moves. ``mode``:

    * "exact": every target is in one of the two lists (exact for the relaxation);
    * "first": as "exact", unless interval arithmetic proves some pinned: those, and no
      safe ones (fixing them first frees many others, which need no programs then);
    * "proven": only what interval arithmetic proves pinned;
    * "sweep": only the safe ones the sweeps find (for a restricted program, whose
      pinned cells need not be pinned)."""
    low, high = reduced.implied_bounds()
    can = {}
    for k in targets:
        r = reduced.root[k]
        if r < 0:
            continue  # a constant
        a = reduced.sign[k] * low[r] + reduced.shift[k]
        b = reduced.sign[k] * high[r] + reduced.shift[k]
        a, b = min(a, b), max(a, b)
        up, down = truth[k] + 1 <= b + _EPS, truth[k] - 1 >= a - _EPS
        if up or down:
            # the way with more room first (a "<5" of 1 or 2 up, of 3 or 4 down)
            first = 1 if up and (not down or b - truth[k] >= truth[k] - a) else -1
            can[k] = [d for d in (first, -first) if (up if d > 0 else down)]
    pinned = [k for k in targets if k not in can]
    if mode == "proven" or (mode == "first" and pinned):
        return pinned, []
    exact = mode != "sweep"
    remaining = [k for k in targets if k in can]
    safe = []
    if remaining and sweeps and (not exact or len(remaining) > 12):  # few: one by one
        model = _MoveModel(reduced, truth, remaining)
        direction = {k: ways[0] for k, ways in can.items()}
        for attempt in range(sweeps):
            before = len(remaining)
            z = model.push(model.objective(remaining, direction))
            moved = set(_moved(reduced, z, truth, remaining))
            safe.extend(k for k in remaining if k in moved)
            remaining = [k for k in remaining if k not in moved]
            if not remaining or (attempt and before - len(remaining) <= before // 10):
                break
            for k in remaining:  # the other way next time
                if len(can[k]) == 2:
                    direction[k] = -direction[k]
    if not exact:
        return [], sorted(safe)
    if remaining:
        at = np.zeros(reduced.matrix.shape[1])
        has = reduced.root >= 0
        at[reduced.root[has]] = (truth[has] - reduced.shift[has]) / reduced.sign[has]
        near = _NearModel(reduced, at)
    while remaining:
        k = remaining.pop(0)
        for way in can[k]:
            z = near.force(reduced.root[k], way * reduced.sign[k])
            if z is not None and _moved(reduced, z, truth, [k]):
                moved = set(_moved(reduced, z, truth, remaining))
                safe.append(k)
                safe.extend(j for j in remaining if j in moved)
                remaining = [j for j in remaining if j not in moved]
                break
        else:
            pinned.append(k)
    return sorted(pinned), sorted(safe)


def _stuck(problem: _Problem, status, cells, targets, certified: set):
    """Targets (positions in ``cells``, one component) that the relaxation pins; targets
    found movable go to ``certified`` (see ``_pinned_positions``, mode "first": when
    some are proven pinned, the others may be left undecided). When the component spans
    several blocks, programs over one block at a time (the other blocks' cells held at
    their values: what they find possible is possible) certify most targets first."""
    truth = np.array([problem.values[i] for i in cells], dtype=float)
    _members, block_of = problem.blocks()
    by_block: dict[int, list[int]] = {}
    for k, i in enumerate(cells):
        by_block.setdefault(block_of[i], []).append(k)
    if len(by_block) > 1:
        wanted = set(targets)
        for positions in by_block.values():
            block_targets = [k for k in positions if k in wanted]
            if not block_targets:
                continue
            local = {k: n for n, k in enumerate(positions)}
            block_cells = [cells[k] for k in positions]
            reduced = _Reduced(*_program(problem, status, block_cells))
            _none, safe = _pinned_positions(
                reduced, truth[positions], [local[k] for k in block_targets], mode="sweep"
            )
            certified.update(block_cells[n] for n in safe)
        targets = [k for k in targets if cells[k] not in certified]
    if not targets:
        return []
    reduced = _Reduced(*_program(problem, status, cells))
    pinned, safe = _pinned_positions(reduced, truth, targets, mode="first")
    certified.update(cells[k] for k in safe)
    return pinned


def _pinned_cells(problem: _Problem, status, certified: set):
    """Protected hidden cells whose range (for the relaxation) holds only their true
    value. ``certified``: cells known to be able to move 1 (skipped; more are added):
    hiding more cells only widens the ranges, so once safe a cell stays safe."""
    pinned = []
    for cells, eqs in _components(problem, status):
        targets = [
            k for k, i in enumerate(cells) if i not in certified and problem.protected(i, status)
        ]
        if not targets:
            continue
        if len(eqs) == 1:  # one constraint: the interval check is exact
            stuck = set(problem.pinned_locally(eqs[0], status, classic=False, which=True))
            for k in targets:
                (pinned.append if cells[k] in stuck else certified.add)(cells[k])
            continue
        pinned.extend(cells[k] for k in _stuck(problem, status, cells, targets, certified))
    return pinned


# ---------------------------------------------------------------------------------------
# Public functions


def _cells_and_values(values: Mapping[Hashable, int]):
    cells = list(values)
    return cells, [_check_count(cell, values[cell]) for cell in cells]


def suppress(
    values: Mapping[Hashable, int],
    constraints: Iterable[Constraint | tuple] = (),
    *,
    threshold: int = DEFAULT_THRESHOLD,
    unpublished: Collection[Hashable] = (),
    avoid: Collection[Hashable] = (),
    fixed: Mapping[Hashable, Status] | None = None,
    start: Mapping[Hashable, Status] | None = None,
) -> dict[Hashable, Status]:
    """The status of every published cell of a table.

    ``values``: cell -> count (non-negative int). ``constraints``: ``Constraint`` objects
    or ``(total, parts)`` tuples over those cells; they must hold for the values.
    ``unpublished``: cells that take part in the constraints but are never shown (not in
    the result). ``avoid``: cells to keep shown if at all possible (grand totals, cells
    that are no constraint's part, are avoided anyway). ``fixed``: statuses already
    decided, e.g. published earlier (a PRIMARY cell must be small, a SHOWN one not, a
    SECONDARY one not 0). ``start``: a starting point, e.g. the result for parts of
    the table suppressed on their own: its SECONDARY cells are hidden from the start,
    and more may follow.

    Raises ValueError for bad input and SuppressionError when no choice of further cells
    could protect a small count (cannot happen unless ``fixed`` forbids it).
    """
    threshold = _check_threshold(threshold)
    cells, counts = _cells_and_values(values)
    problem = _Problem(cells, counts, constraints, threshold, unpublished)
    suppressor = _start(problem, avoid=avoid, fixed=fixed, start=start)
    suppressor.upgrade_intrinsic()
    suppressor.settle()
    return suppressor.statuses()


def _start(problem: _Problem, *, avoid=(), fixed=None, start=None) -> _Suppressor:
    """A suppressor of ``problem`` with primary suppression done (``suppress``)."""
    problem.check_consistent()
    cells, counts, threshold = problem.cells, problem.values, problem.t
    n = len(cells)
    status = [_S] * n
    for i, v in enumerate(counts):
        if problem.unpublished[i]:
            status[i] = _U
        elif 0 < v < threshold:
            status[i] = _P
    locked = [False] * n
    for cell, wanted in (fixed or {}).items():
        if cell not in problem.index:
            raise ValueError(f"fixed cell {cell!r} has no value")
        i = problem.index[cell]
        wanted = Status(wanted)
        if problem.unpublished[i]:
            raise ValueError(f"fixed cell {cell!r} is unpublished")
        small = 0 < counts[i] < threshold
        if (
            (wanted == Status.PRIMARY and not small)
            or (wanted == Status.SHOWN and small)
            or (wanted == Status.SECONDARY and counts[i] == 0)
        ):
            raise ValueError(f"fixed status {wanted} does not fit count {counts[i]} of {cell!r}")
        status[i] = _FROM_STATUS[wanted]
        locked[i] = True
    for cell, given in (start or {}).items():
        if cell not in problem.index:
            raise ValueError(f"start cell {cell!r} has no value")
        i = problem.index[cell]
        if Status(given) == Status.SECONDARY and not locked[i] and not problem.unpublished[i]:
            if counts[i] == 0:
                raise ValueError(f"start status secondary does not fit count 0 of {cell!r}")
            status[i] = _H
    tier = [0 if problem.is_part[i] else 1 for i in range(n)]
    for cell in avoid:
        if cell not in problem.index:
            raise ValueError(f"cell to avoid {cell!r} has no value")
        tier[problem.index[cell]] = 1
    return _Suppressor(problem, status, locked, tier)


def disclosure_ranges(
    statuses: Mapping[Hashable, Status],
    shown: Mapping[Hashable, int],
    constraints: Iterable[Constraint | tuple],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    unpublished: Collection[Hashable] = (),
    cells: Iterable[Hashable] | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """The attacker: what a reader of the published table can work out about each hidden
    cell, as the range ``(low, high)`` of values consistent with everything published
    (linear-programming relaxation; ``high`` may be ``inf``).

    Uses only public knowledge: ``statuses`` of the published cells, ``shown`` values of
    the SHOWN cells (other entries are ignored), the constraints, and the rules (a PRIMARY
    cell is in [1, threshold-1], a SECONDARY one at least 1, an unpublished one
    at least 0). ``cells``: which hidden cells to report (default: all of them).
    A small count is safe when ``is_protected(*range)``.
    """
    threshold = _check_threshold(threshold)
    unpublished = list(unpublished)
    all_cells = list(statuses) + [c for c in unpublished if c not in statuses]
    values = [0] * len(all_cells)
    status = [_U] * len(all_cells)
    for i, cell in enumerate(all_cells[: len(statuses)]):
        s = _FROM_STATUS[Status(statuses[cell])]
        status[i] = s
        if s == _S:
            if cell not in shown:
                raise ValueError(f"shown cell {cell!r} has no value")
            values[i] = _check_count(cell, shown[cell])
    problem = _Problem(all_cells, values, constraints, threshold)
    wanted = (
        [problem.index[c] for c in cells]
        if cells is not None
        else [i for i in range(len(all_cells)) if status[i] != _S]
    )
    result: dict[Hashable, tuple[float, float]] = {}
    by_cell = {}
    for comp_cells, eqs in _components(problem, status):
        for i in comp_cells:
            by_cell[i] = (comp_cells, eqs)
    lps: dict[int, _LP] = {}
    for i in wanted:
        if status[i] == _S:
            result[all_cells[i]] = (float(values[i]), float(values[i]))
            continue
        comp_cells, eqs = by_cell[i]
        key = comp_cells[0]
        if key not in lps:
            lps[key] = _LP(problem, status, comp_cells, eqs)
        lp = lps[key]
        k = comp_cells.index(i)
        high, _ = lp.extreme(k, +1)
        low, _ = lp.extreme(k, -1)
        result[all_cells[i]] = (low, high)
    return result


# ---------------------------------------------------------------------------------------
# Tables: cells plus constraints, built from plain inputs


@dataclass
class Table:
    """Cells with their counts and the constraints between them."""

    values: dict[Hashable, int]
    constraints: list[Constraint]
    unpublished: set[Hashable] = field(default_factory=set)

    def suppress(self, *, threshold: int = DEFAULT_THRESHOLD, **options) -> dict[Hashable, Status]:
        """``suppress`` on this table (statuses of the published cells only)."""
        return suppress(
            self.values,
            self.constraints,
            threshold=threshold,
            unpublished=self.unpublished,
            **options,
        )

    def shown_values(self, statuses: Mapping[Hashable, Status]) -> dict[Hashable, int]:
        """What a reader sees as numbers: the SHOWN cells' values."""
        return {c: self.values[c] for c, s in statuses.items() if s == Status.SHOWN}


class Column(NamedTuple):
    """A column of an area table: the total, a category group, or one category."""

    kind: str  # "total", "group" or "category"
    key: Hashable = None


TOTAL_COLUMN = Column("total")


class Unpublished(NamedTuple):
    """Row or column key of leaves/categories that have no row/column of their own (e.g.
    the "place unknown" leaf inside the municipality total). ``members`` is sorted."""

    members: tuple


@dataclass
class AreaTable(Table):
    """An area × category table; cells are ``(row_key, Column)``."""

    rows: list[Hashable] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)


def _set_family(sets: Sequence[tuple[Hashable, frozenset]], ground: Sequence[Hashable]):
    """Entities of one axis: the displayed sets, plus one unpublished entity per class of
    ground elements (same membership in every displayed set) that is no displayed set.

    Returns (entities [(key, frozenset)], equations [(key, [part keys])])."""
    signature: dict[Hashable, tuple] = {g: () for g in ground}
    for n, (_key, members) in enumerate(sets):
        for g in members:
            signature[g] = signature[g] + (n,)
    classes: dict[tuple, list] = {}
    for g in ground:
        classes.setdefault(signature[g], []).append(g)
    by_members = {}
    for key, members in sets:
        by_members.setdefault(members, key)
    atoms = []  # (key, members) of each class
    entities = list(sets)
    for sig, members in classes.items():
        if not sig:
            continue  # in no displayed set: irrelevant
        members_set = frozenset(members)
        if members_set in by_members:
            atoms.append((by_members[members_set], members_set))
        else:
            key = Unpublished(tuple(sorted(members, key=lambda m: (str(type(m)), m))))
            atoms.append((key, members_set))
            entities.append((key, members_set))
    atom_keys = {key for key, _ in atoms}

    # How often each displayed set crosses (partly overlaps) another: laminar sets such
    # as districts make the natural "nested" equations.
    crossings = []
    for _key, members in sets:
        crossings.append(
            sum(
                1
                for _k, other in sets
                if members & other and not members <= other and not other <= members
            )
        )
    equations = []
    for key, members in sets:
        if key in atom_keys and by_members.get(members) == key:
            continue
        flat = [a for a, m in atoms if m <= members]
        if not flat:
            continue  # an empty set: always 0, nothing to say
        if flat == [key]:
            continue
        equations.append((key, flat))
        # Nested: maximal displayed subsets, laminar ones first, then the atoms left over.
        inner = [
            (crossings[m], -len(other), m, k, other)
            for m, (k, other) in enumerate(sets)
            if other < members and len(other) > 1
        ]
        chosen, covered = [], set()
        for *_rank, k, other in sorted(inner, key=lambda t: t[:3]):
            if not covered & other:
                chosen.append(k)
                covered |= other
        if chosen:
            nested = chosen + [a for a, m in atoms if m <= members and not m & covered]
            if sorted(map(repr, nested)) != sorted(map(repr, flat)):
                equations.append((key, nested))
    return entities, equations


def area_category_table(
    leaf_counts: Any,
    *,
    leaves: Sequence[Hashable],
    categories: Sequence[Hashable],
    rows: Mapping[Hashable, Collection[Hashable]],
    groups: Mapping[Hashable, Collection[Hashable]],
    show_categories: bool = True,
) -> AreaTable:
    """The lägesbild's area × category table.

    ``leaf_counts``: counts per leaf area and category, a 2-D array (``leaves`` ×
    ``categories``) or a mapping ``(leaf, category) -> count`` (missing pairs are 0).
    ``rows``: row key -> the leaves it is the union of (focus areas, districts, RegSO
    areas, the municipality; any overlap; row keys must be distinct, e.g. "fa:3").
    ``groups``: group key -> its categories. Columns: the total, each group and (when
    ``show_categories``) each category. Leaves or categories without a row or column of
    their own become unpublished cells (keyed ``Unpublished(...)``).
    """
    leaves, categories = list(leaves), list(categories)
    leaf_index = {leaf: i for i, leaf in enumerate(leaves)}
    category_index = {c: j for j, c in enumerate(categories)}
    if len(leaf_index) != len(leaves) or len(category_index) != len(categories):
        raise ValueError("leaves and categories must be distinct")
    if isinstance(leaf_counts, Mapping):
        matrix = np.zeros((len(leaves), len(categories)), dtype=np.int64)
        for (leaf, category), count in leaf_counts.items():
            if leaf not in leaf_index or category not in category_index:
                raise ValueError(f"count for unknown leaf or category {(leaf, category)!r}")
            matrix[leaf_index[leaf], category_index[category]] = _check_count(
                (leaf, category), count
            )
    else:
        matrix = np.asarray(leaf_counts)
        if matrix.shape != (len(leaves), len(categories)):
            raise ValueError(
                f"leaf_counts has shape {matrix.shape}, expected {(len(leaves), len(categories))}"
            )
        if matrix.size and not np.issubdtype(matrix.dtype, np.integer):
            raise ValueError(f"leaf_counts must hold integers, got dtype {matrix.dtype}")
        if (matrix < 0).any():
            raise ValueError("leaf_counts must not be negative")
        matrix = matrix.astype(np.int64)

    row_sets = []
    for key, members in rows.items():
        unknown = [m for m in members if m not in leaf_index]
        if unknown:
            raise ValueError(f"row {key!r} has unknown leaves {unknown!r}")
        row_sets.append((key, frozenset(members)))
    column_sets = [(TOTAL_COLUMN, frozenset(categories))]
    for key, members in groups.items():
        unknown = [m for m in members if m not in category_index]
        if unknown:
            raise ValueError(f"group {key!r} has unknown categories {unknown!r}")
        column_sets.append((Column("group", key), frozenset(members)))
        if show_categories:
            column_sets.extend((Column("category", c), frozenset([c])) for c in members)
    if show_categories:
        grouped = set().union(*(set(m) for m in groups.values())) if groups else set()
        column_sets.extend(
            (Column("category", c), frozenset([c])) for c in categories if c not in grouped
        )

    row_entities, row_equations = _set_family(row_sets, leaves)
    column_entities, column_equations = _set_family(column_sets, categories)
    row_matrix = np.zeros((len(row_entities), len(leaves)), dtype=np.int64)
    for r, (_key, members) in enumerate(row_entities):
        row_matrix[r, [leaf_index[m] for m in members]] = 1
    column_matrix = np.zeros((len(categories), len(column_entities)), dtype=np.int64)
    for c, (_key, members) in enumerate(column_entities):
        column_matrix[[category_index[m] for m in members], c] = 1
    table = row_matrix @ matrix @ column_matrix

    values, unpublished = {}, set()
    for r, (row_key, _) in enumerate(row_entities):
        for c, (column_key, _) in enumerate(column_entities):
            cell = (row_key, column_key)
            values[cell] = int(table[r, c])
            if isinstance(row_key, Unpublished) or isinstance(column_key, Unpublished):
                unpublished.add(cell)
    constraints = []
    for column_key, _ in column_entities:
        for total, parts in row_equations:
            constraints.append(Constraint((total, column_key), [(p, column_key) for p in parts]))
    for row_key, _ in row_entities:
        for total, parts in column_equations:
            constraints.append(Constraint((row_key, total), [(row_key, p) for p in parts]))
    return AreaTable(
        values=values,
        constraints=constraints,
        unpublished=unpublished,
        rows=[key for key, _ in row_sets],
        columns=[key for key, _ in column_sets],
    )


def window_relations(
    spans: Mapping[Hashable, tuple[datetime.date, datetime.date]],
) -> list[tuple[Hashable, list[Hashable], bool]]:
    """What date windows (inclusive ``(start, end)``) say about each other's counts:
    ``(outer, inners, exact)`` for every maximal family of pairwise disjoint windows that
    lie inside ``outer`` (``exact`` when they fill it). E.g. the last 4 weeks contain this
    week and the previous week: ``("last4", ["current", "previous"], False)``."""

    def days(span):
        return (span[1] - span[0]).days + 1

    relations = []
    for outer, (start, end) in spans.items():
        inside = [
            name for name, (s, e) in spans.items() if name != outer and start <= s and e <= end
        ]
        families = []
        for size in range(len(inside), 0, -1):
            for family in itertools.combinations(inside, size):
                if any(set(family) <= set(f) for f in families):
                    continue
                ordered = sorted(spans[name] for name in family)
                if all(a[1] < b[0] for a, b in itertools.pairwise(ordered)):
                    families.append(family)
        for family in families:
            exact = sum(days(spans[name]) for name in family) == days((start, end))
            relations.append((outer, list(family), exact))
    return relations


def combine_tables(
    tables: Mapping[Hashable, Table],
    relations: Iterable[tuple[Hashable, Sequence[Hashable], bool]] = (),
    *,
    where_true: bool = False,
) -> Table:
    """One table of several (e.g. time windows) with their cells keyed ``(name, cell)``,
    so that they are suppressed together. ``relations``: ``(outer, inners, exact)``, see
    ``window_relations``: for every cell key the tables share, ``outer`` >= (or ==) the
    sum over ``inners``. ``where_true``: leave a relation out for the cells whose values
    break it (tables counted at different times: a late report or a withdrawal since the
    earlier one was published changes a window's count, and a reader who takes the earlier
    count for the current one then reaches a wrong value, not the hidden one)."""
    values, constraints, unpublished = {}, [], set()
    for name, table in tables.items():
        for cell, value in table.values.items():
            values[(name, cell)] = value
        for constraint in table.constraints:
            constraints.append(
                Constraint(
                    (name, constraint.total),
                    [(name, p) for p in constraint.parts],
                    constraint.exact,
                )
            )
        unpublished.update((name, cell) for cell in table.unpublished)
    for outer, inners, exact in relations:
        for cell in tables[outer].values:
            if all(cell in tables[name].values for name in inners):
                if where_true and not _relation_holds(
                    [tables[outer].values[cell], *(tables[name].values[cell] for name in inners)],
                    exact,
                ):
                    continue
                constraints.append(
                    Constraint((outer, cell), [(name, cell) for name in inners], exact)
                )
    return Table(values, constraints, unpublished)


# ---------------------------------------------------------------------------------------
# The lägesbild's tables, from the dicts of ``structure.Row.as_dict`` / ``Group.as_dict``


def _leaf_matrix(row_dicts, row_level, leaves, n_columns):
    """Leaf × column counts that reproduce row-level counts: each class of leaves that
    lies in the same rows is one pseudo-leaf, solved for from the rows (one leaf per
    row-level RegSO row; the rest, like "place unknown", from the totals)."""
    row_level = np.asarray(row_level)
    if row_level.size and not np.issubdtype(row_level.dtype, np.integer):
        raise ValueError(f"counts must hold integers, got dtype {row_level.dtype}")
    if row_level.shape != (len(row_dicts), n_columns):
        raise ValueError(
            f"counts have shape {row_level.shape}, expected {(len(row_dicts), n_columns)}"
        )
    membership = np.zeros((len(row_dicts), len(leaves)), dtype=float)
    for r, row in enumerate(row_dicts):
        membership[r, [leaves.index(leaf) for leaf in row["leaves"]]] = 1
    solution, _residual, rank, _ = np.linalg.lstsq(membership, row_level.astype(float))
    if rank < len(leaves):
        raise ValueError("the rows do not determine the counts of every class of leaves")
    matrix = np.rint(solution).astype(np.int64)
    if (matrix < 0).any() or not np.array_equal(membership.astype(np.int64) @ matrix, row_level):
        raise ValueError("the row counts are inconsistent with the rows' leaves")
    return matrix


def _pseudo_leaves(row_dicts):
    """Classes of leaves with the same row membership, as the rows' leaves."""
    signature: dict[Hashable, tuple] = {}
    for r, row in enumerate(row_dicts):
        for leaf in row["leaves"]:
            signature[leaf] = signature.get(leaf, ()) + (r,)
    classes: dict[tuple, list] = {}
    for leaf in sorted(signature, key=repr):
        classes.setdefault(signature[leaf], []).append(leaf)
    representative = {}
    for members in classes.values():
        for leaf in members:
            representative[leaf] = members[0]
    pseudo_rows = [
        {**row, "leaves": sorted({representative[leaf] for leaf in row["leaves"]}, key=repr)}
        for row in row_dicts
    ]
    return pseudo_rows, [members[0] for members in classes.values()]


def _area_table_from_dicts(row_dicts, group_dicts, group_counts, category_counts):
    pseudo_rows, leaves = _pseudo_leaves(row_dicts)
    categories = [c["id"] for g in group_dicts for c in g["categories"]]
    matrix = _leaf_matrix(pseudo_rows, category_counts, leaves, len(categories))
    table = area_category_table(
        matrix,
        leaves=leaves,
        categories=categories,
        rows={row["id"]: row["leaves"] for row in pseudo_rows},
        groups={g["code"]: [c["id"] for c in g["categories"]] for g in group_dicts},
    )
    if group_counts is not None:
        group_counts = np.asarray(group_counts)
        for r, row in enumerate(row_dicts):
            for g, group in enumerate(group_dicts):
                if table.values[(row["id"], Column("group", group["code"]))] != group_counts[r, g]:
                    raise ValueError(
                        f"group count of row {row['id']!r}, group {group['code']!r} is not "
                        "the sum of its categories"
                    )
    return table


def _as_json(row_dicts, group_dicts, values, statuses, threshold):
    def cell(key):
        status = statuses[key]
        if status == Status.SHOWN:
            return values[key]
        return small_text(threshold) if status == Status.PRIMARY else HIDDEN_TEXT

    return {
        "threshold": threshold,
        "groups": [
            [cell((row["id"], Column("group", g["code"]))) for g in group_dicts]
            for row in row_dicts
        ],
        "totals": [cell((row["id"], TOTAL_COLUMN)) for row in row_dicts],
        "categories": [
            [
                cell((row["id"], Column("category", c["id"])))
                for g in group_dicts
                for c in g["categories"]
            ]
            for row in row_dicts
        ],
    }


def suppress_area_table(
    *,
    rows: Sequence[Mapping],
    groups: Sequence[Mapping],
    group_counts: Any,
    category_counts: Any,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict:
    """One window of the lägesbild as a viewer sees it (JSON-serialisable).

    ``rows``: ``structure.Row.as_dict()`` (``id``, ``leaves``); ``groups``:
    ``structure.Group.as_dict()`` (``code``, ``categories`` with ``id``);
    ``group_counts``: rows × groups; ``category_counts``: rows × categories (in the
    groups' order). Returns ``{"threshold", "groups": rows × groups, "totals": per row,
    "categories": rows × categories}`` where each cell is an int (shown), "<5" or "–".
    Prefer ``suppress_area_tables`` when several windows are shown side by side.
    """
    return suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts={None: group_counts},
        category_counts={None: category_counts},
        threshold=threshold,
    )[None]


class Published(NamedTuple):
    """A window of a lägesbild published earlier, as its readers have it: its span
    (first day, last day), the counts it was suppressed with then (``group_counts``,
    ``category_counts`` as for ``suppress_area_tables``) and what was shown (the JSON of
    ``suppress_area_table``). Its rows and groups must be those of the new windows."""

    span: tuple[datetime.date, datetime.date]
    group_counts: Any
    category_counts: Any
    shown: Mapping


def suppress_area_tables(
    *,
    rows: Sequence[Mapping],
    groups: Sequence[Mapping],
    group_counts: Mapping[Hashable, Any],
    category_counts: Mapping[Hashable, Any],
    spans: Mapping[Hashable, tuple[datetime.date, datetime.date]] | None = None,
    published: Mapping[Hashable, Published] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Hashable, dict]:
    """Several windows of the lägesbild suppressed together: {window: as
    ``suppress_area_table``}. With ``spans`` ({window: (first day, last day)}) the
    windows' containment is part of the arithmetic (``window_relations``), so that e.g.
    a "<5" this week cannot be narrowed down with the last 4 weeks or the year to date.

    ``published``: {name: ``Published``} windows shown earlier (the lägesbilder approved
    before, and earlier versions of this one). What they showed is fixed, and the new
    windows are suppressed so that, read together with them, no small count of either can
    be recovered: this year to date minus last week's year to date is this week. Their
    counts may have changed since (late reports, withdrawals); a relation between an
    earlier window and a new one is used for the cells where it still holds."""
    threshold = _check_threshold(threshold)
    published = dict(published or {})
    if published and not spans:
        raise ValueError("published windows need the spans of the new windows")
    clash = set(published) & set(category_counts)
    if clash:
        raise ValueError(f"published window names {sorted(clash, key=repr)!r} are in use")
    tables = {
        name: _area_table_from_dicts(rows, groups, group_counts.get(name), counts)
        for name, counts in category_counts.items()
    }
    earlier = {
        name: _area_table_from_dicts(rows, groups, p.group_counts, p.category_counts)
        for name, p in published.items()
    }
    fixed = {
        (name, cell): status
        for name, p in published.items()
        for cell, status in _statuses_from_json(rows, groups, earlier[name], p.shown).items()
    }
    all_spans = {n: spans[n] for n in tables if spans and n in spans}
    all_spans.update((name, p.span) for name, p in published.items())
    relations = window_relations(all_spans) if all_spans else []
    related = {name for outer, inners, _exact in relations for name in (outer, *inners)}
    result = {
        name: table.suppress(threshold=threshold)
        for name, table in tables.items()
        if name not in related
    }
    if related:
        together = {n: tables[n] for n in tables if n in related}
        together.update((n, earlier[n]) for n in earlier if n in related)
        result.update(
            _suppress_together(
                together,
                relations,
                threshold,
                fixed={cell: s for cell, s in fixed.items() if cell[0] in related},
            )
        )
    return {
        name: _as_json(rows, groups, table.values, result[name], threshold)
        for name, table in tables.items()
    }


def _statuses_from_json(rows, groups, table, shown):
    """The statuses of a window published as ``_as_json``, checked against its counts."""
    statuses = {}
    for r, row in enumerate(rows):
        for level, columns in (
            ("groups", [Column("group", g["code"]) for g in groups]),
            ("categories", [Column("category", c["id"]) for g in groups for c in g["categories"]]),
            ("totals", [TOTAL_COLUMN]),
        ):
            texts = shown[level][r]
            if level == "totals":
                texts = [texts]
            if len(texts) != len(columns):
                raise ValueError(f"published {level} of row {row['id']!r} has the wrong length")
            for column, text in zip(columns, texts, strict=True):
                cell = (row["id"], column)
                value = table.values[cell]
                if text == HIDDEN_TEXT:
                    statuses[cell] = Status.SECONDARY
                elif isinstance(text, str):
                    statuses[cell] = Status.PRIMARY
                elif text == value:
                    statuses[cell] = Status.SHOWN
                else:
                    raise ValueError(f"published cell {cell!r} shows {text!r}, not {value}")
    return statuses


def _suppress_together(tables: Mapping[Hashable, Table], relations, threshold, *, fixed=None):
    """``suppress`` on ``combine_tables(tables, relations)``, in three steps that give
    the same guarantee for less work: the small counts that "<5" would give away even
    with everything hidden, for all windows at once (step 2); then each window on its
    own (its components are small and apart); then all together, starting from there.
    ``fixed``: {(name, cell): status} of windows published earlier; the relations are
    then used only for the cells where they hold (``combine_tables``' ``where_true``)."""
    problems = {}
    for name, table in tables.items():
        cells, counts = _cells_and_values(table.values)
        problems[name] = _Problem(cells, counts, table.constraints, threshold, table.unpublished)
    settled = {name for name, _cell in fixed or {}}
    joint = _start(_Problem.joined(problems, relations, where_true=bool(fixed)), fixed=fixed)
    joint.upgrade_intrinsic()
    upgraded = {cell for cell, s in joint.statuses().items() if s == Status.SECONDARY}
    for name, table in tables.items():
        if name in settled:
            continue
        window = _start(
            problems[name],
            start={cell: Status.SECONDARY for cell in table.values if (name, cell) in upgraded},
        )
        # Its intrinsic cases are among the joint ones; one round fixes nearly all it
        # can, and the joint pass audits everything again anyway.
        window.settle(rounds=1)
        for cell, status in window.statuses().items():
            i = joint.p.index[(name, cell)]
            if status == Status.SECONDARY and joint.status[i] == _S:
                joint.hide(i)
    joint.settle()
    statuses = joint.statuses()
    return {
        name: {
            cell: statuses[(name, cell)] for cell in table.values if cell not in table.unpublished
        }
        for name, table in tables.items()
    }
