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
containments. What a reader can learn by comparing one week's report with the next
(this year's count then and now) is not covered: cells published earlier can be passed
as ``fixed``.
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

__all__ = [
    "DEFAULT_THRESHOLD",
    "HIDDEN_TEXT",
    "SMALL_TEXT",
    "TOTAL_COLUMN",
    "AreaTable",
    "Column",
    "Constraint",
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
# An audit confirms cell by cell (two linear programs each) only this many cells that
# the cheap sweeps did not move; more are taken as pinned.
_CONFIRM_AT_MOST = 10


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

    def _add(self, constraint: Constraint):
        total, parts = constraint.total, constraint.parts
        if not parts:
            raise ValueError(f"constraint on {total!r} has no parts")
        for cell in (total, *parts):
            if cell not in self.index:
                raise ValueError(f"constraint on {total!r} refers to unknown cell {cell!r}")
        if total in parts:
            raise ValueError(f"constraint on {total!r} has the total among its parts")
        if len(set(parts)) != len(parts):
            raise ValueError(f"constraint on {total!r} lists a part twice")
        e = len(self.eq_cells)
        idx = [self.index[total]] + [self.index[p] for p in parts]
        self.eq_cells.append(idx)
        self.eq_coefs.append([1] + [-1] * len(parts))
        self.eq_exact.append(bool(constraint.exact))
        for i in idx:
            self.cell_eqs[i].append(e)
        if constraint.exact:
            for i in idx[1:]:
                self.is_part[i] = True

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
            parent = list(range(n))

            def find(i):
                while parent[i] != i:
                    parent[i] = parent[parent[i]]
                    i = parent[i]
                return i

            for idx, exact in zip(self.eq_cells, self.eq_exact, strict=True):
                if exact:
                    root = find(idx[0])
                    for i in idx[1:]:
                        other = find(i)
                        if other != root:
                            parent[other] = root
            block_of = [find(i) for i in range(n)]
            members: dict[int, list[int]] = {}
            for i, b in enumerate(block_of):
                members.setdefault(b, []).append(i)
            self._blocks = (members, block_of)
        return self._blocks

    def check_consistent(self):
        for idx, coefs, exact in zip(self.eq_cells, self.eq_coefs, self.eq_exact, strict=True):
            balance = sum(c * self.values[i] for i, c in zip(idx, coefs, strict=True))
            if balance != 0 if exact else balance < 0:
                total = self.cells[idx[0]]
                parts_sum = self.values[idx[0]] - balance
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

    def pinned_locally(self, e, status, *, classic=True) -> bool:
        """True when constraint ``e`` alone reveals a protected cell, or (``classic``,
        exact) when it has exactly one hidden cell that is protected or secondary."""
        idx, coefs, exact = self.eq_cells[e], self.eq_coefs[e], self.eq_exact[e]
        hidden = [k for k, i in enumerate(idx) if status[i] != _S]
        if not hidden:
            return False
        if exact and len(hidden) == 1:
            i = idx[hidden[0]]
            return (classic and status[i] == _H) or self.protected(i, status)
        targets = [k for k in hidden if self.protected(idx[k], status)]
        if not targets:
            return False
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
                return True
        return False


class _Suppressor:
    def __init__(self, problem: _Problem, status, locked, tier):
        self.p = problem
        self.status = status
        self.locked = locked  # cells whose status may not change (``fixed``)
        self.tier = tier  # 1: avoid hiding (grand totals, ``avoid``)
        self.n_hidden = [sum(1 for i in idx if status[i] != _S) for idx in problem.eq_cells]
        self.changed: list[int] | None = None  # cells changed since the last local pass
        self.clean: set[tuple] = set()  # components an audit found safe

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
        while queue:
            e = queue.popleft()
            queued[e] = False
            if not p.pinned_locally(e, self.status):
                continue
            i = self.choose(self.candidates([e]), safe_for=e)
            if i is None:
                continue  # nothing left to hide here; the audit decides
            self.hide(i)
            for e2 in p.cell_eqs[i]:
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

        added = False
        touched: set[int] = set()  # constraints changed: their cells wait for the audit
        for i in pinned:
            if touched.intersection(p.cell_eqs[i]):
                continue
            # First only the cell's own block (one table), then with the blocks of the
            # hidden cells it is contained in or contains (the other windows' cells at
            # the same place), then everything.
            own = frozenset([block_of[i]])
            linked = own | {
                block_of[j]
                for e in p.cell_eqs[i]
                if not p.eq_exact[e]
                for j in p.eq_cells[e]
                if self.status[j] != _S
            }
            found = path(i, own)
            if found is None and linked != own:
                found = path(i, linked)
            if found is None and len(members) > len(linked):
                found = path(i, None)
            for j in found or ():
                self.hide(j)
                for model in models.values():
                    model.hidden_now(j)
                self.changed.append(j)
                touched.update(p.cell_eqs[j])
                added = True
        return added

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
            for e in range(len(p.eq_cells)):
                if not p.pinned_locally(e, status, classic=False):
                    continue
                options = self.upgrade_options(p.eq_cells[e], p.eq_cells[e][0])
                for c in options:
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

    def upgrade_by_lp(self, status) -> bool:
        """The linear-programming half of ``upgrade_intrinsic`` (``status``: everything
        hidden); True when something was upgraded."""
        p = self.p
        changed = False
        for cells, eqs in _components(p, status):
            targets = [k for k, i in enumerate(cells) if p.protected(i, status)]
            if not targets or len(eqs) == 1:  # one constraint: done by the local half
                continue
            targets = _suspects(p, status, cells, targets)
            if not targets:
                continue
            lp = _LP(p, status, cells, eqs)
            truth = np.array([p.values[i] for i in cells], dtype=float)
            stuck = _pinned_positions(lp, truth, targets, confirm_all=True)
            if not stuck:
                continue
            model = _UpgradeModel(self, status, cells, eqs)
            for k in stuck:
                for c in model.upgrades(k, truth[k]):
                    self.status[c] = status[c] = _H
                    changed = True
        return changed


# ---------------------------------------------------------------------------------------
# Linear programs over the hidden cells


def _components(problem: _Problem, status):
    """Connected groups of hidden cells (linked by sharing a constraint), each with the
    constraints that touch it: [(cells, eqs)], in order of their first cell."""
    n = len(problem.cells)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    eqs_with_hidden = []
    for e, idx in enumerate(problem.eq_cells):
        hidden = [i for i in idx if status[i] != _S]
        if not hidden:
            continue
        eqs_with_hidden.append((e, hidden[0]))
        root = find(hidden[0])
        for i in hidden[1:]:
            other = find(i)
            if other != root:
                parent[other] = root
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(n):
        if status[i] != _S:
            groups.setdefault(find(i), ([], []))[0].append(i)
    for e, first in eqs_with_hidden:
        groups[find(first)][1].append(e)
    return sorted(groups.values(), key=lambda g: g[0][0])


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
            highs.changeColsCost(self.n, self.columns, objective)
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
    map_rows, map_cols, map_data = [], [], []
    constant_values = np.asarray(problem.values, dtype=float).copy()
    for j, k in column.items():
        map_rows.append(j)
        map_cols.append(k)
        map_data.append(1.0)
        if j in deviation:
            map_rows.append(j)
            map_cols.append(k + 1)
            map_data.append(-1.0)
        else:
            constant_values[j] = 0.0
    mapping = sparse.csr_array((map_data, (map_rows, map_cols)), shape=(len(problem.cells), n_vars))
    matrix = sub @ mapping
    lhs = -(sub @ constant_values)
    # sum(c x) == constant, or >= constant for a containment
    rhs = np.where(problem.eq_exact_array[eqs], lhs, math.inf) if len(eqs) else lhs
    return sparse.csr_array(matrix), lhs, rhs


class _LP(_Model):
    """The attacker's linear program for one component: variables are its hidden cells."""

    def __init__(self, problem: _Problem, status, cells, eqs):
        self.cells = cells
        column = {i: k for k, i in enumerate(cells)}
        matrix, lhs, rhs = _rows(problem, status, column)
        bounds = [problem.bounds(i, status) for i in cells]
        super().__init__(matrix, lhs, rhs, [lo for lo, _ in bounds], [hi for _, hi in bounds])

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

    def pinned(self, k, truth) -> bool:
        """True when variable k cannot move 1 away from ``truth[k]``."""
        if truth[k] + 1 <= self.upper[k] and self.extreme(k, +1)[0] >= truth[k] + 1 - _EPS:
            return False
        if truth[k] - 1 >= self.lower[k] and self.extreme(k, -1)[0] <= truth[k] - 1 + _EPS:
            return False
        return True


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
        return [
            j
            for j in self.free
            if self.cost[self.column[j]] > 0 and x[self.column[j]] + x[self.column[j] + 1] > _EPS
        ]


class _UpgradeModel:
    """For ``_Suppressor.upgrade_by_lp``: with everything hidden that may be hidden, the
    fewest "<5" cells to show as "–" instead (dropping their upper bound) so that a
    pinned cell can move by 1. Upper bounds become ``x - s <= threshold - 1`` rows with
    a cost on ``s``; one model per component, re-solved for each pinned cell."""

    def __init__(self, suppressor, status, cells, eqs):
        p = suppressor.p
        self.cells = cells
        n = len(cells)
        column = {i: k for k, i in enumerate(cells)}
        matrix, lhs, rhs = _rows(p, status, column)
        bounds = [p.bounds(i, status) for i in cells]
        lower = [lo for lo, _ in bounds]
        upper = [hi for _, hi in bounds]
        self.options = [
            k for k, i in enumerate(cells) if status[i] == _P and not suppressor.locked[i]
        ]
        m = len(self.options)
        for k in self.options:
            upper[k] = math.inf
        # [A 0] between lhs and rhs; [I_options -I] <= threshold - 1
        slack_rows = sparse.csr_array(
            (
                [1.0] * m + [-1.0] * m,
                (list(range(m)) * 2, self.options + list(range(n, n + m))),
            ),
            shape=(m, n + m),
        )
        wide = sparse.hstack([matrix, sparse.csr_array((matrix.shape[0], m))])
        self.model = _Model(
            sparse.vstack([wide, slack_rows]),
            list(lhs) + [-math.inf] * m,
            list(rhs) + [p.t - 1.0] * m,
            lower + [0.0] * m,
            upper + [math.inf] * m,
            dual=True,
        )
        self.cost = np.zeros(n + m)
        self.cost[n:] = 1.0
        self.n = n

    def upgrades(self, k, value):
        """The cells to show as "–" so that variable k can move 1 from ``value``."""
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
        if best is None:
            return []
        chosen = [
            self.cells[k]
            for n, k in enumerate(self.options)
            if self.cost[self.n + n] > 0 and best[0][self.n + n] > _EPS
        ]
        for n, k in enumerate(self.options):
            if self.cells[k] in chosen:
                self.cost[self.n + n] = 0.0  # already "–": free from now on
        return chosen


def _unmoved(x, truth, remaining):
    """The cells of ``remaining`` that the solution ``x`` moved less than 1 (None: an
    unbounded objective, no solution)."""
    if x is None:
        return remaining
    return [k for k in remaining if abs(x[k] - truth[k]) < 1 - _EPS]


def _sweep(lp, truth, lower, upper, remaining):
    """Certify many cells with few linear programs: each pushes all open cells at once
    (those at a bound away from it, the others up, then down, then in random mixes);
    returns the cells no solution moved by 1."""
    rng = np.random.default_rng(0)  # deterministic
    for attempt in range(8):
        if not remaining:
            break
        objective = np.zeros(len(truth))
        for k in remaining:
            if truth[k] - 1 < lower[k]:
                direction = 1.0
            elif truth[k] + 1 > upper[k]:
                direction = -1.0
            elif math.isinf(upper[k]):
                direction = -1.0  # keep the program bounded; up is tried cell by cell
            elif attempt < 2:
                direction = 1.0 if attempt == 0 else -1.0
            else:
                direction = rng.choice((-1.0, 1.0))
            weight = 1.0 if attempt < 2 else rng.uniform(0.5, 1.5)
            objective[k] = -direction * weight
        before = len(remaining)
        remaining = _unmoved(lp.solve(objective), truth, remaining)
        if attempt >= 2 and len(remaining) == before:
            break
    return remaining


def _pinned_cells(problem: _Problem, status, clean=None, *, confirm_all=False):
    """Protected hidden cells whose range (for the relaxation) holds only their true
    value, and the constraints of each one's component ({cell: eqs}). ``clean``: keys of
    components known to be safe (skipped; safe ones found are added)."""
    pinned = []
    for cells, eqs in _components(problem, status):
        targets = [k for k, i in enumerate(cells) if problem.protected(i, status)]
        if not targets:
            continue
        key = (tuple(cells), tuple(status[i] for i in cells))
        if clean is not None:
            if key in clean:
                continue
            before = len(pinned)
            _audit_component(problem, status, cells, eqs, targets, pinned, confirm_all)
            if len(pinned) == before:
                clean.add(key)
        else:
            _audit_component(problem, status, cells, eqs, targets, pinned, confirm_all)
    return pinned


def _audit_component(problem, status, cells, eqs, targets, pinned, confirm_all=False):
    """Append to ``pinned`` the targets (positions in ``cells``) whose range holds only
    their true value."""
    if len(eqs) == 1:  # one constraint: the interval check is exact
        if problem.pinned_locally(eqs[0], status, classic=False):
            pinned.extend(cells[k] for k in targets)
        return
    targets = _suspects(problem, status, cells, targets)
    if not targets:
        return
    lp = _LP(problem, status, cells, eqs)
    truth = np.array([problem.values[i] for i in cells], dtype=float)
    pinned.extend(cells[k] for k in _pinned_positions(lp, truth, targets, confirm_all=confirm_all))


def _suspects(problem, status, cells, targets):
    """The targets (positions in ``cells``) that linear programs over one block at a time
    (the other blocks' cells held at their values) cannot move: only these need the
    program of the whole component."""
    _members, block_of = problem.blocks()
    by_block: dict[int, list[int]] = {}
    for k, i in enumerate(cells):
        by_block.setdefault(block_of[i], []).append(k)
    if len(by_block) == 1:
        return targets
    wanted = set(targets)
    suspects = []
    for positions in by_block.values():
        block_targets = [k for k in positions if k in wanted]
        if not block_targets:
            continue
        block_cells = [cells[k] for k in positions]
        local = {k: n for n, k in enumerate(positions)}
        lp = _LP(problem, status, block_cells, None)
        truth = np.array([problem.values[i] for i in block_cells], dtype=float)
        stuck = _pinned_positions(lp, truth, [local[k] for k in block_targets])
        suspects.extend(positions[n] for n in stuck)
    return sorted(suspects)


def _pinned_positions(lp, truth, targets, *, confirm_all=False):
    """The targets (variable positions) that cannot move 1 away from ``truth``. Unless
    ``confirm_all``, when many are left after the sweeps they are all returned: nearly all
    of them are pinned in practice, and treating them so costs at worst a little more
    hiding than needed (the next round's audit looks again)."""
    remaining = _sweep(lp, truth, lp.lower, lp.upper, list(targets))
    if len(remaining) > _CONFIRM_AT_MOST and not confirm_all:
        return remaining
    pinned = []
    while remaining:
        k = remaining.pop(0)
        if truth[k] + 1 <= lp.upper[k]:
            high, x = lp.extreme(k, +1)
            if high >= truth[k] + 1 - _EPS:
                remaining = _unmoved(x, truth, remaining)
                continue
        if truth[k] - 1 >= lp.lower[k]:
            low, x = lp.extreme(k, -1)
            if low <= truth[k] - 1 + _EPS:
                remaining = _unmoved(x, truth, remaining)
                continue
        pinned.append(k)
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
    problem.check_consistent()
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

    suppressor = _Suppressor(problem, status, locked, tier)
    suppressor.upgrade_intrinsic()
    while True:
        suppressor.local_pass()
        pinned = _pinned_cells(problem, status, suppressor.clean)
        if not pinned:
            break
        if suppressor.fix(pinned):
            continue
        # Nothing hidden: were the unconfirmed ones pinned at all?
        pinned = _pinned_cells(problem, status, confirm_all=True)
        if not pinned:
            break
        if not suppressor.fix(pinned):
            raise SuppressionError(
                f"cannot protect {problem.cells[pinned[0]]!r}: every other cell around it "
                "is zero, fixed or already hidden"
            )
    return {cells[i]: _TO_STATUS[status[i]] for i in range(n) if status[i] != _U}


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
    cell is in [1, threshold-1], a SECONDARY one at least ``threshold``, an unpublished one
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
) -> Table:
    """One table of several (e.g. time windows) with their cells keyed ``(name, cell)``,
    so that they are suppressed together. ``relations``: ``(outer, inners, exact)``, see
    ``window_relations``: for every cell key the tables share, ``outer`` >= (or ==) the
    sum over ``inners``."""
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


def suppress_area_tables(
    *,
    rows: Sequence[Mapping],
    groups: Sequence[Mapping],
    group_counts: Mapping[Hashable, Any],
    category_counts: Mapping[Hashable, Any],
    spans: Mapping[Hashable, tuple[datetime.date, datetime.date]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Hashable, dict]:
    """Several windows of the lägesbild suppressed together: {window: as
    ``suppress_area_table``}. With ``spans`` ({window: (first day, last day)}) the
    windows' containment is part of the arithmetic (``window_relations``), so that e.g.
    a "<5" this week cannot be narrowed down with the last 4 weeks or the year to date."""
    threshold = _check_threshold(threshold)
    tables = {
        name: _area_table_from_dicts(rows, groups, group_counts.get(name), counts)
        for name, counts in category_counts.items()
    }
    relations = window_relations({n: spans[n] for n in tables if n in spans}) if spans else []
    combined = combine_tables(tables, relations)
    start = {}
    if relations:  # each window on its own first: the joint pass has less left to do
        for name, table in tables.items():
            for cell, status in table.suppress(threshold=threshold).items():
                start[(name, cell)] = status
    statuses = combined.suppress(threshold=threshold, start=start)
    return {
        name: _as_json(
            rows,
            groups,
            table.values,
            {
                cell: statuses[(name, cell)]
                for cell in table.values
                if cell not in table.unpublished
            },
            threshold,
        )
        for name, table in tables.items()
    }
