/* 个人档案 (/archive): a read-only summary of the person's records — the account, the collection with its
 * education and work, the changes, the transfers and the qualifications. Names, ID numbers and phone numbers
 * are masked (张**, 330*****3910, 139****2238). Vanilla JS on top of static/app.js (AUSM.*).
 */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };
  var STATUS_CLASS = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err", withdrawn: "" };
  var opts = {};

  function badge(status, label) {
    return '<span class="badge ' + (STATUS_CLASS[status] || "") + '">' + esc(label || status || "—") + "</span>";
  }
  function label(list, code) {
    if (code == null || code === "") return "";
    var found = (opts[list] || []).filter(function (o) { return o.code === code; })[0];
    return found ? found.label : code;
  }
  function maskName(name) {
    var chars = Array.from(String(name || ""));
    if (chars.length <= 1) return chars.join("");
    return chars[0] + new Array(chars.length).join("*");
  }
  function period(s) {
    return (s.start_date || "—") + " 至 " + (s.until_now || !s.end_date ? "今" : s.end_date);
  }
  function time(v) { return v ? AUSM.fmtTime(v) : "—"; }
  function kv(rows, two) {
    return '<dl class="kv' + (two ? " two" : "") + '">' + rows.map(function (r) {
      return "<dt>" + esc(r[0]) + "</dt><dd" + (r[2] ? ' data-testid="' + r[2] + '"' : "") + ">" +
        (r[3] ? r[1] : esc(r[1] == null || r[1] === "" ? "—" : r[1])) + "</dd>";
    }).join("") + "</dl>";
  }
  function table(testid, heads, rows, empty) {
    return '<div class="table-wrap"><table class="data" data-testid="' + testid + '"><thead><tr>' +
      heads.map(function (h) { return '<th scope="col">' + esc(h) + "</th>"; }).join("") + "</tr></thead><tbody>" +
      (rows.length ? rows.join("") : '<tr><td colspan="' + heads.length + '" class="empty">' + esc(empty) + "</td></tr>") +
      "</tbody></table></div>";
  }
  function td(v, html) { return "<td>" + (html ? v : esc(v == null || v === "" ? "—" : v)) + "</td>"; }
  function tdn(v) { return '<td class="nowrap">' + esc(v == null || v === "" ? "—" : v) + "</td>"; }

  function renderPerson(me, collection) {
    var p = (collection && collection.person) || {};
    var b = (collection && collection.basic) || {};
    var rows = [
      ["证件类型", me.id_type_label || p.id_type_label, "archive-id-type"], ["证件号码", me.id_number || p.id_number, "archive-id-number"],
      ["姓名", me.name || maskName(p.name), "archive-name"], ["性别", AUSM.genderLabel(me.gender || p.gender), "archive-gender"],
      ["出生日期", me.birth_date || p.birth_date, "archive-birth-date"], ["手机号码", me.phone || p.phone, "archive-phone"],
      ["实名认证", badge(me.realname_status === "verified" ? "approved" : me.realname_status === "pending" ? "submitted" : "returned",
        AUSM.REALNAME_LABELS[me.realname_status] || "未实名认证"), "archive-realname", true],
      ["注册时间", time(me.created_at)]
    ];
    if (collection && collection.status !== "not_started") {
      rows.push(["政治面貌", label("political_statuses", b.political_status)], ["民族", label("ethnicities", b.ethnicity)],
                ["邮箱", b.email], ["邮编", b.postcode], ["通讯地址", b.address]);
    }
    el("person-body").innerHTML = kv(rows, true);
  }

  function renderCollection(c) {
    var box = el("collection-body");
    if (!c || c.status === "not_started") {
      box.innerHTML = '<p class="muted" data-testid="archive-no-collection">尚未进行信息采集。<a href="/collection">前往信息采集</a></p>';
      return;
    }
    var path = (c.department_path || []).map(function (d) { return d.name; }).join(" / ");
    var html = kv([
      ["审核状态", badge(c.status, c.status_label), "archive-collection-status", true], ["采集范围", c.scope_label],
      ["会计管理部门", c.department ? c.department.name : "未选择", "archive-department"], ["部门层级", path],
      ["提交时间", time(c.submitted_at)], ["审核时间", time(c.decided_at)]
    ], true);
    html += "<h3>教育经历</h3>" + table("archive-education", ["培养方式", "学校名称", "起止时间", "学历", "学位", "所学专业"],
      (c.education || []).map(function (s) {
        return "<tr>" + td(label("study_modes", s.study_mode)) + td(s.school) + tdn(period(s)) +
          td(label("education_levels", s.education_level)) + td(label("degrees", s.degree)) + td(s.major) + "</tr>";
      }), "暂无教育经历");
    html += "<h3>工作经历</h3>" + table("archive-work", ["工作时间", "单位名称", "单位类型", "会计工作经历", "会计专业职务"],
      (c.work || []).map(function (s) {
        var posts = (s.has_accounting_work ? s.posts || [] : []).map(function (p) {
          return esc(label("accounting_posts", p.post) + "（" + period(p) + "）");
        }).join("<br>");
        return '<tr data-testid="archive-work-row">' + tdn(period(s)) + td(s.employer) + td(label("employer_types", s.employer_type)) +
          td(posts || "无", true) + td(s.title ? label("titles", s.title) + "（聘任：" + (s.title_date || "—") + "）" : "无") + "</tr>";
      }), "暂无工作经历");
    box.innerHTML = html;
  }

  function renderChanges(list) {
    el("changes-body").innerHTML = table("archive-changes-table", ["序号", "变更类型", "变更方式", "审核方式", "审核状态", "变更时间", "审核时间"],
      list.map(function (c, i) {
        return '<tr data-testid="archive-change-row">' + td(i + 1) + td(c.kind_label) + td(c.operation_label) + td(c.review_mode_label) +
          td(badge(c.status, c.status_label), true) + tdn(time(c.submitted_at)) + tdn(time(c.decided_at)) + "</tr>";
      }), "暂无信息变更记录") + '<p class="small archive-meta no-print mt-8"><a href="/changes">前往信息变更</a>（可查看变更前后的详细内容）</p>';
  }

  function renderTransfers(list) {
    var path = function (p) { return String(p || "").split("/").filter(Boolean).join(" / "); };
    el("transfers-body").innerHTML = table("archive-transfers-table", ["序号", "调转类型", "调出", "调入", "申请时间", "审核状态"],
      list.map(function (t, i) {
        return '<tr data-testid="archive-transfer-row">' + td(i + 1) + td(t.reason_label) + td(path(t.from_path)) + td(path(t.to_path)) +
          tdn(time(t.submitted_at)) + td(badge(t.status, t.status_label), true) + "</tr>";
      }), "暂无属地关系调转记录") + '<p class="small archive-meta no-print mt-8"><a href="/transfers">前往属地关系调转</a></p>';
  }

  function renderQualifications(list) {
    var accounting = list.filter(function (q) { return q.category === "accounting"; });
    var other = list.filter(function (q) { return q.category === "other"; });
    el("qualifications-body").innerHTML = "<h3>会计专业技术资格</h3>" +
      table("archive-qual-table", ["资格级别", "职称等级", "获取方式", "通过时间", "证书号或批文文号", "信息来源", "状态"], accounting.map(function (q) {
        var d = q.data || {};
        return '<tr data-testid="archive-qual-row">' + td(q.level_label) + td(q.title_label) + td(q.way_label) + tdn(d.obtained_date) +
          td(d.certificate_no || d.title_certificate_no) + td(q.source_label) + td(badge(q.status, q.status_label), true) + "</tr>";
      }), "暂无会计专业技术资格") +
      "<h3>其他专业技术人员职业资格</h3>" +
      table("archive-other-table", ["资格类型", "资格级别", "取得时间", "证书号或批文文号", "状态"], other.map(function (q) {
        var d = q.data || {};
        return '<tr data-testid="archive-other-row">' + td(q.type_label) + td(d.level ? label("qual_levels", d.level) : "—") +
          td(d.obtained_date) + td(d.certificate_no) + td(badge(q.status, q.status_label), true) + "</tr>";
      }), "暂无其他专业技术人员职业资格") +
      '<p class="small archive-meta no-print mt-8"><a href="/qualifications">前往职称管理</a></p>';
  }

  function failed(err) {
    AUSM.showAlert(el("archive-alert"), null, "error", esc(AUSM.errorText(err)) +
      (err.status === 401 ? ' <a href="/login?next=/archive">重新登录</a>' : ""));
    ["person-body", "collection-body", "changes-body", "transfers-body", "qualifications-body"].forEach(function (id) {
      el(id).innerHTML = '<p class="muted">加载失败</p>';
    });
  }

  el("print-archive").addEventListener("click", function () { window.print(); });

  Promise.all([AUSM.api("GET", "/api/v1/collection/options"), AUSM.api("GET", "/api/v1/me"), AUSM.api("GET", "/api/v1/archive")])
    .then(function (r) {
      opts = r[0] || {};
      var archive = r[2] || {};
      renderPerson(r[1] || {}, archive.collection);
      renderCollection(archive.collection);
      renderChanges(archive.changes || []);
      renderTransfers(archive.transfers || []);
      renderQualifications(archive.qualifications || []);
    }, failed);
})();
