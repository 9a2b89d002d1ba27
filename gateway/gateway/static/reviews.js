/* 会计人员信息审核 (/staff/reviews): the queues of the reviewer's department and below, by kind —
 * 信息采集, 信息变更, 属地关系调转 (waiting at the receiving department) and 职称 — each item in full with
 * its images, and a decision. Returning names its reasons by field path (`education.0.major`, `work.1`,
 * `basic`; for the other kinds the changed field, `details.employer`, `proof` or `general`), so the person
 * sees each one where it belongs. 调转记录 lists the transfers leaving or entering the jurisdiction.
 * Needs static/collection.js. */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var C = AUSM.collection;
  var root = document.getElementById("reviews-root");
  var myDepartment = root.getAttribute("data-department") || "";
  var params = new URLSearchParams(location.search);
  var KINDS = ["collection", "change", "transfer", "qualification"];
  var kind = KINDS.indexOf(params.get("kind")) >= 0 || params.get("kind") === "transfer-log" ? params.get("kind") : "collection";
  var status = ["submitted", "approved", "returned"].indexOf(params.get("status")) >= 0 ? params.get("status") : "submitted";
  var current = null;            // {kind, id, data (the collection view, or the item), detail (the whole answer)}
  var editable = false;          // reason controls are drawn only while this is true
  var prior = {};                // the reasons of a returned item, shown next to their fields
  var options = null;
  var optionsReady = AUSM.api("GET", "/api/v1/collection/options").then(function (o) { options = o; }, function () { options = {}; });

  var listBody = document.getElementById("review-body");
  var listAlert = document.getElementById("list-alert");
  var deptHead = document.getElementById("dept-head");
  var kindHint = document.getElementById("kind-hint");
  var dialog = document.getElementById("detail-dialog");
  var dialogTitle = document.getElementById("detail-title");
  var detailBody = document.getElementById("detail-body");
  var decisionForm = document.getElementById("decision-form");
  var reasonCount = document.getElementById("reason-count");
  var logBody = document.getElementById("log-body");
  var logAlert = document.getElementById("log-alert");
  var countIdle = {
    collection: reasonCount.textContent,
    other: "退回时，在对应项目旁点击“标注”填写原因，或在下方填写整体退回原因，申请人将看到这些原因。"
  };
  var KIND_NAMES = { collection: "信息采集", change: "信息变更", transfer: "属地关系调转", qualification: "职称信息" };
  var HINTS = {
    collection: "本部门及下级部门的会计人员信息采集。",
    change: "信息采集审核通过后提交的教育经历、工作经历、采集范围变更，及更换身份证明的基本信息变更；审核通过后写入采集记录。",
    transfer: "申请调入本辖区的属地关系调转，由调入地管理部门审核；审核通过后该人员归属调入地管理部门。",
    qualification: "本人手动填报的会计专业技术资格及其他专业技术人员职业资格（自动获取的记录无需审核）。"
  };
  var STATUS_WORDS = { submitted: "待审核", approved: "已通过", returned: "已退回" };
  var ACTIONS = { view: "查看", approve: "审核通过", "return": "退回" };
  var TRANSFER_LABELS = { employer: "调入单位名称", credit_code: "调入单位统一社会信用代码", employer_type: "调入单位经济类型",
                          industry: "调入单位所属行业", address: "调入单位地址", phone: "调入单位电话",
                          start_date: "调入单位工作开始时间", school: "调入学校名称", major: "所学专业",
                          archive_mode: "档案方式", enrollment_date: "入学时间" };
  var TRANSFER_FIELDS = { employer_moved: ["employer", "credit_code", "employer_type", "industry", "address", "phone", "start_date"],
                          school_moved: ["school", "major", "archive_mode", "enrollment_date"], residence_moved: ["address"] };
  // Field labels of the record: static/segments.js; choices and their labels: the API's options.
  var SEG = AUSM.segments;
  var EDUCATION_FIELDS = SEG.FIELDS.education;
  var WORK_FIELDS = SEG.FIELDS.work;
  var BASIC_FIELDS = SEG.FIELDS.basic;

  function statusBadge(s, label) {
    var cls = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err", withdrawn: "" }[s] || "";
    return '<span class="badge ' + cls + '" data-testid="status-badge">' + esc(label || AUSM.REQUEST_STATUS[s] || s) + "</span>";
  }
  function itemStatusLabel(s, label) {
    return { submitted: "待审核", approved: "审核通过", returned: "已退回" }[s] || label || s;
  }
  function opt(list, code) { return C.optionLabel(options, list, code); }
  function decisionUrl() {
    return current.kind === "collection"
      ? "/api/v1/staff/collections/" + encodeURIComponent(current.id) + "/decision"
      : "/api/v1/staff/reviews/" + current.kind + "/" + encodeURIComponent(current.id) + "/decision";
  }

  /** Is a department inside the reviewer's jurisdiction (national: all; province: 33…; city: 3301…; county: itself)? */
  function within(code, mine) {
    if (!code || !mine) return false;
    if (mine === "000000") return true;
    if (/0000$/.test(mine)) return code.slice(0, 2) === mine.slice(0, 2);
    if (/00$/.test(mine)) return code.slice(0, 4) === mine.slice(0, 4);
    return code === mine;
  }

  function remember() {
    var q = new URLSearchParams(location.search);
    q.set("kind", kind);
    if (kind === "transfer-log") q.delete("status"); else q.set("status", status);
    history.replaceState(null, "", location.pathname + "?" + q.toString());
  }

  /* --- the queue ---------------------------------------------------------------------------- */

  function loadList() {
    AUSM.clearAlert(listAlert);
    kindHint.textContent = HINTS[kind] || "";
    deptHead.textContent = kind === "transfer" ? "调入管理部门" : "会计管理部门";
    listBody.innerHTML = '<tr><td colspan="7" class="empty"><span class="spinner" aria-hidden="true"></span> 正在加载…</td></tr>';
    var asked = kind + "/" + status;
    return AUSM.api("GET", "/api/v1/staff/reviews?kind=" + encodeURIComponent(kind) + "&status=" + encodeURIComponent(status)).then(function (rows) {
      if (asked !== kind + "/" + status) return;
      if (status === "submitted") setCount(kind, rows.length);
      if (!rows.length) {
        listBody.innerHTML = '<tr><td colspan="7" class="empty" data-testid="empty">暂无' + STATUS_WORDS[status] + "的" + KIND_NAMES[kind] + "</td></tr>";
        return;
      }
      listBody.innerHTML = rows.map(function (r) {
        var sub = r.scope_label ? '<span class="rv-sub">' + esc(r.scope_label) + "</span>" : "";
        return '<tr class="clickable" data-id="' + esc(r.id) + '" data-kind="' + esc(r.kind || kind) + '" data-testid="review-row">' +
          '<td data-testid="row-kind">' + esc(r.kind_label || KIND_NAMES[kind]) + sub + "</td><td>" + esc(r.name) + "</td><td>" + esc(r.id_number) + "</td>" +
          '<td data-dept="' + esc(r.department_code || "") + '" data-testid="row-department">' + esc(r.department_name || r.department_code || "—") + "</td>" +
          '<td class="nowrap">' + esc(AUSM.fmtTime(r.submitted_at)) + "</td><td>" + statusBadge(r.status, itemStatusLabel(r.status, r.status_label)) + "</td>" +
          '<td><button type="button" class="btn btn-sm" data-open="' + esc(r.id) + '" data-testid="open-review">' +
          (r.status === "submitted" ? "审核" : "查看") + "</button></td></tr>";
      }).join("");
      listBody.querySelectorAll("td[data-dept]").forEach(function (td) {
        var code = td.getAttribute("data-dept");
        if (!code) return;
        C.departmentPath(code).then(function (path) {
          if (!path.length) return;
          if (!td.textContent || td.textContent === code) td.textContent = path[path.length - 1].name;
          td.title = path.map(function (d) { return d.division_name || d.name; }).join(" / ");
        }, function () {});
      });
    }, function (err) {
      if (asked !== kind + "/" + status) return;
      listBody.innerHTML = '<tr><td colspan="7" class="empty">加载失败</td></tr>';
      AUSM.showAlert(listAlert, null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/staff/login?next=/staff/reviews">重新登录</a>' : ""));
    });
  }

  function setCount(k, n) {
    var el = document.querySelector('[data-count="' + k + '"]');
    if (!el) return;
    el.textContent = n ? (n >= 500 ? "500+" : String(n)) : "";
    el.setAttribute("aria-label", n ? n + "项待审核" : "");
  }

  /** The number waiting in each queue, on the kind selector. */
  function loadCounts() {
    KINDS.forEach(function (k) {
      AUSM.api("GET", "/api/v1/staff/reviews?kind=" + k + "&status=submitted").then(function (rows) { setCount(k, rows.length); }, function () {});
    });
  }

  listBody.addEventListener("click", function (e) {
    var row = e.target.closest("tr[data-id]");
    if (row) openDetail(row.getAttribute("data-kind") || kind, row.getAttribute("data-id"));
  });

  /* --- the detail ------------------------------------------------------------------------- */

  function resetDialog(title, loading) {
    current = null;
    editable = false;
    prior = {};
    dialogTitle.textContent = title;
    detailBody.innerHTML = '<p class="loading"><span class="spinner" aria-hidden="true"></span> ' + esc(loading) + "</p>";
    decisionForm.hidden = true;
    AUSM.clearErrors(decisionForm);
    decisionForm.reset();
  }

  function openDetail(k, id) {
    resetDialog(KIND_NAMES[k] + "详情", "正在加载" + KIND_NAMES[k] + "详情…");
    reasonCount.textContent = k === "collection" ? countIdle.collection : countIdle.other;
    AUSM.openDialog(dialog);
    var url = k === "collection" ? "/api/v1/staff/collections/" + encodeURIComponent(id)
      : "/api/v1/staff/reviews/" + k + "/" + encodeURIComponent(id);
    Promise.all([AUSM.api("GET", url), optionsReady]).then(function (r) {
      var answer = r[0];
      current = { kind: k, id: id, detail: answer, data: k === "collection" ? answer : answer.item };
      editable = current.data.status === "submitted";
      prior = k === "collection" ? ((answer.status === "returned" && answer.return_reasons) || {}) : (answer.item.reasons || {});
      detailBody.innerHTML = k === "collection" ? recordHtml(answer) : itemHtml(k, answer);
      decisionForm.hidden = !editable;
    }, function (err) {
      detailBody.innerHTML = '<div class="alert alert-error" data-testid="detail-error">' + esc(AUSM.errorText(err)) + "</div>";
    });
  }

  /** A reason control for a field path: a small “标注” button that opens the input of that path. */
  function toggleButton(path, label, text) {
    if (!editable) return "";
    return '<button type="button" class="reason-toggle" data-reason-toggle="' + esc(path) + '" aria-expanded="false" title="标注“' +
      esc(label) + '”的问题" data-testid="reason-toggle-' + esc(path) + '">' + esc(text || "标注") + "</button>";
  }

  function reasonBox(path, label) {
    if (!editable) return "";
    return '<div class="reason-box" data-box-for="' + esc(path) + '" hidden><input type="text" maxlength="200" data-reason="' + esc(path) +
      '" aria-label="' + esc(label) + '的退回原因" placeholder="填写“' + esc(label) + '”的退回原因，申请人将在对应位置看到" data-testid="reason-' +
      esc(path) + '"></div>';
  }

  function reasonToggle(path, label) { return toggleButton(path, label) + reasonBox(path, label); }

  function priorReason(path) {
    return prior[path] ? '<div class="return-reason">退回原因：' + esc(prior[path]) + "</div>" : "";
  }

  function kv(rows) {
    return '<dl class="kv two review">' + rows.map(function (r) {
      var label = r[0], value = r[1], path = r[2], html = r[3];
      return "<dt>" + esc(label) + "</dt><dd" + (path ? ' data-path="' + esc(path) + '"' : "") + '><span class="value">' +
        (html ? value : esc(value == null || value === "" ? "—" : value)) + "</span>" +
        (path ? reasonToggle(path, label) + priorReason(path) : "") + "</dd>";
    }).join("") + "</dl>";
  }

  function photos(items) {
    var shown = items.filter(function (i) { return i.file || i.always; });
    if (!shown.length) return "";
    return '<div class="photo-grid small">' + shown.map(function (i) {
      var f = i.file;
      return "<figure>" + (f
        ? '<button type="button" data-zoom="' + esc(f.url) + '" data-label="' + esc(i.label) + '" aria-label="查看大图：' + esc(i.label) + '"><img src="' + esc(f.url) + '" alt="' +
          esc(i.label) + '" data-testid="image-' + esc(i.testid || i.path) + '"></button>'
        : '<div class="center muted pad-y-50">未上传</div>') +
        "<figcaption>" + esc(i.label) + (f ? '<span class="small"> · ' + esc((f.width ? f.width + "×" + f.height + " · " : "") + C.fmtSize(f.size)) + "</span>" : "") +
        (i.path ? '<div class="reason-inline">' + reasonToggle(i.path, i.label) + priorReason(i.path) + "</div>" : "") + "</figcaption></figure>";
    }).join("") + "</div>";
  }

  /** A part of the record; reasonPath adds “标注本部分” for a reason on the whole part. */
  function section(title, testid, inner, reasonPath) {
    return '<section class="review-section" data-testid="' + testid + '"><h3><span>' + esc(title) + '</span><span class="spacer"></span>' +
      (reasonPath ? toggleButton(reasonPath, title, "标注本部分") : "") + "</h3>" +
      (reasonPath ? reasonBox(reasonPath, title) + priorReason(reasonPath) : "") + inner + "</section>";
  }

  function segmentHead(title, path, label, imported) {
    return '<h4><span>' + title + (imported ? ' <span class="badge badge-info">原平台导入</span>' : "") + '</span><span class="spacer"></span>' +
      toggleButton(path, label, "标注本段") + "</h4>" + reasonBox(path, label) + priorReason(path);
  }

  /** Submission and decision in the order they happened: a record resubmitted after a return shows the
   *  earlier 审核时间 first, then the new 提交时间. */
  function statusLine(s) {
    var times = [["提交时间", s.submitted_at], ["审核时间", s.decided_at]].filter(function (t) { return t[1]; });
    times.sort(function (a, b) { return Date.parse(a[1]) - Date.parse(b[1]); });
    var resubmitted = s.decided_at && s.submitted_at && Date.parse(s.submitted_at) > Date.parse(s.decided_at);
    return '<div class="row mb-12">' + statusBadge(s.status, s.status === "submitted" ? "待审核" : s.status_label) +
      '<span class="small muted" data-testid="status-times">' + (times.map(function (t) {
        var label = resubmitted ? (t[0] === "提交时间" ? "再次提交时间" : "上次审核时间") : t[0];
        return label + "：" + esc(AUSM.fmtTime(t[1]));
      }).join("，") || "提交时间：—") + "</span></div>";
  }

  /** The whole collection record: marked (editable) when it is the item under review, read-only as context. */
  function recordHtml(r) {
    var p = r.person || {};
    var b = r.basic || {};
    var files = r.files || {};
    var html = "";

    if (current && current.kind === "collection") {
      html += statusLine(r);
      if (editable) {
        html += '<div class="alert alert-info small">核对各项信息与证明材料（点击图片可放大）。需要退回的，在对应的部分、某段经历或具体字段旁点击“标注”填写原因，可填写多项。</div>';
      }
    }

    html += section("基本信息", "review-basic",
      kv([["姓名", p.name], ["证件类型", p.id_type_label || p.id_type], ["证件号码", p.id_number], ["性别", AUSM.genderLabel(p.gender)],
          ["出生日期", p.birth_date], ["手机号码", p.phone],
          ["政治面貌", opt("political_statuses", b.political_status), "basic.political_status"],
          ["民族", opt("ethnicities", b.ethnicity), "basic.ethnicity"],
          ["邮箱", b.email, "basic.email"], ["邮编", b.postcode, "basic.postcode"],
          ["通讯地址", b.address, "basic.address"]].concat(b.alt_id_type ? [
          ["其他证件类型", opt("alt_id_types", b.alt_id_type), "basic.alt_id_type"],
          ["其他证件号码", b.alt_id_number, "basic.alt_id_number"]] : [])) +
      photos([{ file: files.photo, label: "证件照片", path: "basic.photo", always: true },
              { file: files.identity_proof, label: "身份证或居住证", path: "basic.identity_proof" }]), "basic");

    var scopeRows = [["采集范围", r.scope_label || "—", "scope"]];
    if (r.scope === "qualified_non_accountant") {
      scopeRows.push(["全国证书库", r.qualification_checked ? '<span class="badge badge-ok">已核验全国证书库</span>' :
        '<span class="badge badge-warn">未核验到，已上传证书</span>', null, true]);
    }
    html += section("采集须知", "review-scope", kv(scopeRows) +
      photos([{ file: files.qualification_certificate, label: "会计专业技术资格证书", path: "scope.qualification_certificate" }]));

    html += section("教育经历（" + (r.education || []).length + "段）", "review-education",
      (r.education || []).map(function (s, i) {
        var at = "education." + i;
        var proofs = s.proofs || {};
        return '<div class="segment-box" data-testid="review-education-' + i + '">' +
          segmentHead("第" + (i + 1) + "段 · " + esc(opt("study_modes", s.study_mode)) + " · " + esc(opt("education_levels", s.education_level)) +
            " · " + esc(s.school), at, "第" + (i + 1) + "段教育经历", (s.locked || []).length) +
          kv([["培养方式", opt("study_modes", s.study_mode), at + ".study_mode"], ["学校名称", s.school, at + ".school"],
              ["入学时间", s.start_date, at + ".start_date"], ["毕业时间", s.until_now || !s.end_date ? "至今" : s.end_date, at + ".end_date"],
              ["学历", opt("education_levels", s.education_level), at + ".education_level"], ["学位", opt("degrees", s.degree), at + ".degree"],
              ["所学专业", s.major, at + ".major"], ["学历证书编号", s.education_cert_no, at + ".education_cert_no"],
              ["学位证书编号", s.degree_cert_no, at + ".degree_cert_no"], ["留学经历", s.studied_abroad ? "有" : "无", at + ".studied_abroad"],
              ["学信网核验", C.checksHtml(s, options), null, true]]) +
          photos(Object.keys(proofs).map(function (k) {
            return { file: proofs[k], label: SEG.label("education", k), path: at + "." + k };
          })) +
          "</div>";
      }).join("") || '<p class="muted">未填写教育经历</p>', "education");

    html += section("工作经历（" + (r.work || []).length + "段）", "review-work",
      ((r.work || []).length ? "" : '<p class="muted">未填写工作经历</p>') +
      (r.work || []).map(function (s, i) {
        var at = "work." + i;
        var proofs = s.proofs || {};
        var posts = s.posts || [];
        return '<div class="segment-box" data-testid="review-work-' + i + '">' +
          segmentHead("第" + (i + 1) + "段 · " + esc(s.employer) + " · " + esc(C.period(s.start_date, s.end_date, s.until_now)), at,
            "第" + (i + 1) + "段工作经历", (s.locked || []).length) +
          kv([["工作开始时间", s.start_date, at + ".start_date"], ["工作结束时间", s.until_now || !s.end_date ? "至今" : s.end_date, at + ".end_date"],
              ["单位名称", s.employer, at + ".employer"], ["统一社会信用代码", s.credit_code, at + ".credit_code"],
              ["单位类型", opt("employer_types", s.employer_type), at + ".employer_type"], ["所属行业", opt("industries", s.industry), at + ".industry"],
              ["工作单位地址", s.address, at + ".address"], ["工作单位电话", s.phone, at + ".phone"],
              ["会计工作经历", s.has_accounting_work ? "是（" + posts.length + "条）" : "否", at + ".has_accounting_work"],
              ["会计专业职务", s.title ? opt("titles", s.title) : "无", at + ".title"],
              ["聘任时间", s.title_date, at + ".title_date"]]) +
          (posts.length ? '<div class="table-wrap mt-10"><table class="data"><thead><tr><th>会计人员岗位层级</th><th>从事会计工作岗位</th>' +
            "<th>会计工作开始时间</th><th>会计工作结束时间</th><th>" + (editable ? "标注" : "") + "</th></tr></thead><tbody>" + posts.map(function (post, k) {
              var pp = at + ".posts." + k;
              return "<tr><td>" + esc(opt("accounting_post_levels", post.post_level)) + "</td><td>" + esc(opt("accounting_posts", post.post)) +
                "</td><td>" + esc(post.start_date || "") + "</td><td>" + esc(post.until_now || !post.end_date ? "至今" : post.end_date) +
                '</td><td><div class="reason-inline">' + reasonToggle(pp, "第" + (k + 1) + "条会计工作经历") +
                priorReason(pp) + "</div></td></tr>";
            }).join("") + "</tbody></table></div>" : "") +
          photos(Object.keys(proofs).map(function (k) {
            return { file: proofs[k], label: SEG.label("work", k), path: at + "." + k };
          })) +
          "</div>";
      }).join(""), "work");

    var path = (r.department_path || []).map(function (d) { return d.name; }).join(" / ");
    html += section("会计管理部门", "review-department",
      kv([["会计管理部门", (r.department && r.department.name) || "—", "department_code"], ["部门层级", path || "—"]]));

    var history = r.history || [];
    html += section("审核记录", "review-history", history.length ? '<ul class="history" data-testid="history">' + history.map(function (h) {
      var reasons = h.reasons || {};
      var keys = Object.keys(reasons);
      return "<li>" + esc(AUSM.fmtTime(h.at)) + " · " + esc(h.staff_name || "") + " · " + esc(h.action_label || ACTIONS[h.action] || h.action) +
        (h.note ? "：" + esc(h.note) : "") +
        (keys.length ? "<ul>" + keys.map(function (k) { return "<li>" + esc(C.pathLabel(k)) + "：" + esc(reasons[k]) + "</li>"; }).join("") + "</ul>" : "") +
        "</li>";
    }).join("") + "</ul>" : '<p class="muted small">暂无记录</p>');
    return html;
  }

  /* --- changes, transfers, qualifications ------------------------------------------------------ */

  function personSection(answer) {
    var p = answer.person || {};
    var c = answer.collection || {};
    var dept = c.department || {};
    var path = (c.department_path || []).map(function (d) { return d.name; }).join(" / ");
    return section("申请人", "review-person",
      kv([["姓名", p.name], ["证件号码", p.id_number], ["证件类型", p.id_type_label || p.id_type], ["手机号码", p.phone],
          ["信息采集", c.status_label || "—"], ["会计管理部门", dept.name ? '<span title="' + esc(path) + '">' + esc(dept.name) + "</span>" : "—", null, true]]));
  }

  /** The person's whole current record, folded, for context (no reason controls in it). */
  function recordFold(answer) {
    if (!answer.collection) return "";
    var was = editable;
    editable = false;
    var saved = prior;
    prior = {};
    var html = '<details class="rv-record" data-testid="review-record"><summary>查看该人员的完整信息采集记录（当前生效的版本）</summary>' +
      '<div class="rv-record-body">' + recordHtml(answer.collection) + "</div></details>";
    editable = was;
    prior = saved;
    return html;
  }

  /** What the department decided, for an item that is no longer waiting. */
  function resultSection(item) {
    if (item.status === "submitted") return "";
    var reasons = item.reasons || {};
    var keys = Object.keys(reasons);
    return section("审核结果", "review-result", kv([["审核结果", statusBadge(item.status, item.status_label), null, true],
      ["审核时间", AUSM.fmtTime(item.decided_at) || "—"]]) +
      (keys.length ? '<ul class="rv-reasons" data-testid="result-reasons">' + keys.map(function (k) {
        return '<li><span class="reason-field">' + esc(reasonLabel(k)) + "</span>" + esc(reasons[k]) + "</li>";
      }).join("") + "</ul>" : ""));
  }

  /** The always-open box for a reason on the whole application (at least one reason is needed to return). */
  function generalReason(what) {
    if (!editable) return "";
    return '<section class="review-section rv-general" data-testid="review-general"><h3>退回原因</h3>' +
      '<label for="reason-general" class="small muted">需要退回时，填写整体退回原因（也可以在上方对应项目旁点击“标注”逐项填写）</label>' +
      '<textarea id="reason-general" maxlength="200" rows="2" data-reason="general" aria-label="' + esc(what) + '的整体退回原因" ' +
      'placeholder="例如：证明材料不清晰，请重新上传" data-testid="reason-general"></textarea></section>';
  }

  var labelsOfPaths = {};
  function reasonLabel(path) {
    if (path === "general") return "整体";
    return labelsOfPaths[path] || path;
  }

  function itemHtml(k, answer) {
    var item = answer.item || {};
    labelsOfPaths = {};
    var html = statusLine(item) + personSection(answer);
    if (k === "change") html += changeHtml(item, answer);
    else if (k === "transfer") html += transferHtml(item, answer);
    else html += qualificationHtml(item);
    html += resultSection(item) + generalReason(KIND_NAMES[k]) + recordFold(answer);
    return html;
  }

  /* 信息变更: 变更前 / 变更后 side by side, the changed fields in red (the manual's 变更记录详情). */

  function isChanged(change, field) {
    var list = change.changed_fields || [];
    if (list.indexOf("*") >= 0) return true;
    return list.some(function (p) { return p === field || p.indexOf(field + ".") === 0; });
  }

  function emptySide(side) { return !side || !Object.keys(side).length; }

  function fileText(file) {
    if (!file) return "未上传";
    return "已上传" + (file.width ? "（" + file.width + "×" + file.height + "，" + C.fmtSize(file.size) + "）" : "");
  }

  function postsHtml(change, posts) {
    if (!posts || !posts.length) return "无";
    return '<ul class="rv-posts">' + posts.map(function (p, k) {
      var changed = isChanged(change, "posts." + k);
      return "<li" + (changed ? ' class="is-changed"' : "") + ">" + esc([opt("accounting_post_levels", p.post_level) || "—",
        opt("accounting_posts", p.post) || "—", (p.start_date || "—") + " 至 " + (p.until_now || !p.end_date ? "今" : p.end_date)].join(" · ")) +
        "</li>";
    }).join("") + "</ul>";
  }

  function segmentValue(change, side, field, list) {
    if (emptySide(side)) return null;
    var v = side[field];
    if (field === "end_date") return side.until_now || !v ? "至今" : v;
    if (field === "studied_abroad") return v ? "有" : "无";
    if (field === "has_accounting_work") return v ? "是" : "否";
    if (field === "posts") return { html: postsHtml(change, side.has_accounting_work ? v : []) };
    if (field === "title") return v ? opt("titles", v) : "无";
    return list ? opt(list, v) : v;
  }

  function diffRows(change, answer) {
    var b = change.before || {}, a = change.after || {};
    var rows = [];
    if (change.kind === "basic") {
      BASIC_FIELDS.forEach(function (f) {
        rows.push({ label: f[1], field: f[0], changed: isChanged(change, f[0]),
                    before: f[2] ? opt(f[2], b[f[0]]) : b[f[0]], after: f[2] ? opt(f[2], a[f[0]]) : a[f[0]] });
      });
      if (b.alt_id_type || a.alt_id_type || b.alt_id_number || a.alt_id_number) {
        var alt = function (code) { return opt("alt_id_types", code); };
        rows.push({ label: "其他证件类型", field: "alt_id_type", changed: isChanged(change, "alt_id_type"), before: alt(b.alt_id_type), after: alt(a.alt_id_type) });
        rows.push({ label: "其他证件号码", field: "alt_id_number", changed: isChanged(change, "alt_id_number"), before: b.alt_id_number, after: a.alt_id_number });
      }
      var proofChanged = isChanged(change, "identity_proof") ||
        JSON.stringify(b.identity_proof || null) !== JSON.stringify(a.identity_proof || null);
      rows.push({ label: "身份证明（身份证或居住证）", field: "identity_proof", changed: proofChanged,
                  before: fileText(b.identity_proof), after: fileText(a.identity_proof) });
    } else if (change.kind === "scope") {
      rows.push({ label: "采集范围", field: "scope", changed: isChanged(change, "scope"), before: opt("scopes", b.scope), after: opt("scopes", a.scope) });
    } else {
      var fields = change.kind === "education" ? EDUCATION_FIELDS : WORK_FIELDS;
      var proofLabel = function (n) { return SEG.label(change.kind, n); };
      fields.forEach(function (f) {
        var changed = isChanged(change, f[0]) || (f[0] === "end_date" && isChanged(change, "until_now"));
        rows.push({ label: f[1], field: f[0], changed: changed,
                    before: segmentValue(change, b, f[0], f[2]), after: segmentValue(change, a, f[0], f[2]) });
      });
      var names = function (side) {
        if (emptySide(side)) return null;
        var list = side.proofs || [];
        return list.length ? list.map(proofLabel).join("、") : "无";
      };
      var added = (a.proofs || []).filter(function (n) { return (b.proofs || []).indexOf(n) < 0; });
      rows.push({ label: "证明材料", field: "proofs", changed: added.length > 0 && !emptySide(b), before: names(b),
                  after: names(a) == null ? null : { html: esc(names(a)) + (added.length && !emptySide(b) ? '<div class="small">新上传：' +
                    esc(added.map(proofLabel).join("、")) + "</div>" : "") } });
    }
    return rows;
  }

  function cell(value, cls) {
    if (value == null || value === "") return '<td class="' + cls + ' rv-empty">—</td>';
    return '<td class="' + cls + '">' + (typeof value === "object" ? value.html : esc(value)) + "</td>";
  }

  /** The segment as it is in the record now (its proofs have links; the change's own do not). */
  function currentSegment(change, collection) {
    if (!collection || (change.kind !== "education" && change.kind !== "work")) return null;
    var list = collection[change.kind] || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === change.segment_id) return { index: i, segment: list[i] };
    return null;
  }

  function changeHtml(change, answer) {
    var rows = diffRows(change, answer);
    var whole = change.operation === "add" ? "新增" : change.operation === "delete" ? "删除" : "";
    rows.forEach(function (r) { labelsOfPaths[r.field] = r.label; });
    var html = section("变更信息", "review-change-meta", kv([["变更类型", change.kind_label], ["变更方式", change.operation_label],
      ["审核方式", change.review_mode_label], ["变更项数", whole ? "整段" + whole : (change.changed_fields || []).length ? rows.filter(function (r) { return r.changed; }).length + " 项" : "—"]]));

    var table = '<div class="table-wrap"><table class="data rv-diff" data-testid="diff-table"><thead><tr>' +
      '<th scope="col">项目</th><th scope="col">变更前</th><th scope="col">变更后</th>' + (editable ? '<th scope="col" class="rv-mark">标注</th>' : "") +
      "</tr></thead><tbody>" + rows.map(function (r) {
        var changed = r.changed;
        var line = '<tr class="rv-diff-row' + (changed ? " is-changed" : "") + '" data-testid="diff-row" data-field="' + esc(r.field) +
          '" data-changed="' + (changed ? "true" : "false") + '"><th scope="row" class="label">' + esc(r.label) +
          (changed ? '<span class="rv-changed-tag">已变更</span>' : "") + priorReason(r.field) + "</th>" +
          cell(r.before, "before") + cell(r.after, "after") +
          (editable ? '<td class="rv-mark">' + (changed ? toggleButton(r.field, r.label) : "") + "</td>" : "") + "</tr>";
        if (editable && changed) {
          line += '<tr class="rv-reason-row" data-reason-row="' + esc(r.field) + '" hidden><td colspan="4">' + reasonBox(r.field, r.label) + "</td></tr>";
        }
        return line;
      }).join("") + "</tbody></table></div>" +
      '<p class="rv-legend"><span class="swatch" aria-hidden="true"></span>标红的为变更的内容' + (whole ? "（整段" + whole + "）" : "") +
      (editable ? "；可在变更项旁点击“标注”逐项填写退回原因" : "") + "</p>";
    var title = "变更记录详情" + (change.kind === "education" || change.kind === "work"
      ? "：" + ((change.after && change.after.employer) || (change.after && change.after.school) ||
                (change.before && change.before.employer) || (change.before && change.before.school) || "") : "");
    html += section(title, "review-diff", table);

    var found = currentSegment(change, answer.collection);
    if (found && found.segment.proofs && Object.keys(found.segment.proofs).length) {
      html += section("该段经历现有的证明材料", "review-change-proofs",
        '<p class="small muted">点击图片可放大。' + (change.status === "submitted" ? "随本次变更新上传的材料在审核通过后生效。" : "") + "</p>" +
        photos(Object.keys(found.segment.proofs).map(function (n) {
          return { file: found.segment.proofs[n], label: SEG.label(change.kind, n), testid: "segment-" + n };
        })));
    } else if (change.kind === "basic" && answer.collection && answer.collection.files && answer.collection.files.identity_proof) {
      html += section("现有的身份证明", "review-change-proofs",
        photos([{ file: answer.collection.files.identity_proof, label: "身份证或居住证", testid: "identity-proof" }]));
    }
    return html;
  }

  /* 属地关系调转: reason, details, from → to and the proof. */

  function transferRoute(t, canMark) {
    var from = t.from_path ? t.from_path.split("/") : [];
    var to = t.to_path ? t.to_path.split("/") : [];
    return '<div class="rv-route" data-testid="transfer-route">' +
      '<div class="rv-end"><span class="rv-end-label">调出</span><strong data-testid="route-from">' + esc(t.from_name || from[from.length - 1] || t.from_department) +
      '</strong><span class="small muted">' + esc(from.join(" / ")) + "</span></div>" +
      '<span class="rv-arrow" aria-label="调往">→</span>' +
      '<div class="rv-end rv-to"><span class="rv-end-label">调入</span><strong data-testid="route-to">' + esc(t.to_name || to[to.length - 1] || t.to_department) +
      '</strong><span class="small muted">' + esc(to.join(" / ")) + "</span>" +
      (canMark ? '<div class="reason-inline">' + reasonToggle("to_department", "调入管理机构") + priorReason("to_department") + "</div>" : "") +
      "</div></div>";
  }

  function transferDetailRows(t) {
    var d = t.details || {};
    var keys = TRANSFER_FIELDS[t.reason] || Object.keys(d);
    return keys.map(function (key) {
      var label = key === "address" && t.reason === "residence_moved" ? "户籍所在地或居住地地址" : (TRANSFER_LABELS[key] || key);
      var v = d[key];
      if (key === "employer_type") v = opt("employer_types", v);
      else if (key === "industry") v = opt("industries", v);
      else if (key === "archive_mode") v = opt("archive_modes", v);
      labelsOfPaths["details." + key] = label;
      return [label, v, "details." + key];
    });
  }

  function transferHtml(t, answer) {
    labelsOfPaths.reason = "调档原因";
    labelsOfPaths.to_department = "调入管理机构";
    labelsOfPaths.proof = "证明材料";
    var html = "";
    var c = answer.collection;
    if (t.status === "submitted" && c && c.department && c.department.code !== t.from_department) {
      html += '<div class="alert alert-warn" data-testid="transfer-stale">该人员当前的管理部门（' + esc(c.department.name) +
        "）已不是申请时的调出部门，请退回此申请。</div>";
    }
    html += section("调出 → 调入", "review-transfer-route", transferRoute(t, true));
    html += section("调转信息", "review-transfer", kv([["调档原因", t.reason_label, "reason"]].concat(transferDetailRows(t))));
    html += section("证明材料", "review-transfer-proof", '<p class="small muted">点击图片可放大。</p>' +
      photos([{ file: t.proof, label: "调转证明材料", path: "proof", testid: "proof", always: true }]));
    return html;
  }

  /* 职称: the qualification as entered, and its proof. */

  function qualificationHtml(q) {
    var d = q.data || {};
    var rows;
    if (q.category === "accounting") {
      rows = [["资格类别", "会计专业技术资格"], ["信息来源", q.source_label]];
      if (d.level !== "professor") {
        rows = rows.concat([["资格级别", q.level_label || d.level, "level"], ["取得方式", q.way_label || opt("qual_ways", d.way), "way"],
                            ["通过时间", d.obtained_date, "obtained_date"], ["证书号或批文文号", d.certificate_no, "certificate_no"]]);
      } else {
        rows = rows.concat([["资格级别", q.level_label || d.level, "level"], ["通过时间", d.obtained_date, "obtained_date"]]);
      }
      rows = rows.concat([["职称层级", q.title_label || opt("titles", d.title), "title"],
                          ["职称取得方式", opt("qual_ways", d.title_way), "title_way"],
                          ["职称证书号或批文文号", d.title_certificate_no, "title_certificate_no"]]);
      if (d.issuer) rows.push(["发证机关", d.issuer]);
    } else {
      rows = [["资格类别", "其他专业技术人员职业资格"], ["信息来源", q.source_label],
              ["资格类型", q.type_label || d.type, "type"]];
      if (d.level) rows.push(["资格级别", q.level_label || d.level, "level"]);
      rows = rows.concat([["资格名称", d.name, "name"], ["取得时间", d.obtained_date, "obtained_date"],
                          ["证书号或批文文号", d.certificate_no, "certificate_no"]]);
    }
    rows.forEach(function (r) { if (r[2]) labelsOfPaths[r[2]] = r[0]; });
    labelsOfPaths.proof = "证明材料";
    return section("职称信息", "review-qualification", kv(rows)) +
      section("证明材料", "review-qualification-proof", q.proof ? '<p class="small muted">证书或批文图片，点击可放大。</p>' +
        photos([{ file: q.proof, label: "证书或批文", path: "proof", testid: "proof" }]) : '<p class="muted">无（全国会计资格职称库获取的记录）</p>');
  }

  /* --- marking and deciding ------------------------------------------------------------------ */

  detailBody.addEventListener("click", function (e) {
    var z = e.target.closest("[data-zoom]");
    if (z) { C.zoom(z.getAttribute("data-zoom"), z.getAttribute("data-label"), z); return; }
    var t = e.target.closest("[data-reason-toggle]");
    if (t) {
      var path = t.getAttribute("data-reason-toggle");
      var box = detailBody.querySelector('.reason-box[data-box-for="' + path + '"]');
      var row = detailBody.querySelector('tr[data-reason-row="' + path + '"]');
      var open = box.hidden;
      box.hidden = !open;
      if (row) row.hidden = !open;
      t.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) box.querySelector("input").focus();
      else { box.querySelector("input").value = ""; countReasons(); }
    }
  });
  detailBody.addEventListener("input", function (e) { if (e.target.hasAttribute("data-reason")) countReasons(); });

  function collectReasons() {
    var out = {};
    detailBody.querySelectorAll("[data-reason]").forEach(function (input) {
      var v = input.value.trim();
      if (v) out[input.getAttribute("data-reason")] = v;
    });
    return out;
  }

  function countReasons() {
    var n = Object.keys(collectReasons()).length;
    var idle = current && current.kind !== "collection" ? countIdle.other : countIdle.collection;
    reasonCount.textContent = n ? "已填写 " + n + " 项退回原因" : idle;
    if (n) { AUSM.setFieldError(decisionForm, "reasons", ""); AUSM.clearAlert(decisionForm); }
  }

  function decide(decision, button) {
    if (!current) return;
    AUSM.clearErrors(decisionForm);
    var reasons = collectReasons();
    var count = Object.keys(reasons).length;
    var decided = current;
    if (decision === "return" && !count) {
      AUSM.setFieldError(decisionForm, "reasons", "请至少填写一项退回原因");
      if (decided.kind === "collection") {
        AUSM.showAlert(decisionForm, "退回时请在对应的部分、经历或字段旁点击“标注”填写退回原因，告诉申请人需要如何修改", "error");
      } else {
        AUSM.showAlert(decisionForm, "退回时请填写退回原因（在对应项目旁点击“标注”，或填写下方的整体退回原因），告诉申请人需要如何修改", "error");
        var general = document.getElementById("reason-general");
        if (general) { general.setAttribute("aria-invalid", "true"); general.scrollIntoView({ block: "center" }); general.focus(); }
      }
      return;
    }
    var asked = decision === "approve" && count
      ? AUSM.confirm("已填写 " + count + " 项退回原因，审核通过将不保存这些原因。确定审核通过吗？", "审核通过")
      : Promise.resolve(true);
    asked.then(function (yes) {
      if (!yes) return;
      var buttons = decisionForm.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      AUSM.setBusy(button, true, "提交中…");
      var note = document.getElementById("note").value.trim();
      var body = { decision: decision, reasons: decision === "return" ? reasons : {} };
      if (note) body.note = note;
      AUSM.api("POST", decisionUrl(), body).then(function () {
        AUSM.setBusy(button, false);
        buttons.forEach(function (b) { b.disabled = false; });
        AUSM.closeDialog(dialog);
        AUSM.toast(decision === "approve" ? "已审核通过" : decided.kind === "collection"
          ? "已退回，申请人将在对应字段旁看到退回原因" : "已退回，申请人将看到退回原因");
        logStale = true;
        if (kind === "transfer-log") loadLog(); else loadList();
        loadCounts();
      }, function (err) {
        AUSM.setBusy(button, false);
        buttons.forEach(function (b) { b.disabled = false; });
        AUSM.showErrors(decisionForm, err);
        if (err.status === 409) { if (kind === "transfer-log") loadLog(); else loadList(); }
      });
    });
  }
  document.getElementById("approve-btn").addEventListener("click", function (e) { decide("approve", e.currentTarget); });
  document.getElementById("return-btn").addEventListener("click", function (e) { decide("return", e.currentTarget); });
  decisionForm.addEventListener("submit", function (e) { e.preventDefault(); });
  detailBody.addEventListener("input", function (e) { if (e.target.id === "reason-general") e.target.removeAttribute("aria-invalid"); });

  /* --- 调转记录 ------------------------------------------------------------------------------ */

  var logRows = [];
  var waitingHere = {};
  var logStale = true;

  function direction(t) {
    var inTo = within(t.to_department, myDepartment), inFrom = within(t.from_department, myDepartment);
    if (inTo && inFrom) return { code: "both", label: "辖区内" };
    return inTo ? { code: "in", label: "调入" } : { code: "out", label: "调出" };
  }

  function loadLog() {
    logStale = false;
    AUSM.clearAlert(logAlert);
    logBody.innerHTML = '<tr><td colspan="9" class="empty"><span class="spinner" aria-hidden="true"></span> 正在加载…</td></tr>';
    return Promise.all([AUSM.api("GET", "/api/v1/transfers"),
                        AUSM.api("GET", "/api/v1/staff/reviews?kind=transfer&status=submitted").catch(function () { return []; }),
                        optionsReady]).then(function (r) {
      logRows = r[0] || [];
      waitingHere = {};
      (r[1] || []).forEach(function (row) { waitingHere[row.id] = true; });
      setCount("transfer", (r[1] || []).length);
      renderLog();
    }, function (err) {
      logStale = true;
      logBody.innerHTML = '<tr><td colspan="9" class="empty">加载失败</td></tr>';
      AUSM.showAlert(logAlert, null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/staff/login?next=/staff/reviews">重新登录</a>' : ""));
    });
  }

  function renderLog() {
    var dir = document.getElementById("log-direction").value;
    var st = document.getElementById("log-status").value;
    var rows = logRows.filter(function (t) {
      var d = direction(t).code;
      return (!st || t.status === st) && (!dir || d === dir || d === "both");
    });
    if (!rows.length) {
      logBody.innerHTML = '<tr><td colspan="9" class="empty" data-testid="log-empty">' + (logRows.length ? "没有符合条件的调转记录" : "暂无调转记录") + "</td></tr>";
      return;
    }
    logBody.innerHTML = rows.map(function (t) {
      var d = direction(t);
      var reasons = t.reasons || {};
      var reasonText = Object.keys(reasons).map(function (k) { return reasons[k]; }).join("；");
      var proof = t.proof && t.proof.url
        ? '<button type="button" class="rv-thumb" data-zoom="' + esc(t.proof.url) + '" data-label="调转证明材料" title="点击查看大图" aria-label="查看大图：调转证明材料" data-testid="log-proof">' +
          '<img src="' + esc(t.proof.url) + '" alt="调转证明材料"></button>' : '<span class="muted">—</span>';
      return '<tr data-log-id="' + esc(t.id) + '" data-testid="log-row">' +
        '<td data-testid="log-type">' + esc(t.reason_label) + "</td>" +
        '<td><span class="badge ' + (d.code === "out" ? "" : "badge-info") + '" data-testid="log-direction-badge">' + esc(d.label) + "</span></td>" +
        '<td data-testid="log-from">' + esc(t.from_name || t.from_department) + '<span class="rv-sub">' + esc((t.from_path || "").split("/").join(" / ")) + "</span></td>" +
        '<td data-testid="log-to">' + esc(t.to_name || t.to_department) + '<span class="rv-sub">' + esc((t.to_path || "").split("/").join(" / ")) + "</span></td>" +
        '<td class="nowrap">' + esc(AUSM.fmtTime(t.submitted_at)) + '</td><td class="nowrap">' + esc(t.decided_at ? AUSM.fmtTime(t.decided_at) : "—") + "</td>" +
        '<td data-testid="log-status-cell">' + statusBadge(t.status, t.status_label) + (reasonText ? '<span class="rv-sub rv-sub-err">退回原因：' + esc(reasonText) + "</span>" : "") + "</td>" +
        "<td>" + proof + '</td><td class="nowrap">' +
        (waitingHere[t.id] ? '<button type="button" class="btn btn-sm btn-primary" data-log-review="' + esc(t.id) + '" data-testid="log-review">审核</button> ' : "") +
        '<button type="button" class="btn btn-sm" data-log-view="' + esc(t.id) + '" data-testid="log-view">详情</button></td></tr>';
    }).join("");
  }

  logBody.addEventListener("click", function (e) {
    var z = e.target.closest("[data-zoom]");
    if (z) { C.zoom(z.getAttribute("data-zoom"), z.getAttribute("data-label"), z); return; }
    var review = e.target.closest("[data-log-review]");
    if (review) { openDetail("transfer", review.getAttribute("data-log-review")); return; }
    var view = e.target.closest("[data-log-view]");
    if (view) openLogDetail(view.getAttribute("data-log-view"));
  });

  /** A transfer of the log, read-only, from the list itself (the department it leaves may read but not decide). */
  function openLogDetail(id) {
    var t = logRows.filter(function (r) { return r.id === id; })[0];
    if (!t) return;
    resetDialog("调转记录详情", "");
    labelsOfPaths = { reason: "调档原因", to_department: "调入管理机构", proof: "证明材料", general: "整体" };
    var d = direction(t);
    detailBody.innerHTML = statusLine(t) +
      '<p class="small muted">本记录' + (d.code === "out" ? "调出本辖区，由调入地管理部门审核。" : d.code === "in" ? "调入本辖区，由本辖区管理部门审核。" : "在本辖区内调转。") + "</p>" +
      section("调出 → 调入", "review-transfer-route", transferRoute(t, false)) +
      section("调转信息", "review-transfer", kv([["调档原因", t.reason_label]].concat(transferDetailRows(t).map(function (r) { return [r[0], r[1]]; })))) +
      section("证明材料", "review-transfer-proof", photos([{ file: t.proof, label: "调转证明材料", testid: "proof", always: true }])) +
      resultSection(t);
    AUSM.openDialog(dialog);
  }

  ["log-direction", "log-status"].forEach(function (id) { document.getElementById(id).addEventListener("change", renderLog); });
  document.getElementById("log-refresh").addEventListener("click", loadLog);

  /* --- kind and status ------------------------------------------------------------------------ */

  var kindTabs = AUSM.tabs(document.getElementById("kind-tabs"), function (tab) {
    kind = tab.getAttribute("data-kind");
    remember();
    if (kind === "transfer-log") loadLog(); else loadList();
  });
  var statusTabs = AUSM.tabs(document.getElementById("status-tabs"), function (tab) {
    status = tab.getAttribute("data-status");
    remember();
    loadList();
  });
  document.getElementById("refresh").addEventListener("click", function () { loadList(); loadCounts(); });

  kindTabs.select(document.querySelector('#kind-tabs [data-kind="' + kind + '"]'), true);
  statusTabs.select(document.querySelector('#status-tabs [data-status="' + status + '"]'), true);
  if (kind === "transfer-log") loadLog(); else loadList();
  loadCounts();
})();
