"""Accounting work counted for eligibility (domain-rules §6.2).

Years count to 31 December of the exam year, before and after the qualifying education alike. Time spent in a
full-time study programme does not count (a full-time student's part-time job, or full-time study after starting
work); study in a part-time programme does. Periods of several posts that overlap count once.
"""
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Span:
    start: date
    end: date          # inclusive


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def counted_to(exam_year: int) -> date:
    return date(exam_year, 12, 31)


def _clip(start, end, limit: date) -> Span | None:
    start, end = parse_date(start), parse_date(end) or limit
    if start is None:
        return None
    end = min(end, limit)
    return Span(start, end) if end >= start else None


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping or touching spans joined; sorted."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if out and span.start <= out[-1].end + timedelta(days=1):
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    out = []
    for span in merge(spans):
        pieces = [span]
        for hole in merge(holes):
            next_pieces = []
            for piece in pieces:
                if hole.end < piece.start or hole.start > piece.end:
                    next_pieces.append(piece)
                    continue
                if hole.start > piece.start:
                    next_pieces.append(Span(piece.start, hole.start - timedelta(days=1)))
                if hole.end < piece.end:
                    next_pieces.append(Span(hole.end + timedelta(days=1), piece.end))
            pieces = next_pieces
        out += pieces
    return out


def _months_and_days(span: Span) -> tuple[int, int]:
    """Whole calendar months in [start, end] and the days left over (2023-11-01..2026-12-31: 38 months)."""
    after = span.end + timedelta(days=1)
    months = (after.year - span.start.year) * 12 + after.month - span.start.month
    if after.day < span.start.day:
        months -= 1
    anchor_month = span.start.month - 1 + months
    try:
        anchor = date(span.start.year + anchor_month // 12, anchor_month % 12 + 1, span.start.day)
    except ValueError:      # 31 January + 1 month: the month's last day
        first_next = date(span.start.year + (anchor_month + 1) // 12, (anchor_month + 1) % 12 + 1, 1)
        anchor = first_next - timedelta(days=1)
    return months, (after - anchor).days


def months_of(spans: list[Span]) -> int:
    """Whole months in the spans; leftover days of separate spans add up, 30 to a month."""
    months = days = 0
    for span in merge(spans):
        m, d = _months_and_days(span)
        months, days = months + m, days + d
    return months + days // 30


def accounting_spans(work: list[dict], limit: date) -> list[Span]:
    spans = []
    for segment in work or []:
        if not segment.get("has_accounting_work"):
            continue
        for post in segment.get("posts") or []:
            span = _clip(post.get("start_date"), post.get("end_date"), limit)
            if span:
                spans.append(span)
    return spans


def full_time_study_spans(education: list[dict], limit: date) -> list[Span]:
    return [span for segment in education or [] if segment.get("study_mode") == "full_time"
            for span in [_clip(segment.get("start_date"), segment.get("end_date"), limit)] if span]


def accounting_months(education: list[dict], work: list[dict], exam_year: int) -> int:
    """Months of accounting work that count for the exam of `exam_year`."""
    limit = counted_to(exam_year)
    return months_of(subtract(accounting_spans(work, limit), full_time_study_spans(education, limit)))


def years_text(months: int) -> str:
    """3年2个月, 4年, 10个月, 0个月."""
    years, rest = divmod(max(months, 0), 12)
    if years and rest:
        return f"{years}年{rest}个月"
    return f"{years}年" if years else f"{rest}个月"
