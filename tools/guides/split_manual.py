"""Split the platform's operating manual (全国会计人员统一服务管理平台操作指南, plain text) into the online guides
the gateway renders and searches, one file per module:

    python tools/guides/split_manual.py <manual.txt> gateway/gateway/guides

Headings are lines "N. title" / "N.M. title" with a short title; figure placeholders and blank lines go."""
import re
import sys
from pathlib import Path

HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(\S.{0,24})$")
# top-level section (or a sub-section that belongs elsewhere) -> module
MODULES = {"1": "account", "2": "account", "2.3": None, "2.4": None, "2.5": "realname", "3": "collection",
           "4": "change", "5": "transfer", "6": "exam", "7": "qualification", "8": "cpe", "9": "me"}
TITLES = {"account": "注册与登录", "realname": "实名认证", "collection": "信息采集", "change": "信息变更",
          "transfer": "属地关系调转", "exam": "会计资格考试报名", "qualification": "职称管理", "cpe": "继续教育",
          "me": "个人中心"}
ORDER = list(TITLES)


def clean(line: str) -> str:
    line = line.replace("$\\geq", "≥").replace("\\geq", "≥").replace("\\times", "×").replace("$", "")
    return re.sub(r"\*\*|\s+$", "", line).strip()


def module_of(number: str) -> str | None:
    parts = number.split(".")
    for depth in range(len(parts), 0, -1):
        key = ".".join(parts[:depth])
        if key in MODULES:
            return MODULES[key]
    return None


def split(text: str) -> dict[str, list[tuple[str, list[str]]]]:
    sections, current, started = {}, None, False
    for raw in text.splitlines():
        line = clean(raw)
        match = HEADING.match(line)
        if match and not line.endswith("。") and "..." not in line:
            started = True
            number, title = match.groups()
            module = module_of(number)
            current = [] if module is None else None
            if module is not None:
                current = []
                sections.setdefault(module, []).append((f"{number}. {title}", current))
            continue
        if started and line and current is not None and not line.startswith("如下图"):
            current.append(line)
    return sections


def main(manual: str, out_dir: str):
    sections = split(Path(manual).read_text(encoding="utf-8"))
    for order, module in enumerate(ORDER, 1):
        lines = [f"# {TITLES[module]}", f"module: {module}", f"order: {order}",
                 "source: 全国会计人员统一服务管理平台操作指南", ""]
        for title, paragraphs in sections.get(module, []):
            lines += [f"## {title}", *paragraphs, ""]
        Path(out_dir, f"{module}.txt").write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
