"""Server-rendered charts: the geometry of stacked bar charts and of a tile map of the twelve UK regions and
nations, worked out here and drawn as SVG by ``templates/components/charts.html``.

No JavaScript and no chart library: each chart is an ``<svg role="img">`` with a title and a description that
say what it shows, and the page puts the same numbers in a table beside it, so nobody needs to see the picture.
Colours carry meaning only together with the legend, the numbers at the end of each bar and the table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from registry.domain.labels import CHART_COLOURS
from registry.domain.language import DEFAULT_LANGUAGE, current_language
from registry.domain.language import gettext as _
from registry.domain.reference_data import reference_wording

TEXT = "#212b32"
GRID = "#d8dde0"

LABEL_WIDTH = 250
BAR_AREA = 430
VALUE_WIDTH = 60
BAR_HEIGHT = 22
ROW_GAP = 10
LEGEND_ROW = 24
CHAR_WIDTH = 7.2  # Arial at 14px, on average; labels longer than their column are shortened with an ellipsis


class Counted(Protocol):
    code: str
    label: str
    by_verdict: dict[str, int]


# The vocabularies a chart's rows are counted by (regions, legal forms, service groups), and the field of their
# words: their codes do not overlap (E12000001, co_operative_society, hsc-homecare).
_ROW_VOCABULARIES = (("regions", "name"), ("legal_forms", "label"), ("services", "label"))


def row_label(row: Counted) -> str:
    """A row's words in the language being spoken: the counts carry the English from the tables, and the Welsh
    is looked up by the row's code in the vocabularies' files."""
    if current_language() == DEFAULT_LANGUAGE:
        return row.label
    for vocabulary, field_name in _ROW_VOCABULARIES:
        words = reference_wording(vocabulary, row.code, field_name)
        if words is not None:
            return str(words)
    return row.label


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    total: int
    y: float
    segments: list[Segment]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    x: float
    y: float


@dataclass(frozen=True)
class BarLayout:
    """Where a bar chart puts its labels, bars and totals: beside each other on wide screens, each label above
    its bar on phones, so that the chart is drawn near its natural size and its text stays readable."""

    width: int
    label_width: int  # the column of labels left of the bars (none when each label is above its bar)
    bar_area: int
    label_x: float
    label_anchor: str
    label_dy: float  # the label's baseline, from the top of its bar
    bar_top: float  # the bar's top, from the top of its row
    row_height: float
    tick_font_size: int


WIDE = BarLayout(
    LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, LABEL_WIDTH, BAR_AREA, LABEL_WIDTH - 8, "end", 16, 0, BAR_HEIGHT + ROW_GAP, 13
)
# 320 wide: shown unscaled from a 352 px wide screen, and at 90% on the narrowest (320 px), where 14 px text is
# still drawn at 12.6 px.
PHONE_WIDTH = 320
PHONE = BarLayout(PHONE_WIDTH, 0, PHONE_WIDTH - VALUE_WIDTH + 12, 0, "start", -6, 20, 20 + BAR_HEIGHT + 14, 14)


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    legend: list[LegendItem]
    ticks: list[tuple[float, int]]
    plot_top: float
    plot_bottom: float
    layout: BarLayout = WIDE
    bar_height: int = BAR_HEIGHT

    @property
    def label_width(self) -> int:
        return self.layout.label_width

    @property
    def phone(self) -> BarChart:
        """The same chart laid out for a phone's width (its ids end in -phone)."""
        rows = [(bar.label, [(s.key, s.label, s.value, s.colour) for s in bar.segments]) for bar in self.bars]
        legend = [(item.label, item.colour) for item in self.legend]
        return _draw(f"{self.id}-phone", self.title, self.description, rows, legend, PHONE)


def shorten(text: str, width: float) -> str:
    """``text`` cut to fit ``width`` pixels, with an ellipsis when it was cut."""
    fits = int(width / CHAR_WIDTH)
    return text if len(text) <= fits else text[: max(fits - 1, 1)].rstrip() + "…"


def _nice_step(maximum: int) -> int:
    """A round step for 3 to 5 gridlines up to ``maximum``."""
    if maximum <= 5:
        return 1
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return int(multiple * magnitude)
    return int(10 * magnitude)


def stacked_bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[Counted],
    series: Mapping[str, str],
    colours: Mapping[str, str] = CHART_COLOURS,  # each verdict keeps the colour of its tag
    description: str = "",
) -> BarChart:
    """Horizontal bars, one per row, each split into ``series`` (key → label) stacked left to right."""
    legend = [
        (label, colours.get(key, GRID)) for key, label in series.items() if any(r.by_verdict.get(key) for r in rows)
    ]
    bars = [
        (
            row_label(row),
            [
                (key, label, row.by_verdict[key], colours.get(key, GRID))
                for key, label in series.items()
                if row.by_verdict.get(key)
            ],
        )
        for row in rows
    ]
    described = description or _describe(title, rows, series)
    return _draw(chart_id, title, described, bars, legend, WIDE)


SegmentValue = tuple[str, str, int, str]  # key, label, value, colour


