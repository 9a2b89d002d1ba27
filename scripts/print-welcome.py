"""Print the address and the demo logins after `make run`."""
import json
import os
import sys

seed = json.load(open(sys.argv[1], encoding="utf-8"))
port = os.environ.get("PORT", "8000")
base = f"http://127.0.0.1:{port}"
print(f"""
全国会计人员统一服务管理平台 is running: {base}
  API document:   {base}/api/v1/openapi.json      health: {base}/healthz
  sandbox:        SMS {base}/sandbox/sms?phone=13800138000   (SANDBOX={os.environ.get('SANDBOX')})
  payment channels' sandbox (Alipay, WeChat Pay, UnionPay; open a QR's link to pay): {os.environ.get('PAYMENT_SANDBOX_URL', '')}

Demo candidate (会计人员登录 {base}/login):
  证件号码 {seed['candidate']['login']}  or 手机号 {seed['candidate']['phone']}   密码 {seed['candidate']['password']}   (not yet real-name verified)
  证件号码 {seed['verified_candidate']['login']}  or 手机号 {seed['verified_candidate']['phone']}   密码 {seed['verified_candidate']['password']}   (verified: try 信息采集)
Staff (工作人员登录 {base}/staff/login), password {seed['staff_password']} for each:""")
for item in seed["staff"]:
    print(f"  {item['username']:<18} {item['department']}")
exam_seed = os.path.join(os.path.dirname(sys.argv[1]), "seed-exam.json")
if os.path.exists(exam_seed):
    exams = json.load(open(exam_seed, encoding="utf-8"))
    print(f"""
会计专业技术资格考试 {base}/exam: {exams['junior']['name']} and {exams['intermediate']['name']}, open now in
  浙江省 (考前资格审核), 北京市 (考后资格审核), 江苏省 (no review) and 大连市; not yet open in 上海市; ended in 天津市.
  Try it with the verified candidate after 信息采集 (or as a new candidate without it); staff: reviewer330000 reviews 浙江,
  reviewer (national) manages exam plans; 考试报名设置 and 成绩导入 at {base}/staff/exam.""")
print("\nStop with `make stop`. Logs are in var/log/.")
