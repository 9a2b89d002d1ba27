"""A plausible record for profile tests: 本科 verified by the 学信网 sandbox, a current job at a sandbox
employer with an accounting post and a title, Zhejiang-sized photo rules satisfied by the uploads."""
EDUCATION = {"study_mode": "full_time", "school": "浙江财经大学", "start_date": "2008-09-01",
             "end_date": "2012-06-30", "education_level": "bachelor", "degree": "bachelor", "major": "会计学",
             "education_cert_no": "103211201205000123", "degree_cert_no": "1032142012000123", "studied_abroad": False}
WORK = {"start_date": "2012-07-01", "end_date": None, "employer": "杭州清波数智科技有限公司",
        "credit_code": "91330102MA2H7KQ398", "employer_type": "private", "industry": "I",
        "address": "杭州市上城区清波街道1号", "phone": "0571-88886666", "has_accounting_work": True,
        "posts": [{"post_level": "general", "post": "cashier", "start_date": "2012-07-01", "end_date": None}],
        "title": "title_assistant", "title_date": "2014-06-01"}
BASIC = {"political_status": "masses", "ethnicity": "han", "email": "li@example.com",
         "address": "浙江省杭州市上城区解放路100号", "postcode": "310002"}
NEW_EMPLOYER = {"employer": "北京朝阳恒信会计师事务所（普通合伙）", "credit_code": "91110105MA01C8RT4D",
                "employer_type": "accounting_firm", "industry": "L", "address": "北京市朝阳区建国路1号",
                "start_date": "2024-01-02"}