def _draw(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Sequence[SegmentValue]]],
    legend_items: Sequence[tuple[str, str]],
    layout: BarLayout,
) -> BarChart:
    """The geometry of a stacked bar chart of ``rows`` (label, segments) in ``layout``."""
    legend: list[LegendItem] = []
    x, y = 0.0, 4.0
    for label, colour in legend_items:
        item_width = 24 + len(label) * CHAR_WIDTH + 20
        if x + item_width > layout.width and x > 0:
            x, y = 0.0, y + LEGEND_ROW
        legend.append(LegendItem(label, colour, x, y))
        x += item_width
    plot_top = y + LEGEND_ROW + 12 if legend else 4.0
    maximum = max((sum(value for _, _, value, _ in segments) for _, segments in rows), default=0)
    step = _nice_step(maximum)
    top = max(step * math.ceil(maximum / step), step) if maximum else 1
    scale = layout.bar_area / top

    bars = []
    for index, (label, values) in enumerate(rows):
        bar_y = plot_top + index * layout.row_height + layout.bar_top
        segments = []
        offset = float(layout.label_width)
        for key, segment_label, value, colour in values:
            segments.append(Segment(key, segment_label, value, offset, value * scale, colour))
            offset += value * scale
        total = sum(s.value for s in segments)
        label_room = layout.label_width - 12 if layout.label_width else layout.width
        bars.append(Bar(label, shorten(label, label_room), total, bar_y, segments))
    plot_bottom = plot_top + len(rows) * layout.row_height
    ticks = [(layout.label_width + value * scale, value) for value in range(0, top + 1, step)]
    height = int(plot_bottom + 24)
    return BarChart(
        chart_id, title, description, layout.width, height, bars, legend, ticks, plot_top, plot_bottom, layout
    )


def _describe(title: str, rows: Sequence[Counted], series: Mapping[str, str]) -> str:
    """A sentence for screen readers: the largest bars and how they split."""
    if not rows:
        return _("%(title)s: there are no listings to show.", title=title)
    ranked = sorted(rows, key=lambda r: -sum(r.by_verdict.get(k, 0) for k in series))
    parts = []
    for row in ranked[:3]:
        total = sum(row.by_verdict.get(k, 0) for k in series)
        first = next(iter(series))
        parts.append(f"{row_label(row)}: {total} ({row.by_verdict.get(first, 0)} {series[first].lower()})")
    return _(
        "%(title)s. Largest: %(largest)s. The table after the chart gives every figure.",
        title=title,
        largest="; ".join(parts),
    )


# ---------------------------------------------------------------------------------------------------
# The twelve regions and nations as a tile map


# Where each region's tile sits on a five by five grid, roughly as the places lie on a map of the UK.
TILE_POSITIONS = {
    "S92000003": (2, 0),  # Scotland
    "N92000002": (0, 1),  # Northern Ireland
    "E12000001": (3, 1),  # North East
    "E12000002": (2, 2),  # North West
    "E12000003": (3, 2),  # Yorkshire and The Humber
    "W92000004": (1, 3),  # Wales
    "E12000005": (2, 3),  # West Midlands
    "E12000004": (3, 3),  # East Midlands
    "E12000006": (4, 3),  # East of England
    "E12000009": (1, 4),  # South West
    "E12000008": (2, 4),  # South East
    "E12000007": (3, 4),  # London
}
SHORT_NAMES = {"E12000003": "Yorkshire and Humber", "E12000006": "East of England"}


def _short_name(region: Counted) -> str:
    """A region's name as its tile shows it (the English short names are English only)."""
    if current_language() == DEFAULT_LANGUAGE:
        return SHORT_NAMES.get(region.code, region.label)
    return row_label(region)


TILE = 138
TILE_GAP = 6
# A sequential blue scale (light to dark) for the number of listings; text switches to white on the dark steps.
SCALE = ("#e8edee", "#c6dbf0", "#8fb8e6", "#4c8bd1", "#005eb8", "#003087")


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    lines: list[str]
    total: int
    meets: int
    x: float
    y: float
    fill: str
    text_colour: str


@dataclass(frozen=True)
class TileMap:
    id: str
    title: str
    description: str
    width: int
    height: int
    tiles: list[Tile]
    size: int = TILE
    key: list[tuple[str, str]] = field(default_factory=list)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def region_tile_map(chart_id: str, title: str, regions: Sequence[Counted], meets_key: str = "meets") -> TileMap:
    """A tile per region or nation, shaded by its number of listings, labelled with it and how many meet."""
    counted = [r for r in regions if r.code in TILE_POSITIONS]
    totals = {r.code: sum(r.by_verdict.values()) for r in counted}
    top = max(totals.values(), default=0)
    tiles = []
    for region in counted:
        column, row = TILE_POSITIONS[region.code]
        total = totals[region.code]
        step = 0 if not total else 1 + min(len(SCALE) - 2, int((len(SCALE) - 1) * total / (top + 1)))
        tiles.append(
            Tile(
                code=region.code,
                name=row_label(region),
                lines=_wrap(_short_name(region), 14),
                total=total,
                meets=region.by_verdict.get(meets_key, 0),
                x=column * (TILE + TILE_GAP),
                y=row * (TILE + TILE_GAP),
                fill=SCALE[step],
                text_colour="#ffffff" if step >= 3 else TEXT,
            )
        )
    busiest = sorted(counted, key=lambda r: -totals[r.code])[:3]
    description = _(
        "%(title)s. A tile for each of the %(count)s regions and nations, darker where there are more listings. "
        "Most listings: %(busiest)s. The table after the map gives every figure.",
        title=title,
        count=len(counted),
        busiest="; ".join(f"{row_label(r)} {totals[r.code]}" for r in busiest),
    )
    key = [(SCALE[0], _("None")), (SCALE[1], _("Fewest")), (SCALE[-1], _("Most"))]
    size = 5 * (TILE + TILE_GAP)
    return TileMap(chart_id, title, description, size, size, tiles, key=key)
