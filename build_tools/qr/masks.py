"""The data mask segno would choose for a symbol, worked out without segno's module-by-module search.

ISO/IEC 18004 §7.8.3: of the eight data masks, a symbol uses the one with the lowest penalty (runs of one colour,
2×2 blocks, finder-like 1:1:3:1:1 patterns, dark/light balance). segno scores the eight in Python module by module,
about 2 ms a symbol, which was most of the QR stage at thousands of matters. Here every row (and, transposed,
every column) of a candidate is one bit string inside a single integer, and each penalty is a few shifts and
bit counts over all of them at once. The scores are segno's, rule for rule (a test compares the choice with
segno's own on many URLs), so a symbol made with the mask chosen here is the one segno would make.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from segno import encoder

#: Zero bits after each row (and column): the light margin the finder-pattern rule looks for past a row's end.
_GAP = 4
_BITS = bytes.maketrans(b"\x00\x01", b"01")
_MASKS = (  # ISO/IEC 18004 Table 10: module (i, j) is inverted where the condition holds
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)


def best_mask(qr: segno.QRCode) -> int:
    """The mask with the lowest penalty (the first of equals) for the data of `qr`, whichever mask `qr` has."""
    shape = _shape(qr.version)
    rows, cols = _packed(qr.matrix)
    rows, cols = (rows & shape.keep[0]) ^ shape.masks[qr.mask][0], (cols & shape.keep[1]) ^ shape.masks[qr.mask][1]
    scores = [_score(rows ^ r, cols ^ c, shape) for r, c in shape.masks]
    return scores.index(min(scores))


class _Shape:
    """One version's layout as bit masks in the packing of `_packed`, from segno's own encoder so that the
    modules are the ones it scores: the encoding region (masked), and the format and version areas and the dark
    module (written after the mask is chosen, so light while scoring)."""

    def __init__(self, version: int):
        n = self.n = encoder.calc_matrix_size(version)
        self.width = n + _GAP
        reserved, unreserved = encoder.make_matrix(n, n), encoder.make_matrix(n, n, reserve_regions=False)
        later = [[reserved[i][j] != unreserved[i][j] for j in range(n)] for i in range(n)]
        layout = [bytearray(row) for row in reserved]
        encoder.add_finder_patterns(layout, n, n)
        encoder.add_alignment_patterns(layout, n, n)
        self.keep = _packed([[int(not x) for x in row] for row in later])
        self.masks = [_packed([[int(layout[i][j] == 0x2 and invert(i, j)) for j in range(n)] for i in range(n)]) for invert in _MASKS]
        self.line = self._each_line("1" * n)  # every module
        self.pairs = self._each_line("1" * (n - 1))  # a module and the next one in its line
        self.starts = self._each_line("1" * (n - 6))  # where a 7-module pattern fits in its line

    def _each_line(self, low_bits: str) -> int:
        return sum(int(low_bits, 2) << (self.width * k) for k in range(self.n))


@lru_cache(maxsize=None)
def _shape(version: int) -> _Shape:
    return _Shape(version)


def _packed(matrix) -> tuple[int, int]:
    """Rows and columns of a 0/1 matrix as two integers: module j of line k is bit k*(n+_GAP) + j."""
    def pack(lines) -> int:
        return int("".join("0" * _GAP + bytes(line).translate(_BITS).decode()[::-1] for line in reversed(lines)), 2)
    return pack(list(matrix)), pack(list(zip(*matrix)))


def _score(rows: int, cols: int, shape: _Shape) -> int:
    """segno's penalty (encoder.mask_scores): N1 and N3 on rows and columns, N2 on 2×2 blocks, N4 on balance."""
    equal = ~(rows ^ (rows >> 1)) & shape.pairs
    blocks = equal & (equal >> shape.width) & ~(rows ^ (rows >> shape.width))
    dark = rows.bit_count() / shape.n ** 2
    return _runs(equal) + _runs(~(cols ^ (cols >> 1)) & shape.pairs) + 3 * blocks.bit_count() \
        + _finders(rows, shape) + _finders(cols, shape) + 10 * int(abs(dark * 100 - 50) / 5)


def _runs(equal: int) -> int:
    """N1: 3 + (length − 5) for each run of five or more modules of one colour. A run of L modules is L − 1
    set bits of `equal`, and L − 4 of `four` (bits starting four set ones), so it scores `four` bits plus 2."""
    four = equal & (equal >> 1) & (equal >> 2) & (equal >> 3)
    return four.bit_count() + 2 * (four & ~(four << 1)).bit_count()


def _finders(lines: int, shape: _Shape) -> int:
    """N3: 40 for each dark-light-dark×3-light-dark run with four light modules (or the edge) on one side.
    segno searches each line left to right and, after a pattern that scores, goes on past it, so of two
    overlapping patterns the second can go uncounted; lines where patterns overlap are counted its way."""
    light = ~lines & shape.line
    found = lines & (light >> 1) & (lines >> 2) & (lines >> 3) & (lines >> 4) & (light >> 5) & (lines >> 6) & shape.starts
    dark_before = (lines << 1) | (lines << 2) | (lines << 3) | (lines << 4)
    dark_after = (lines >> 7) | (lines >> 8) | (lines >> 9) | (lines >> 10)
    scoring = found & ~(dark_before & dark_after)
    if not found & ((found >> 4) | (found >> 6)):
        return 40 * scoring.bit_count()
    line = (1 << shape.width) - 1
    return 40 * sum(_in_order(found >> (shape.width * k) & line, scoring >> (shape.width * k)) for k in range(shape.n))


def _in_order(found: int, scoring: int) -> int:
    """Patterns of one line counted as segno finds them: after one that scores, the search resumes 7 modules on,
    after one that does not, 4 modules on."""
    count, start = 0, 0
    while found >> start:
        position = start + ((found >> start) & -(found >> start)).bit_length() - 1
        if scoring >> position & 1:
            count, start = count + 1, position + 7
        else:
            start = position + 4
    return count
