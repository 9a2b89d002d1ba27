"""帮助中心: the online operating guides (the manual's sections as pages, from guides/*.txt), the common questions,
and one search over them and the answers staff publish, that understands Chinese queries: jieba (pinned) cuts
the query and every document into words, and documents are ranked by BM25 with titles counted twice."""
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba

from ausm_common.upload_policies import policy_for

jieba.setLogLevel(logging.WARNING)

GUIDES_DIR = Path(__file__).with_name("guides")
# Words that say how a question is asked, not what it is about.
STOPWORDS = frozenset("怎么办 怎么 怎样 如何 什么 为什么 哪里 哪些 是否 可以 能否 能 不能 需要 要 请问 请 我 我的 您 的 了 吗 呢 吧 啊 "
                      "是 在 和 与 及 或 有 没有 一个 这个 那个 时 后 前".split())
_WORD = re.compile(r"\w", re.UNICODE)
K1, B = 1.2, 0.75

FAQ = [
  ("注册", "证件号码已注册怎么办？",
   ["注册时提示“该证件号码已注册”，说明您（或他人使用您的证件）已经注册过账号。请直接使用证件号码或注册手机号登录；如忘记密码，请在登录页点击“忘记密码”，填写与注册时一致的证件号码、姓名和手机号码后重置密码。",
    "如确认从未注册过，可能是他人冒用了您的证件信息，请携带本人有效证件联系所在地会计管理部门处理。"]),
  ("注册", "手机号已被其他账号使用怎么办？",
   ["一个手机号码只能绑定一个账号。如该手机号是您本人另一个账号使用的，请登录该账号后在“个人中心 - 信息修改”中更换手机号；否则请使用其他手机号码注册。"]),
  ("注册", "收不到短信验证码怎么办？",
   ["请确认手机号码填写正确、手机信号正常，且未开启短信拦截（部分手机安全软件会把验证码短信放入拦截箱）。",
    "短信验证码3分钟内有效，每3分钟只能发送一次；按钮倒计时结束后可点击“重新获取验证码”。同一手机号每天获取验证码的次数有限，超过后请次日再试。",
    "如页面提示“发送失败，请检查手机号”，请核对号码是否为正常使用的11位手机号码。"]),
  ("注册", "姓名中有生僻字无法输入怎么办？",
   ["在注册或找回密码页面，点击姓名输入框右侧的“生僻字”按钮，在弹出的列表中点击对应的字，即可插入到光标所在位置。",
    "请确保填写的姓名与证件上的姓名完全一致，否则支付宝实名认证会提示信息不一致。"]),
  ("注册", "港澳台居民、外籍人员如何注册？",
   ["在证件类型中选择“港澳居民来往内地通行证”“台湾居民来往大陆通行证”或“护照（外国）”，填写证件上的号码和姓名。使用外国护照注册的，还需选择国籍。"]),
  ("登录", "账号被锁定怎么办？",
   ["为保护账号安全，连续多次输入错误密码后，账号会在当前网络下被临时锁定，页面会提示可再次登录的时间（例如“请于 10:32 后重试”）。",
    "请在提示的时间之后再登录；如确实忘记密码，可通过“忘记密码”重置密码，重置成功后即可使用新密码登录。"]),
  ("登录", "忘记密码怎么办？",
   ["在登录页面点击登录按钮右下方的“忘记密码”，进入找回密码页面，填写证件类型、证件号码、真实姓名、新密码、确认新密码、手机号码以及短信验证码后，点击“确认重置密码”。",
    "填写的信息须与注册时所填信息一致，否则重置不成功。重置成功后，其他设备上的登录会全部退出。"]),
  ("登录", "图片验证码看不清或提示错误怎么办？",
   ["点击验证码图片即可更换一张。验证码不区分大小写，每张验证码只能使用一次，登录失败后页面会自动更换新的验证码，请重新输入。"]),
  ("登录", "微信扫码登录提示“尚未绑定平台账号”怎么办？",
   ["微信扫码登录前须先绑定微信：请使用证件号码或手机号登录，进入“个人中心 - 微信绑定”，点击“绑定”并使用本人微信扫码确认。绑定成功后即可使用微信扫码快捷登录。"]),
  ("登录", "注册时的手机号已不再使用怎么办？",
   ["如仍能登录，请在“个人中心 - 信息修改”中修改手机号，短信验证码会发送到新手机号码。如无法登录且原手机号无法接收短信，请联系所在地会计管理部门。"]),
  ("实名认证", "实名认证有哪些方式？",
   ["在信息采集前必须进行实名认证，平台提供两种方式：",
    "1. 支付宝实名认证：点击“支付宝实名认证”，使用本人支付宝账号完成认证，即时生效，推荐使用。",
    "2. 线上实名认证：无法使用支付宝的，上传证件人像面、证件国徽面（非人像面）、手持证件人像面照片并选择所在省市，由所选省市会计管理部门人工审核，审核结果可在“实名认证”页面查看。"]),
  ("实名认证", "支付宝实名认证提示信息不一致怎么办？",
   ["支付宝实名认证会核对支付宝账户的实名信息与您注册时填写的姓名、证件号码是否一致。提示不一致时，请确认使用的是本人支付宝账号，并核对注册时填写的姓名（含生僻字）和证件号码。",
    "如注册信息有误，请联系所在地会计管理部门处理；也可以改用线上实名认证。"]),
  ("实名认证", "线上实名认证对照片有什么要求？",
   ["照片要求：{policy:realname_photo}，照片清晰完整：证件四角完整、文字清晰可辨，无遮挡、无反光；手持证件照须本人面部与证件人像面同时清晰可见。"]),
  ("实名认证", "线上实名认证被退回怎么办？",
   ["请在“实名认证”页面查看审核人员填写的退回原因，按要求重新拍摄并上传照片后再次提交。"]),
  ("其他", "建议使用什么浏览器？",
   ["请使用最新版本的谷歌、火狐、360（极速模式）等非IE内核的主流浏览器访问本平台。"]),
  ("信息采集", "证件照片不合格怎么办？",
   ["信息采集基本信息页的证件照片要求：{policy:photo}。照片须为近期、免冠的标准证件照，清晰完整。",
    "上传时页面会先检查照片的格式、大小和像素，不合格时会说明原因（例如像素不足、文件过大）；请按提示重新拍摄或处理后再上传。审核退回照片的，请查看退回原因后重新上传。"]),
  ("信息采集", "证明材料有什么要求？",
   ["学历学位证书、会计工作经历证明等证明材料：{policy:proof}。多张证明需要合并到一张图片中上传。"]),
  ("咨询答疑", "如何向管理部门咨询问题？",
   ["登录后进入“帮助中心 - 咨询答疑”，选择问题所属模块，填写问题标题和描述后提交。问题由您所属的会计管理部门（尚未完成信息采集的，由您选择的管理部门）及其上级管理部门答复，答复后可在“我的咨询”中查看并继续追问。"]),
]


