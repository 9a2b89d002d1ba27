/* 会计人员继续教育, the staff pages: 继续教育审核 (queue of the people the department manages, the PDF inline,
 * approve or return with a reason) and 机构报送 (CSV with a per-row report). Found by [data-cpe-staff]. */
(function () {
  "use strict";
  var esc = AUSM.esc;
  var API = "/api/v1/staff/cpe";
  var LABELS = {
    start_date: "开始时间", end_date: "结束时间", institution: "培训机构（单位）名称", published_on: "论文发表时间",
    title: "题目（名称）", authors: "作者", journal: "期刊名称", issue: "期刊期数", journal_no_kind: "期刊刊号类型",
    journal_no: "期刊刊号", author_rank: "作者位次", days: "与会天数", place: "会议地点", content: "会议内容",
    published_month: "著作出版年月", publisher: "出版社", isbn: "书号", exam_type: "考试类型", subject: "考试科目",
    exam_date: "考试时间", score: "考试成绩", enrolled_on: "入学时间", passed_on: "成绩合格时间", school: "所在院校",
    major: "所学专业", course: "所学课程", course_score: "课程成绩", education: "学历", completed_on: "结项时间",
    started_on: "立项时间", name: "课题名称", number: "课题编号", sponsor: "课题委托单位", undertaker: "课题承接人",
    independent: "是否独立承担", host: "是否主持"
  };
  var RANKS = { independent: "独立作者", first: "第一作者", other: "其他作者" };

  function cell(html) { return "<td>" + html + "</td>"; }
  function num(x) { return String(Math.round(Number(x) * 10) / 10); }
  function value(key, v) {
    if (key === "author_rank") return RANKS[v] || v;
    if (v === true) return "是";
    if (v === false) return "否";
    return v === null || v === undefined ? "" : String(v);
  }

  function reviewsPage() {
    var status = "pending", currentId = null;
    var detail = document.getElementById("detail"), form = document.getElementById("decision-form");

    function load() {
      return AUSM.api("GET", API + "/applications?status=" + status).then(function (list) {
        document.getElementById("queue-body").innerHTML = list.map(function (a) {
          return '<tr data-testid="cpe-queue-row" data-id="' + a.id + '" data-form="' + a.form + '">' + cell(esc(a.person.name)) + cell(esc(a.person.id_number)) +
            cell(esc(a.form_label)) + cell(a.year) + cell(num(a.credits)) + cell(esc(a.submitted_at)) + cell(esc(a.status_label)) +
            cell('<button type="button" class="btn btn-sm" data-open="' + a.id + '" data-testid="cpe-queue-open">' + (a.status === "pending" ? "审核" : "查看") + "</button>") + "</tr>";
        }).join("") || '<tr><td colspan="8" class="empty">暂无数据</td></tr>';
        document.querySelectorAll("[data-open]").forEach(function (b) {
          b.addEventListener("click", function () { open(b.getAttribute("data-open")); });
        });
      }, function (err) { AUSM.toast(AUSM.errorText(err)); });
    }

    function open(id) {
      currentId = id;
      AUSM.api("GET", API + "/applications/" + id).then(function (a) {
        detail.hidden = false;
        document.getElementById("detail-title").textContent = a.person.name + " · " + a.form_label + "（" + a.year + "年度，" + a.kind_label + " " + num(a.credits) + " 学分）";
        var data = a.data || {};
        var kv = [["申请人", a.person.name], ["证件号码", a.person.id_number], ["管理部门", a.person.department_name || a.person.department_code],
          ["继续教育形式", a.form_label], ["继续教育年度", a.year], ["学分（系统计算）", num(a.credits)], ["状态", a.status_label]];
        Object.keys(data).forEach(function (k) { if (k !== "rows") kv.push([LABELS[k] || k, value(k, data[k])]); });
        if (a.return_reason) kv.push(["退回原因", a.return_reason]);
        document.getElementById("detail-kv").innerHTML = kv.map(function (p) {
          return "<div><dt>" + esc(p[0]) + "</dt><dd>" + esc(p[1]) + "</dd></div>";
        }).join("");
        document.getElementById("detail-rows").innerHTML = data.rows ? '<table class="data" data-testid="cpe-detail-rows"><thead><tr><th>#</th><th>培训内容</th><th>专业科目类型</th><th>专业科目名称</th><th>子科目</th><th>培训时长（分钟）</th><th>获得继续教育学分</th></tr></thead><tbody>' +
          data.rows.map(function (r, i) {
            return "<tr>" + [i + 1, esc(r.content), esc(r.subject_type || "—"), esc(r.subject || "—"), esc(r.sub_subject || "—"), r.minutes,
              num((a.row_credits || [])[i] || 0)].map(cell).join("") + "</tr>";
          }).join("") + "</tbody></table>" : "";
        var pdf = document.getElementById("detail-pdf");
        pdf.innerHTML = a.attachment ? '<iframe class="cpe-pdf" title="继续教育个人申请附件" src="' + esc(a.attachment.url) + '" data-testid="cpe-pdf-frame"></iframe>' +
          '<p><a href="' + esc(a.attachment.url) + '" target="_blank" rel="noopener">在新窗口打开附件</a>（' + a.attachment.pages + "页）</p>" : '<p class="muted">无附件</p>';
        form.hidden = a.status !== "pending";
        form.reset();
        AUSM.clearErrors(form);
        detail.scrollIntoView();
      }, function (err) { AUSM.toast(AUSM.errorText(err)); });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      AUSM.clearErrors(form);
      var decision = e.submitter ? e.submitter.value : "approve";
      AUSM.api("POST", API + "/applications/" + currentId + "/decision", { decision: decision, reason: form.elements.reason.value })
        .then(function () {
          AUSM.toast(decision === "approve" ? "已审核通过" : "已退回");
          detail.hidden = true;
          load();
        }, function (err) { AUSM.showErrors(form, err); });
    });
    AUSM.tabs(document.getElementById("queue-tabs"), function (tab) { status = tab.getAttribute("data-status"); detail.hidden = true; load(); });
    load();
  }

  function reportsPage() {
    var select = document.getElementById("r-institution");
    function institutions() {
      return AUSM.api("GET", API + "/institutions").then(function (list) {
        select.innerHTML = list.map(function (i) { return '<option value="' + esc(i.code) + '">' + esc(i.name) + "</option>"; }).join("") ||
          '<option value="">请先登记培训机构</option>';
      });
    }
    var reportForm = document.getElementById("report-form");
    reportForm.addEventListener("submit", function (e) {
      e.preventDefault();
      AUSM.clearErrors(reportForm);
      var fd = new FormData();
      var file = document.getElementById("r-file").files[0];
      if (file) fd.append("file", file);
      AUSM.api("POST", API + "/institutions/" + encodeURIComponent(select.value || "none") + "/reports", fd).then(function (r) {
        document.getElementById("report-result").hidden = false;
        document.getElementById("report-summary").textContent = r.institution + "：计入 " + r.accepted + " 行，未计入 " + r.refused + " 行";
        document.getElementById("report-errors").innerHTML = r.errors.map(function (x) {
          return '<tr data-testid="cpe-report-error">' + cell(x.line) + cell(esc(x.id_number || "")) + cell(esc(x.field)) + cell(esc(x.message)) + "</tr>";
        }).join("") || '<tr><td colspan="4" class="empty">全部计入</td></tr>';
      }, function (err) { AUSM.showErrors(reportForm, err); });
    });
    var instForm = document.getElementById("institution-form");
    instForm.addEventListener("submit", function (e) {
      e.preventDefault();
      AUSM.clearErrors(instForm);
      AUSM.api("POST", API + "/institutions", AUSM.formData(instForm)).then(function () {
        AUSM.toast("已登记"); instForm.reset(); institutions();
      }, function (err) { AUSM.showErrors(instForm, err); });
    });
    var rulesForm = document.getElementById("rules-form");
    function versions() {
      return AUSM.api("GET", API + "/rules").then(function (r) {
        document.getElementById("rules-body").innerHTML = r.versions.map(function (v) {
          var t = v.rules.training || {};
          return "<tr>" + [esc(v.province_code === "000000" ? "全国" : v.province_code), esc(v.effective_from), t.minutes_per_class_hour,
            t.credits_per_class_hour, t.daily_cap_class_hours, "总" + v.rules.required_total + "，专业≥" + v.rules.required_professional,
            esc(v.created_by)].map(cell).join("") + "</tr>";
        }).join("") || '<tr><td colspan="7" class="empty">暂无数据</td></tr>';
      });
    }
    rulesForm.addEventListener("submit", function (e) {
      e.preventDefault();
      AUSM.clearErrors(rulesForm);
      var f = AUSM.formData(rulesForm);
      AUSM.api("POST", API + "/rules", { province_code: f.province_code, effective_from: f.effective_from, rules: { training: {
        minutes_per_class_hour: Number(f.minutes_per_class_hour), credits_per_class_hour: Number(f.credits_per_class_hour),
        daily_cap_class_hours: Number(f.daily_cap_class_hours) } } }).then(function () {
        AUSM.showAlert(rulesForm, "已保存", "success"); versions();
      }, function (err) { AUSM.showErrors(rulesForm, err); });
    });
    versions();
    var correction = document.getElementById("correction-form");
    correction.addEventListener("submit", function (e) {
      e.preventDefault();
      AUSM.clearErrors(correction);
      var body = AUSM.formData(correction);
      body.year = Number(body.year);
      body.credits = Number(body.credits);
      AUSM.api("POST", API + "/corrections", body).then(function (x) {
        AUSM.showAlert(correction, x.person.name + " " + x.year + "年：" + x.reason + "，" + num(x.total) + " 学分", "success");
        correction.reset();
      }, function (err) { AUSM.showErrors(correction, err); });
    });
    institutions();
  }

  AUSM.ready(function () {
    var root = document.querySelector("[data-cpe-staff]");
    if (!root) return;
    if (root.getAttribute("data-cpe-staff") === "reviews") reviewsPage();
    else reportsPage();
  });
})();
