"""The exam's enumerations: code → label shown on the pages (domain-rules §6, manual 004 §6, glossary)."""

LEVELS = {"junior": "初级", "intermediate": "中级", "senior": "高级"}

# Subjects per level with their durations in minutes (domain-rules §6.1; 中级 and 高级 durations from the
# 2024 national notice: 中级会计实务 165, 财务管理 135, 经济法 120, 高级会计实务 210).
SUBJECTS = {
    "junior": (("junior_practice", "初级会计实务", 105), ("economic_law_basics", "经济法基础", 75)),
    "intermediate": (("intermediate_practice", "中级会计实务", 165), ("financial_management", "财务管理", 135),
                     ("economic_law", "经济法", 120)),
    "senior": (("senior_practice", "高级会计实务", 210),),
}
SUBJECT_NAMES = {code: name for subjects in SUBJECTS.values() for code, name, _ in subjects}
PASS_MARK = 60

REVIEW_MODES = {"pre_exam": "考前资格审核", "post_exam": "考后资格审核", "none": "不审核"}

STATUSES = {"draft": "草稿", "submitted": "待审核", "returned": "审核退回", "approved": "审核通过，待缴费",
            "paid": "报名成功", "rejected": "审核不通过", "abandoned": "已放弃", "deleted": "已删除"}
# In a 考后 (or no-review) province a submitted enrollment is payable at once: the same state, its own label.
PAYABLE_LABEL_WITHOUT_REVIEW = "待缴费"
ACTIVE = ("draft", "submitted", "returned", "approved", "paid")
UNPAID = ("draft", "submitted", "returned", "approved")
FINAL = ("paid", "rejected", "abandoned", "deleted")

# The step bar of the enrollment pages (manual 004 §6.1).
STEPS = {1: "填写报名信息", 2: "证明材料上传", 3: "信息确认", 4: "资格审核", 5: "网上缴费", 6: "报名成功"}

POST_REVIEW_STATUSES = {"not_required": "无需考后审核", "awaiting": "待提交考后审核材料", "submitted": "考后审核中",
                        "approved": "考后审核通过", "voided": "考后审核未通过，成绩无效"}

# 属地化原则 (domain-rules §6.3): why someone registers outside their management department's province.
LOCALITY_REASONS = {"employer": "工作单位所在地", "study": "学籍所在地", "residence": "户籍或居住地"}

# Eligibility routes per level (domain-rules §6.2). Years are of accounting work, counted to 31 December of the
# exam year. `education` / `degree`: what the route accepts (either is enough when both are given).
ROUTES = {
    "junior": {
        "high_school": {"label": "具备国家教育部门认可的高中毕业（含高中、中专、职高和技校）及以上学历", "years": 0},
    },
    "intermediate": {
        "associate_5": {"label": "取得大学专科学历，从事会计工作满5年", "short": "大专+5年", "years": 5},
        "bachelor_4": {"label": "取得大学本科学历或学士学位，从事会计工作满4年", "short": "本科+4年", "years": 4},
        "second_bachelor_2": {"label": "取得第二学士学位或研究生班毕业，从事会计工作满2年", "short": "第二学士学位/研究生班+2年",
                              "years": 2},
        "master_1": {"label": "取得硕士学位，从事会计工作满1年", "short": "硕士+1年", "years": 1},
        "doctor": {"label": "取得博士学位", "short": "博士", "years": 0},
        "related_qualification": {"label": "通过全国统一考试，取得经济师、统计师、审计师资格", "short": "经济师/统计师/审计师",
                                  "years": 0},
    },
    "senior": {
        "senior_standard": {"label": "取得会计师资格后，从事与会计师职责相关工作满5年（本科及以上）", "short": "会计师+5年",
                            "years": 5},
    },
}

EDUCATION_ORDER = ("junior_high_or_below", "high_school", "secondary_vocational", "associate", "bachelor", "master",
                   "doctoral")
EDUCATION_LABELS = {"junior_high_or_below": "初中及以下", "high_school": "高中", "secondary_vocational": "中专",
                    "associate": "大专", "bachelor": "本科", "master": "硕士研究生", "doctoral": "博士研究生"}
DEGREE_LABELS = {"none": "无", "bachelor": "学士", "master": "硕士", "doctor": "博士"}
STUDY_MODES = {"full_time": "全日制", "part_time": "非全日制"}
RELATED_QUALIFICATIONS = ("economics", "statistics", "audit")

# The regions of the manual's province table (004 §6.1): 31 provinces and the five separately listed cities,
# in the manual's order, with the seed's consultation phone (area code as in the manual's table).
REGIONS = (
    ("110000", "北京市", "010"), ("120000", "天津市", "022"), ("130000", "河北省", "0311"), ("140000", "山西省", "0351"),
    ("150000", "内蒙古自治区", "0471"), ("210000", "辽宁省", "024"), ("210200", "大连市", "0411"),
    ("220000", "吉林省", "0431"), ("230000", "黑龙江省", "0451"), ("310000", "上海市", "021"),
    ("320000", "江苏省", "025"), ("330000", "浙江省", "0571"), ("330200", "宁波市", "0574"),
    ("340000", "安徽省", "0551"), ("350000", "福建省", "0591"), ("350200", "厦门市", "0592"),
    ("360000", "江西省", "0791"), ("370000", "山东省", "0531"), ("370200", "青岛市", "0532"),
    ("410000", "河南省", "0371"), ("420000", "湖北省", "027"), ("430000", "湖南省", "0731"),
    ("440000", "广东省", "020"), ("440300", "深圳市", "0755"), ("450000", "广西壮族自治区", "0771"),
    ("460000", "海南省", "0898"), ("500000", "重庆市", "023"), ("510000", "四川省", "028"), ("520000", "贵州省", "0851"),
    ("530000", "云南省", "0871"), ("540000", "西藏自治区", "0891"), ("610000", "陕西省", "029"),
    ("620000", "甘肃省", "0931"), ("630000", "青海省", "0971"), ("640000", "宁夏回族自治区", "0951"),
    ("650000", "新疆维吾尔自治区", "0991"),
)
REGION_NAMES = {code: name for code, name, _ in REGIONS}
SEPARATE_CITIES = tuple(code for code, _, _ in REGIONS if not code.endswith("0000"))


def plan_name(year: int, level: str) -> str:
    """As the manual's table title: 2025年全国会计专业技术资格考试（初级）."""
    return f"{year}年全国会计专业技术资格考试（{LEVELS[level]}）"
