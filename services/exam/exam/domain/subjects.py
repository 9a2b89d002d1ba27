"""Which subjects a candidate takes and pays for (domain-rules §6.1, §6.7).

初级: both subjects in the same year. 中级: rolling, a subject passed in year N counts in year N+1 only, so a
second-year candidate takes (and pays for) only what they have not passed the year before. Fees are integer
fen per subject; the amount is their sum over the subjects taken.
"""
from .codes import PASS_MARK, SUBJECTS
from .problems import Refused


def subject_codes(level: str) -> tuple[str, ...]:
    return tuple(code for code, _, _ in SUBJECTS.get(level, ()))


def carried_passes(level: str, exam_year: int, passes: list[tuple[int, str]]) -> set[str]:
    """Subjects passed earlier that still count this year: 中级 passes of the year before only."""
    if level != "intermediate":
        return set()
    return {subject for year, subject in passes if year == exam_year - 1}


def choose_subjects(level: str, chosen: list[str] | None, carried: set[str]) -> list[str]:
    """The subjects taken, in the level's order, or a refusal naming the field `subjects`."""
    chosen = list(dict.fromkeys(chosen or []))
    allowed = subject_codes(level)
    strangers = [s for s in chosen if s not in allowed]
    if strangers:
        raise Refused("SUBJECT_NOT_IN_LEVEL", f"所选科目不属于该级别：{'、'.join(strangers)}", "subjects", status=422)
    if not chosen:
        raise Refused("SUBJECTS_REQUIRED", "请选择报考科目", "subjects", status=422)
    if level == "junior" and set(chosen) != set(allowed):
        raise Refused("JUNIOR_BOTH_SUBJECTS", "初级须在同一年度报考初级会计实务和经济法基础两个科目", "subjects", status=422)
    passed = [s for s in chosen if s in carried]
    if passed:
        from .codes import SUBJECT_NAMES
        names = "、".join(SUBJECT_NAMES[s] for s in passed)
        raise Refused("SUBJECT_ALREADY_PASSED", f"{names}已于上一年度考试合格，本年度无需报考", "subjects", status=422)
    return [s for s in allowed if s in chosen]


def fee_lines(subjects: list[str], fees: dict) -> list[dict]:
    """One line per subject taken; a subject without a configured fee is a configuration error."""
    from .codes import SUBJECT_NAMES
    lines = []
    for code in subjects:
        fee = fees.get(code)
        if not isinstance(fee, int) or isinstance(fee, bool) or fee < 0:
            raise Refused("FEE_NOT_CONFIGURED", f"{SUBJECT_NAMES.get(code, code)}的报名费尚未设置，请联系报考省份考试管理机构",
                          "subjects", status=409)
        lines.append({"code": code, "name": SUBJECT_NAMES.get(code, code), "fee_fen": fee})
    return lines


def total_fen(lines: list[dict]) -> int:
    return sum(line["fee_fen"] for line in lines)


def yuan(fen: int) -> str:
    """12000 → 120.00 (shown as yuan with two decimals)."""
    return f"{fen // 100}.{fen % 100:02d}"


def passed(score) -> bool:
    return score is not None and score >= PASS_MARK