@dataclass
class Doc:
    kind: str              # guide | faq | answer
    title: str
    text: str
    url: str
    module: str = ""
    category: str = ""
    terms: Counter = field(default_factory=Counter)
    length: int = 0


def words(text: str) -> list[str]:
    """The words of a text for search: jieba's search-mode cut, lower-cased, without punctuation and stop words."""
    out = []
    for token in jieba.cut_for_search(text or ""):
        token = token.strip().lower()
        if token and _WORD.search(token) and token not in STOPWORDS:
            out.append(token)
    return out


def _policy_text(text: str) -> str:
    return re.sub(r"\{policy:([a-z_]+)\}", lambda m: policy_for(m.group(1)).view()["text"], text)


def faqs() -> list[dict]:
    """The common questions, upload rules filled in from the registry the services enforce."""
    return [{"category": c, "question": q, "answer": [_policy_text(p) for p in a]} for c, q, a in FAQ]


# --- guides ------------------------------------------------------------------------------------------

def _parse_guide(path: Path) -> dict:
    guide = {"sections": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            number = line[3:].split(" ", 1)[0].rstrip(".")
            guide["sections"].append({"anchor": "s" + number.replace(".", "-"), "title": line[3:].strip(),
                                      "paragraphs": []})
        elif line.startswith("# "):
            guide["title"] = line[2:].strip()
        elif ": " in line and not guide["sections"] and line.split(": ", 1)[0] in ("module", "order", "source"):
            key, value = line.split(": ", 1)
            guide[key] = value.strip()
        elif line.strip() and guide["sections"]:
            guide["sections"][-1]["paragraphs"].append(_policy_text(line.strip()))
    return guide


@lru_cache(maxsize=None)
def guides() -> tuple[dict, ...]:
    found = [_parse_guide(p) for p in GUIDES_DIR.glob("*.txt")]
    return tuple(sorted(found, key=lambda g: int(g.get("order", 99))))


def guide(module: str) -> dict | None:
    return next((g for g in guides() if g["module"] == module), None)


# --- search ------------------------------------------------------------------------------------------

def _doc(kind, title, text, url, **extra) -> Doc:
    doc = Doc(kind, title, text, url, **extra)
    doc.terms = Counter(words(title) * 2 + words(text))
    doc.length = sum(doc.terms.values())
    return doc


@lru_cache(maxsize=1)
def _static_docs() -> tuple[Doc, ...]:
    docs = [_doc("guide", f"{g['title']} · {s['title']}", "\n".join(s["paragraphs"]),
                 f"/help/guides/{g['module']}#{s['anchor']}", module=g["module"], category=g["title"])
            for g in guides() for s in g["sections"]]
    docs += [_doc("faq", f["question"], "\n".join(f["answer"]), f"/help#faq-{i}", category=f["category"])
             for i, f in enumerate(faqs())]
    return tuple(docs)


def article_docs(articles: list[dict]) -> list[Doc]:
    return [_doc("answer", a["question"], a["answer"], f"/help#answer-{a['id']}", module=a.get("module", ""),
                 category=a.get("module_label") or "") for a in articles]


def search(query: str, articles: list[dict], limit: int = 20) -> list[dict]:
    """The guides' sections, the common questions and the published answers that best match `query`."""
    terms = list(dict.fromkeys(words(query)))
    if not terms:
        return []
    docs = list(_static_docs()) + article_docs(articles)
    average = sum(d.length for d in docs) / len(docs) or 1
    ranked = []
    for doc in docs:
        score = 0.0
        for term in terms:
            tf = doc.terms.get(term, 0)
            if not tf:
                continue
            df = sum(1 for d in docs if term in d.terms)
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc.length / average))
        if score > 0:
            ranked.append((score, doc))
    ranked.sort(key=lambda pair: -pair[0])
    return [{"kind": d.kind, "kind_label": KIND_LABELS[d.kind], "title": d.title, "category": d.category,
             "url": d.url, "snippet": snippet(d.text, terms), "score": round(s, 3)} for s, d in ranked[:limit]]


KIND_LABELS = {"guide": "操作说明", "faq": "常见问题", "answer": "咨询答疑"}


def snippet(text: str, terms: list[str], width: int = 90) -> str:
    """The part of the text around the first query word found, about `width` characters."""
    lowered = text.lower()
    hits = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = text[start:start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_a_query_word) for the page to mark, without any HTML here."""
    terms = sorted({t for t in words(query) if len(t) > 1 or not t.isascii()}, key=len, reverse=True)
    if not terms:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, at = [], 0
    for match in pattern.finditer(text):
        if match.start() > at:
            out.append((text[at:match.start()], False))
        out.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out
