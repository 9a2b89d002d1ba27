"""Score import (成绩导入): a CSV read row by row, every bad row reported with its line number and reason.

Columns (header row required, Chinese or English names): 报名注册号 enrollment_no, 科目 subject (code or
Chinese name), 成绩 score (0–100, at most one decimal). Rows are checked here for their shape; the service then
checks each against the enrollments (known, in the importer's jurisdiction, subject taken).
"""
import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ausm_common import jobs

from .codes import SUBJECT_NAMES

HEADERS = {"报名注册号": "enrollment_no", "enrollment_no": "enrollment_no", "科目": "subject", "科目代码": "subject",
           "subject": "subject", "成绩": "score", "score": "score"}
MAX_ROWS = 20000
CODES_BY_NAME = {name: code for code, name in SUBJECT_NAMES.items()}


@dataclass(frozen=True)
class ScoreRow:
    line: int
    enrollment_no: str
    subject: str
    score: Decimal


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV 文件")


def parse(data: bytes, max_rows: int = MAX_ROWS) -> tuple[list[ScoreRow], list[dict]]:
    """(good rows, errors [{line, field, message}]). A file that cannot be read at all is one error at line 0."""
    try:
        reader = csv.reader(io.StringIO(_decode(data)))
        header = next(reader, None)
    except (ValueError, csv.Error) as exc:
        return [], [{"line": 0, "field": "file", "message": str(exc)}]
    columns = [HEADERS.get((h or "").strip()) for h in header or []]
    missing = [label for label, key in (("报名注册号", "enrollment_no"), ("科目", "subject"), ("成绩", "score"))
               if key not in columns]
    if missing:
        return [], [{"line": 1, "field": "header", "message": f"表头缺少：{'、'.join(missing)}（应为：报名注册号,科目,成绩）"}]
    try:
        return _rows(reader, columns, max_rows)
    except csv.Error as exc:         # a NUL byte or a broken quote: the file, not a row
        return [], [{"line": reader.line_num, "field": "file", "message": f"文件格式不正确，无法读取：{exc}"}]


def _rows(reader, columns, max_rows: int = MAX_ROWS) -> tuple[list[ScoreRow], list[dict]]:
    rows, errors, seen = [], [], {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(errors) >= max_rows:
            errors.append({"line": line, "field": "file", "message": f"每次最多导入{max_rows}行"})
            break
        record = {key: (values[i].strip() if i < len(values) else "") for i, key in enumerate(columns) if key}
        row, problem = _row(line, record)
        if problem:
            errors.append(problem)
            continue
        key = (row.enrollment_no, row.subject)
        if key in seen:
            errors.append({"line": line, "field": "subject", "message": f"与第{seen[key]}行重复（同一报名注册号、同一科目）"})
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors


def _row(line: int, record: dict) -> tuple[ScoreRow | None, dict | None]:
    number = record.get("enrollment_no", "")
    if not number.isdigit():
        return None, {"line": line, "field": "enrollment_no", "message": f"报名注册号“{number}”格式不正确"}
    subject = record.get("subject", "")
    code = subject if subject in SUBJECT_NAMES else CODES_BY_NAME.get(subject)
    if code is None:
        return None, {"line": line, "field": "subject", "message": f"科目“{subject}”不存在"}
    raw = record.get("score", "")
    try:
        score = Decimal(raw)
    except InvalidOperation:
        return None, {"line": line, "field": "score", "message": f"成绩“{raw}”不是数字"}
    if not score.is_finite() or score < 0 or score > 100 or score != score.quantize(Decimal("0.1")):
        return None, {"line": line, "field": "score", "message": f"成绩“{raw}”应为0～100之间、最多一位小数的数字"}
    return ScoreRow(line, number, code, score), None


JOB_MAX_ROWS = jobs.MAX_ROWS


def jsonl_to_csv(data: bytes) -> tuple[bytes, list[dict]]:
    """JSON lines ({"enrollment_no", "subject", "score"} per line) as the CSV `parse` reads, line numbers kept."""
    return jobs.jsonl_to_csv(data, ("enrollment_no", "subject", "score"))
