/* 信息采集审核 (/staff/reviews): the queue of the reviewer's department and below, the whole record with
 * its images, and a decision. Returning names its reasons by field path (`education.0.major`, `work.1`,
 * `basic`), so the person sees each one next to the field it concerns. Needs static/collection.js. */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var C = AUSM.collection;
  var status = "submitted";
  var current = null;
  var editable = false;
  var options = null;
  var optionsReady = AUSM.api("GET", "/api/v1/collection/options").then(function (o) { options = o; }, function () { options = {}; });

  var listBody = document.getElementById("review-body");
  var listAlert = document.getElementById("list-alert");
  var dialog = document.getElementById("detail-dialog");
  var detailBody = document.getElementById("detail-body");
  var decisionForm = document.getElementById("decision-form");
  var reasonCount = document.getElementById("reason-count");
  var countIdle = reasonCount.textContent;
  var EMPTY = { submitted: "暂无待审核的信息采集", approved: "暂无已通过的信息采集", returned: "暂无已退回的信息采集" };
  var ACTIONS = { view: "查看", approve: "审核通过", "return": "退回" };

  function statusBadge(s, label) {
    var cls = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err" }[s] || "";
    return '<span class="badge ' + cls + '">' + esc(label || AUSM.REQUEST_STATUS[s] || s) + "</span>";
  }
  function opt(list, code) { return C.optionLabel(options, list, code); }

  /* --- the list --------------------------------------------------------------------------- */

  function loadList() {
    AUSM.clearAlert(listAlert);
    listBody.innerHTML = '<tr><td colspan="7" class="empty"><span class="spinner" aria-hidden="true"></span> 正在加载…</td></tr>';
    var asked = status;
    return AUSM.api("GET", "/api/v1/staff/reviews?kind=collection&status=" + encodeURIComponent(status)).then(function (rows) {
      if (asked !== status) return;
      if (!rows.length) {
        listBody.innerHTML = '<tr><td colspan="7" class="empty" data-testid="empty">' + EMPTY[status] + "</td></tr>";
        return;
      }
      listBody.innerHTML = rows.map(function (r) {
        return '<tr class="clickable" data-id="' + esc(r.id) + '" data-testid="review-row">' +
          "<td>" + esc(r.name) + "</td><td>" + esc(r.id_number) + "</td><td>" + esc(r.scope_label || "—") + "</td>" +
          '<td data-dept="' + esc(r.department_code || "") + '">' + esc(r.department_code || "—") + "</td>" +
          "<td>" + esc(AUSM.fmtTime(r.submitted_at)) + "</td><td>" + statusBadge(r.status, r.status_label === "审核中" ? "待审核" : r.status_label) + "</td>" +
          '<td><button type="button" class="btn btn-sm" data-open="' + esc(r.id) + '" data-testid="open-review">' +
          (r.status === "submitted" ? "审核" : "查看") + "</button></td></tr>";
      }).join("");
      listBody.querySelectorAll("td[data-dept]").forEach(function (td) {
        var code = td.getAttribute("data-dept");
        if (!code) return;
        C.departmentPath(code).then(function (path) {
          if (!path.length) return;
          td.textContent = path[path.length - 1].name;
          td.title = path.map(function (d) { return d.division_name; }).join(" / ");
        }, function () {});
      });
    }, function (err) {
      listBody.innerHTML = '<tr><td colspan="7" class="empty">加载失败</td></tr>';
      AUSM.showAlert(listAlert, null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/staff/login?next=/staff/reviews">重新登录</a>' : ""));
    });
  }

  listBody.addEventListener("click", function (e) {
    var row = e.target.closest("tr[data-id]");
    if (row) openDetail(row.getAttribute("data-id"));
  });

  /* --- the record ------------------------------------------------------------------------- */

  function openDetail(id) {
    current = null;
    detailBody.innerHTML = '<p class="loading"><span class="spinner" aria-hidden="true"></span> 正在加载信息采集详情…</p>';
    decisionForm.hidden = true;
    AUSM.clearErrors(decisionForm);
    decisionForm.reset();
    reasonCount.textContent = countIdle;
    AUSM.openDialog(dialog);
    Promise.all([AUSM.api("GET", "/api/v1/staff/collections/" + encodeURIComponent(id)), optionsReady]).then(function (r) {
      current = r[0];
      renderDetail(current);
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
    var reasons = (current && current.status === "returned" && current.return_reasons) || {};
    return reasons[path] ? '<div class="return-reason">退回原因：' + esc(reasons[path]) + "</div>" : "";
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
        ? '<button type="button" data-zoom="' + esc(f.url) + '" data-label="' + esc(i.label) + '"><img src="' + esc(f.url) + '" alt="' +
          esc(i.label) + '" data-testid="image-' + esc(i.path) + '"></button>'
        : '<div class="center muted" style="padding:50px 0">未上传</div>') +
        "<figcaption>" + esc(i.label) + (f ? '<span class="small"> · ' + esc((f.width ? f.width + "×" + f.height + " · " : "") + C.fmtSize(f.size)) + "</span>" : "") +
        '<div class="reason-inline">' + reasonToggle(i.path, i.label) + priorReason(i.path) + "</div></figcaption></figure>";
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

  function renderDetail(r) {
    editable = r.status === "submitted";
    var p = r.person || {};
    var b = r.basic || {};
    var files = r.files || {};
    var html = "";

    html += '<div class="row" style="margin-bottom:12px">' + statusBadge(r.status, r.status_label) +
      '<span class="small muted">提交时间：' + esc(AUSM.fmtTime(r.submitted_at) || "—") +
      (r.decided_at ? "，审核时间：" + esc(AUSM.fmtTime(r.decided_at)) : "") + "</span></div>";
    if (editable) {
      html += '<div class="alert alert-info small">核对各项信息与证明材料（点击图片可放大）。需要退回的，在对应的部分、某段经历或具体字段旁点击“标注”填写原因，可填写多项。</div>';
    }

    html += section("基本信息", "review-basic",
      kv([["姓名", p.name], ["证件类型", p.id_type_label || p.id_type], ["证件号码", p.id_number], ["性别", AUSM.genderLabel(p.gender)],
          ["出生日期", p.birth_date], ["手机号码", p.phone],
          ["政治面貌", opt("political_statuses", b.political_status), "basic.political_status"],
          ["民族", opt("ethnicities", b.ethnicity), "basic.ethnicity"],
          ["邮箱", b.email, "basic.email"], ["邮编", b.postcode, "basic.postcode"],
          ["通讯地址", b.address, "basic.address"]].concat(b.alt_id_type ? [
          ["其他证件类型", (C.ALT_ID_TYPES.filter(function (t) { return t.code === b.alt_id_type; })[0] || {}).label || b.alt_id_type, "basic.alt_id_type"],
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
            return { file: proofs[k], label: C.EDUCATION_LABELS[k] || k, path: at + "." + k };
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
          (posts.length ? '<div class="table-wrap" style="margin-top:10px"><table class="data"><thead><tr><th>会计人员岗位层级</th><th>从事会计工作岗位</th>' +
            "<th>会计工作开始时间</th><th>会计工作结束时间</th><th>" + (editable ? "标注" : "") + "</th></tr></thead><tbody>" + posts.map(function (post, k) {
              var pp = at + ".posts." + k;
              return "<tr><td>" + esc(opt("accounting_post_levels", post.post_level)) + "</td><td>" + esc(opt("accounting_posts", post.post)) +
                "</td><td>" + esc(post.start_date || "") + "</td><td>" + esc(post.until_now || !post.end_date ? "至今" : post.end_date) +
                '</td><td><div class="reason-inline">' + reasonToggle(pp, "第" + (k + 1) + "条会计工作经历") +
                priorReason(pp) + "</div></td></tr>";
            }).join("") + "</tbody></table></div>" : "") +
          photos(Object.keys(proofs).map(function (k) {
            return { file: proofs[k], label: C.WORK_LABELS[k] || k, path: at + "." + k };
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
      return "<li>" + esc(AUSM.fmtTime(h.at)) + " · " + esc(h.staff_name || "") + " · " + esc(ACTIONS[h.action] || h.action) +
        (h.note ? "：" + esc(h.note) : "") +
        (keys.length ? "<ul>" + keys.map(function (k) { return "<li>" + esc(C.pathLabel(k)) + "：" + esc(reasons[k]) + "</li>"; }).join("") + "</ul>" : "") +
        "</li>";
    }).join("") + "</ul>" : '<p class="muted small">暂无记录</p>');

    detailBody.innerHTML = html;
    decisionForm.hidden = !editable;
  }

  detailBody.addEventListener("click", function (e) {
    var z = e.target.closest("[data-zoom]");
    if (z) { C.zoom(z.getAttribute("data-zoom"), z.getAttribute("data-label"), z); return; }
    var t = e.target.closest("[data-reason-toggle]");
    if (t) {
      var box = detailBody.querySelector('.reason-box[data-box-for="' + t.getAttribute("data-reason-toggle") + '"]');
      var open = box.hidden;
      box.hidden = !open;
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
    reasonCount.textContent = n ? "已填写 " + n + " 项退回原因" : countIdle;
    if (n) { AUSM.setFieldError(decisionForm, "reasons", ""); AUSM.clearAlert(decisionForm); }
  }

  function decide(decision, button) {
    if (!current) return;
    AUSM.clearErrors(decisionForm);
    var reasons = collectReasons();
    var count = Object.keys(reasons).length;
    if (decision === "return" && !count) {
      AUSM.setFieldError(decisionForm, "reasons", "请至少填写一项退回原因");
      AUSM.showAlert(decisionForm, "退回时请在对应的部分、经历或字段旁点击“标注”填写退回原因，告诉申请人需要如何修改", "error");
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
      AUSM.api("POST", "/api/v1/staff/collections/" + encodeURIComponent(current.id) + "/decision", body).then(function () {
        AUSM.setBusy(button, false);
        buttons.forEach(function (b) { b.disabled = false; });
        AUSM.closeDialog(dialog);
        AUSM.toast(decision === "approve" ? "已审核通过" : "已退回，申请人将在对应字段旁看到退回原因");
        loadList();
      }, function (err) {
        AUSM.setBusy(button, false);
        buttons.forEach(function (b) { b.disabled = false; });
        AUSM.showErrors(decisionForm, err);
        if (err.status === 409) loadList();
      });
    });
  }
  document.getElementById("approve-btn").addEventListener("click", function (e) { decide("approve", e.currentTarget); });
  document.getElementById("return-btn").addEventListener("click", function (e) { decide("return", e.currentTarget); });
  decisionForm.addEventListener("submit", function (e) { e.preventDefault(); });

  AUSM.tabs(document.getElementById("status-tabs"), function (tab) {
    status = tab.getAttribute("data-status");
    loadList();
  });
  document.getElementById("refresh").addEventListener("click", loadList);
  loadList();
})();
