"""Charts of the monthly report as PNG bytes (matplotlib's Agg canvas through the object API, so no
global pyplot state and no display are needed)."""

from __future__ import annotations

from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from shared.records.report import COLUMN_LABEL, ReportColumn

COLORS = {ReportColumn.CONFIRMED: "#2e7d32", ReportColumn.FAILED: "#c62828",
          ReportColumn.PARKED: "#ef6c00", ReportColumn.SUPERSEDED: "#78909c",
          ReportColumn.OPEN: "#bdbdbd"}
"""The colour of each report column, in stacking order (every column has one)."""


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    return buf.getvalue()


def channel_chart(rows: list[dict]) -> bytes:
    """Stacked bars per channel: confirmed (pencabutan included), failed, parked, superseded by a
    newer version, and still open deliveries."""
    fig = Figure(figsize=(7.0, 2.8))
    ax = fig.add_subplot()
    labels = [r["label"] for r in rows]
    bottom = [0] * len(rows)
    for key in COLORS:
        values = [r[key] for r in rows]
        ax.bar(labels, values, bottom=bottom, color=COLORS[key], label=COLUMN_LABEL[key], width=0.55)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("Jumlah pengiriman")
    ax.set_title("Pengiriman per kanal", fontsize=10)
    locator = ax.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one: whole numbers only
        locator.set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncols=5, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    ax.tick_params(labelsize=8)
    return _png(fig)


def sla_chart(rows: list[dict]) -> bytes:
    """Horizontal bars: the share of each SOP step finished within its target time."""
    fig = Figure(figsize=(7.0, 2.9))
    ax = fig.add_subplot()
    labels = [r["label"] for r in rows][::-1]
    shares = [(r["share"] or 0) * 100 for r in rows][::-1]
    colors = ["#bdbdbd" if r["n"] == 0 else ("#2e7d32" if (r["share"] or 0) >= 0.8 else "#c62828")
              for r in rows][::-1]
    bars = ax.barh(labels, shares, color=colors, height=0.55)
    for bar, r in zip(bars, rows[::-1], strict=True):
        text = "tidak ada data" if r["n"] == 0 else f"{(r['share'] or 0) * 100:.0f}% dari {r['n']}"
        ax.text(min(bar.get_width(), 100) + 1, bar.get_y() + bar.get_height() / 2, text,
                va="center", fontsize=7)
    ax.axvline(80, color="#555555", linestyle="--", linewidth=0.8)
    ax.set_xlim(0, 118)
    ax.set_xlabel("Tepat waktu (%)")
    ax.set_title("Kepatuhan waktu layanan (SLA) per tahap SOP", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return _png(fig)
