"""Enumerations: code → label shown on the pages, in the order of their sources."""

# --- enumerations (code → label shown on the pages) ----------------------------------------

SCOPES = {
    "accountant": "会计人员",
    "qualified_non_accountant": "不从事会计工作但具有会计专业技术资格的人员",
    "doctor_for_intermediate": "暂未工作但具有博士学位拟报名中级会计专业技术资格考试的人员",
}
STUDY_MODES = {"full_time": "全日制", "part_time": "非全日制"}
EDUCATION_LEVELS = {  # low → high; the order is used by the rules
    "junior_high_or_below": "初中及以下", "high_school": "高中", "secondary_vocational": "中专",
    "associate": "大专", "bachelor": "本科", "master": "硕士研究生", "doctoral": "博士研究生",
}
EDUCATION_LEVEL_ORDER = tuple(EDUCATION_LEVELS)
DEGREES = {"none": "无", "bachelor": "学士", "master": "硕士", "doctor": "博士"}
# Which degrees a segment of each level can carry. 本科 may carry 硕士: in-service staff obtain a
# master's degree 以同等学力 without a master's education.
DEGREES_FOR_LEVEL = {
    "junior_high_or_below": ("none",), "high_school": ("none",), "secondary_vocational": ("none",),
    "associate": ("none",), "bachelor": ("none", "bachelor", "master"), "master": ("none", "master"),
    "doctoral": ("none", "doctor"),
}
POLITICAL_STATUSES = {  # GB/T 4762, in its order
    "cpc_member": "中共党员", "cpc_probationary": "中共预备党员", "cyl_member": "共青团员",
    "rcck": "民革党员", "cdl": "民盟盟员", "cndca": "民建会员", "capd": "民进会员", "cpwdp": "农工党党员",
    "zhigong": "致公党党员", "jiusan": "九三学社社员", "tdsl": "台盟盟员", "non_party": "无党派人士",
    "masses": "群众",
}
ETHNICITIES = {  # GB 3304, in its order, then 外国血统中国籍人士 and 其他
    "han": "汉族", "mongol": "蒙古族", "hui": "回族", "zang": "藏族", "uyghur": "维吾尔族", "miao": "苗族",
    "yi": "彝族", "zhuang": "壮族", "buyi": "布依族", "chaoxian": "朝鲜族", "man": "满族", "dong": "侗族",
    "yao": "瑶族", "bai": "白族", "tujia": "土家族", "hani": "哈尼族", "kazak": "哈萨克族", "dai": "傣族",
    "li": "黎族", "lisu": "傈僳族", "wa": "佤族", "she": "畲族", "gaoshan": "高山族", "lahu": "拉祜族",
    "shui": "水族", "dongxiang": "东乡族", "naxi": "纳西族", "jingpo": "景颇族", "kirgiz": "柯尔克孜族",
    "tu": "土族", "daur": "达斡尔族", "mulao": "仫佬族", "qiang": "羌族", "blang": "布朗族", "salar": "撒拉族",
    "maonan": "毛南族", "gelao": "仡佬族", "xibe": "锡伯族", "achang": "阿昌族", "pumi": "普米族",
    "tajik": "塔吉克族", "nu": "怒族", "uzbek": "乌孜别克族", "russian": "俄罗斯族", "ewenki": "鄂温克族",
    "deang": "德昂族", "bonan": "保安族", "yugur": "裕固族", "jing": "京族", "tatar": "塔塔尔族",
    "derung": "独龙族", "oroqen": "鄂伦春族", "hezhen": "赫哲族", "monba": "门巴族", "lhoba": "珞巴族",
    "jino": "基诺族", "foreign_origin": "外国血统中国籍人士", "other": "其他",
}
EMPLOYER_TYPES = {
    "state_organ": "国家机关", "public_institution": "事业单位", "social_organization": "社会团体及其他社会组织",
    "central_soe": "中央企业", "local_soe": "地方国有企业", "state_listed": "国有控股上市公司",
    "non_state_listed": "非国有控股上市公司", "private": "民营企业", "foreign_invested": "外商投资企业",
    "hmt_invested": "港澳台商投资企业", "collective": "集体企业", "cooperative": "农民专业合作社",
    "individual_business": "个体工商户", "accounting_firm": "会计师事务所", "bookkeeping_agency": "代理记账机构",
    "other": "其他",
}
INDUSTRIES = {  # GB/T 4754-2017 sections
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业",
    "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
    "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业", "P": "教育", "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织", "T": "国际组织",
}
ACCOUNTING_POST_LEVELS = {
    "chief_accountant": "总会计师（财务负责人）", "head": "会计机构负责人（会计主管人员）", "general": "一般会计人员",
}
ACCOUNTING_POSTS = {  # the posts of 会计基础工作规范 art. 11, plus management posts
    "head": "会计机构负责人（会计主管人员）", "cashier": "出纳", "property": "财产物资核算", "payroll": "工资核算",
    "cost": "成本费用核算", "results": "财务成果核算", "funds": "资金核算", "settlement": "往来结算",
    "ledger": "总账报表", "audit": "稽核", "archives": "会计档案管理", "financial_management": "财务管理",
    "budget": "预算管理", "tax": "税务会计", "management_accounting": "管理会计", "other": "其他会计工作",
}
TITLES = {"title_clerk": "会计员", "title_assistant": "助理会计师", "title_accountant": "会计师",
          "title_senior": "高级会计师", "title_professor": "正高级会计师"}
QUAL_LEVELS = {"junior": "初级", "intermediate": "中级", "senior": "高级", "professor": "正高级"}
QUAL_WAYS = {"exam": "考试", "assessment": "评审", "exam_and_assessment": "考评结合", "recognition": "认定"}
OTHER_QUAL_TYPES = {  # manual §7.2, in its order; the first three have levels
    "economics": "经济专业技术资格", "audit": "审计专业技术资格", "statistics": "统计专业技术资格",
    "cpa": "注册会计师", "asset_appraiser": "资产评估师", "tax_adviser": "税务师",
}
OTHER_QUAL_TYPES_WITH_LEVEL = ("economics", "audit", "statistics")
TRANSFER_REASONS = {"employer_moved": "工作单位所在地变动", "school_moved": "学籍所在地变动",
                    "residence_moved": "户籍所在地或居住地变动"}
ARCHIVE_MODES = {"school": "学校保管", "talent_center": "人才服务机构代管", "other": "其他"}
REVIEW_STATUSES = {"draft": "未提交", "submitted": "审核中", "approved": "审核通过", "returned": "已退回",
                   "withdrawn": "已撤回"}    # withdrawn: a change request its person took back
REVIEW_MODES = {"auto": "自动审核", "manual": "人工审核"}
CHANGE_KINDS = {"basic": "基本信息变更", "education": "教育经历变更", "work": "工作经历变更",
                "scope": "采集范围变更"}
CHANGE_OPERATIONS = {"add": "新增", "modify": "修改", "delete": "删除"}
# Optional second document of people registered with a non-mainland ID (manual §3.3).
ALT_ID_TYPES = {"hmt_residence_permit": "港澳台居民居住证", "foreign_permanent_residence": "外国人永久居留身份证"}
# Applications that block a transfer while under review (manual §5.1).
PENDING_KINDS = {"change": "信息变更申请", "transfer": "调转申请", "reward_punishment": "奖惩申请",
                 "cpe_equivalence": "视同继续教育申请"}
