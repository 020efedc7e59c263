"""The phase-progress chart of the informe, drawn without touching pyplot's global state."""

from __future__ import annotations

import io
import textwrap
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from gelbot.informe.document import PhaseProgress

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# matplotlib ships DejaVu Sans, so the chart and the PDF draw with the same font and the
# project needs no font files of its own.
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
DEJAVU_SANS = _FONT_DIR / "DejaVuSans.ttf"
DEJAVU_SANS_BOLD = _FONT_DIR / "DejaVuSans-Bold.ttf"
REPLACEMENT_CHARACTER = "\ufffd"

_START_COLOR = "#b8c2cf"
_END_COLOR = "#1f5fa8"


@cache
def _drawable_codepoints() -> frozenset[int]:
    regular = FT2Font(str(DEJAVU_SANS)).get_charmap()
    bold = FT2Font(str(DEJAVU_SANS_BOLD)).get_charmap()
    return frozenset(regular) & frozenset(bold)


def drawable_text(text: str) -> str:
    """Replace characters DejaVu Sans cannot draw (most emoji) with U+FFFD; keep newlines."""
    codepoints = _drawable_codepoints()
    return "".join(
        char if char in "\n\t" or ord(char) in codepoints else REPLACEMENT_CHARACTER
        for char in text
    )


def _label(text: str, width: int) -> str:
    # Wrapped so a long name cannot push the plot off the figure, and "$" escaped so
    # matplotlib never reads user text as mathtext.
    lines = textwrap.wrap(" ".join(drawable_text(text).split()), width, max_lines=3)
    return "\n".join(lines).replace("$", r"\$")


def percent_label(share: float) -> str:
    """Write a share of criteria met as the informe does: "98 %"."""
    return f"{round(share * 100)} %"


def phase_chart_png(
    phases: list[PhaseProgress],
    title: str,
    *,
    labels: tuple[str, str] = ("Inicio del período", "Fin del período"),
) -> bytes:
    """Draw each phase's share of criteria met at the start and end of the period as a PNG.

    `labels` name the two bars in the legend (/fases compares the period's start with today).
    """
    figure = Figure(figsize=(8.0, 1.8 + 0.75 * max(len(phases), 1)), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(_label(title, 90), fontsize=12, loc="left")
    if not phases:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "Sin fases registradas", ha="center", va="center", fontsize=11)
    else:
        positions = list(range(len(phases)))
        height = 0.38
        start = axes.barh(
            [p - height / 2 for p in positions],
            [phase.start_share * 100 for phase in phases],
            height=height,
            color=_START_COLOR,
            label=_label(labels[0], 40),
        )
        end = axes.barh(
            [p + height / 2 for p in positions],
            [phase.end_share * 100 for phase in phases],
            height=height,
            color=_END_COLOR,
            label=_label(labels[1], 40),
        )
        axes.bar_label(start, labels=[percent_label(p.start_share) for p in phases], padding=3)
        axes.bar_label(end, labels=[percent_label(p.end_share) for p in phases], padding=3)
        axes.set_yticks(positions, labels=[_label(phase.name, 24) for phase in phases])
        # The first phase reads first, at the top, as in the framework's order.
        axes.invert_yaxis()
        # Room to the right of a 100 % bar for its label.
        axes.set_xlim(0, 112)
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.set_xlabel("Criterios cumplidos (%)")
        axes.spines[["top", "right"]].set_visible(False)
        # Below the axes, where it can never cover a bar.
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=9, frameon=False
        )
    buffer = io.BytesIO()
    # No "Software" chunk: the same chart gives the same bytes across matplotlib versions' stamps.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
