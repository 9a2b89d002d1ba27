/* 会计人员属地关系调转 (/transfers): the current department, the 调转申请 form whose fields follow the reason
 * (manual §5.1), the target department by province / city / county, the proof image (<200KB, JPG/PNG), and
 * the 调转信息 list with a preview of each proof. Vanilla JS on top of static/app.js (AUSM.*).
 *
 * POST /api/v1/transfers takes multipart: `data` = JSON {reason, to_department, details{…}} and the file
 * `proof`. What blocks a transfer (collection not approved, a change or transfer under review, the same
 * department) comes back 422 naming it; field problems come back by the details' field names.
 */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };
  var today = AUSM.fmtTime(new Date()).slice(0, 10);

  // The 调档信息 of each reason (manual §5.1): [name, label, type, required, options list, wide]
  var FIELDS = {
    employer_moved: [
      ["employer", "调入单位名称", "text", true, null, true],
      ["credit_code", "调入单位统一社会信用代码", "credit", true, null, true],
      ["employer_type", "调入单位经济类型", "select", true, "employer_types"],
      ["industry", "调入单位所属行业", "select", true, "industries"],
      ["address", "调入单位地址", "text", true, null, true],
      ["phone", "调入单位电话", "text", false],
      ["start_date", "调入单位工作开始时间", "date", true]
    ],
    school_moved: [
      ["school", "调入学校名称", "text", true, null, true],
      ["major", "所学专业", "text", true],
      ["archive_mode", "档案方式", "select", true, "archive_modes"],
      ["enrollment_date", "入学时间", "date", true]
    ],
    residence_moved: [
      ["address", "户籍所在地或居住地地址", "text", true, null, true]
    ]
  };
  var PROOF_HINTS = { employer_moved: "统一社会信用代码证或工作单位证明", school_moved: "录取通知书、学生证或其他学习证明",
                      residence_moved: "身份证、户籍证明或居住证明" };
  var STATUS_CLASS = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err" };

  var S = { opts: {}, c: null, transfers: [], pendingChanges: 0 };
  var form = el("transfer-form");
  var reasonSelect = el("reason");
  var newButton = el("transfer-new");

  function badge(status, label) {
    return '<span class="badge ' + (STATUS_CLASS[status] || "") + '">' + esc(label || status) + "</span>";
  }
  function pathText(path) { return String(path || "").split("/").filter(Boolean).join(" / "); }
  function opt(list, code) {
    var items = S.opts[list] || [];
    for (var i = 0; i < items.length; i++) if (items[i].code === code) return items[i].label;
    return code || "";
  }
  function optionsHtml(list, placeholder) {
    var items = S.opts[list] || [];
    return '<option value="">' + esc(placeholder) + "</option>" + items.map(function (o) {
      return '<option value="' + esc(o.code) + '">' + esc(o.label) + "</option>";
    }).join("");
  }

  /* --- loading ------------------------------------------------------------------------------ */

  function load() {
    return Promise.all([
      AUSM.api("GET", "/api/v1/collection/options"),
      AUSM.api("GET", "/api/v1/collection"),
      AUSM.api("GET", "/api/v1/transfers"),
      AUSM.api("GET", "/api/v1/changes").catch(function () { return []; })
    ]).then(function (r) {
      S.opts = r[0] || {};
      S.c = r[1] || {};
      S.transfers = r[2] || [];
      S.pendingChanges = (r[3] || []).filter(function (c) { return c.status === "submitted"; }).length;
      renderCurrent();
      renderList();
      if (!reasonSelect.options.length) reasonSelect.innerHTML = optionsHtml("transfer_reasons", "请选择调档原因");
    }, function (err) {
      el("current-body").innerHTML = '<div class="alert alert-error" data-testid="load-error">' + esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/login?next=/transfers">重新登录</a>' : "") + "</div>";
      el("transfer-body").innerHTML = '<tr><td colspan="9" class="empty">' + esc(AUSM.errorText(err)) + "</td></tr>";
    });
  }

  function pendingTransfers() {
    return S.transfers.filter(function (t) { return t.status === "submitted"; }).length;
  }

  function renderCurrent() {
    var c = S.c;
    var path = (c.department_path || []).map(function (d) { return d.name; });
    var approved = c.status === "approved";
    var html = '<dl class="kv two"><dt>所属管理机构</dt><dd class="current-dept" data-testid="current-dept-name"><strong>' +
      esc(c.department ? c.department.name : "未选择") + "</strong>" +
      (path.length ? '<div class="path" data-testid="current-dept-path">' + esc(path.join(" / ")) + "</div>" : "") + "</dd>" +
      "<dt>信息采集状态</dt><dd>" + badge(c.status, c.status_label || "未开始") + "</dd></dl>";
    if (!approved) {
      html += '<div class="alert alert-warn mt-14" data-testid="transfer-not-allowed">信息采集未完成或尚未通过审核，' +
        '不能申请调转。<a href="/collection">前往信息采集</a></div>';
    }
    el("current-body").innerHTML = html;
    newButton.disabled = !approved;
  }

  function renderList() {
    var body = el("transfer-body");
    if (!S.transfers.length) {
      body.innerHTML = '<tr><td colspan="9" class="empty" data-testid="transfer-empty">暂无调转记录</td></tr>';
      return;
    }
    body.innerHTML = S.transfers.map(function (t, i) {
      var reasons = t.reasons || {};
      var reasonText = Object.keys(reasons).map(function (k) { return reasons[k]; }).join("；");
      var proof = t.proof && t.proof.url
        ? '<button type="button" class="proof-thumb" data-zoom="' + esc(t.proof.url) + '" data-label="调转证明材料" title="点击预览" aria-label="查看大图：调转证明材料" data-testid="transfer-proof-preview">' +
          '<img src="' + esc(t.proof.url) + '" alt="调转证明材料"></button>'
        : "—";
      return '<tr data-testid="transfer-row" data-id="' + esc(t.id) + '" data-status="' + esc(t.status) + '"><td>' + (i + 1) + "</td><td>" +
        esc(t.reason_label) + '</td><td data-testid="transfer-from">' + esc(pathText(t.from_path)) + '</td><td data-testid="transfer-to">' +
        esc(pathText(t.to_path)) + '</td><td class="nowrap">' + esc(AUSM.fmtTime(t.submitted_at)) + '</td><td class="nowrap">' +
        esc(t.status === "approved" && t.decided_at ? AUSM.fmtTime(t.decided_at) : "—") + '</td><td data-testid="transfer-status">' +
        badge(t.status, t.status_label) + (reasonText ? '<span class="sub">退回原因：' + esc(reasonText) + "</span>" : "") +
        "</td><td>" + proof + '</td><td class="actions-cell"><button type="button" class="btn btn-sm" data-detail="' + esc(t.id) +
        '" data-testid="transfer-detail-open">详情</button></td></tr>';
    }).join("");
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest("button");
    if (!t) return;
    if (t.hasAttribute("data-zoom")) AUSM.lightbox(t.getAttribute("data-zoom"), t.getAttribute("data-label"));
    if (t.hasAttribute("data-detail")) openDetail(t.getAttribute("data-detail"));
  });

  function openDetail(id) {
    var t = S.transfers.filter(function (x) { return x.id === id; })[0];
    if (!t) return;
    var details = t.details || {};
    var rows = (FIELDS[t.reason] || []).map(function (f) {
      var v = details[f[0]];
      if (f[2] === "select") v = opt(f[4], v);
      return "<dt>" + esc(f[1]) + "</dt><dd>" + esc(v || "—") + "</dd>";
    }).join("");
    var reasons = t.reasons || {};
    el("transfer-detail-body").innerHTML = '<dl class="kv two">' +
      "<dt>调档原因</dt><dd>" + esc(t.reason_label) + "</dd><dt>审核状态</dt><dd>" + badge(t.status, t.status_label) + "</dd>" +
      "<dt>调出</dt><dd>" + esc(pathText(t.from_path)) + "</dd><dt>调入</dt><dd>" + esc(pathText(t.to_path)) + "</dd>" +
      "<dt>申请时间</dt><dd>" + esc(AUSM.fmtTime(t.submitted_at)) + "</dd><dt>审核时间</dt><dd>" +
      esc(t.decided_at ? AUSM.fmtTime(t.decided_at) : "—") + "</dd>" + rows + "</dl>" +
      (Object.keys(reasons).length ? '<div class="alert alert-error mt-14"><strong>退回原因：</strong>' +
        Object.keys(reasons).map(function (k) { return esc(reasons[k]); }).join("；") + "</div>" : "") +
      (t.proof && t.proof.url ? '<h3 class="sub-title">证明材料</h3><a href="' + esc(t.proof.url) + '" target="_blank" rel="noopener">' +
        '<img src="' + esc(t.proof.url) + '" alt="调转证明材料" class="proof-large"></a>' : "");
    AUSM.openDialog("transfer-detail");
  }

  /* --- the form --------------------------------------------------------------------------- */

  function fieldHtml(f) {
    var name = f[0], label = f[1], type = f[2], req = f[3];
    var attrs = ' id="t-' + name + '" name="' + name + '" data-label="' + esc(label) + '" data-testid="transfer-' + name + '"' +
      (req ? " required" : "");
    var control;
    if (type === "select") {
      control = "<select" + attrs + ">" + optionsHtml(f[4], "请选择" + label.replace(/^调入单位/, "")) + "</select>";
    } else if (type === "date") {
      control = '<input type="date" min="1930-01-01" max="' + today + '" data-required-message="请选择' + esc(label) + '"' + attrs + ">";
    } else if (type === "credit") {
      control = '<div class="input-group"><input type="text" maxlength="20" spellcheck="false" placeholder="18位统一社会信用代码"' + attrs + ">" +
        '<button type="button" class="btn" data-employer-lookup data-testid="employer-lookup">获取单位信息</button></div>' +
        '<div class="lookup-status small" data-lookup-status role="status" aria-live="polite"></div>';
    } else {
      control = '<input type="text" maxlength="' + (name === "phone" ? 20 : 200) + '"' + attrs +
        (name === "phone" ? ' inputmode="tel" placeholder="如 010-88886666"' : ' placeholder="请输入' + esc(label) + '"') + ">";
    }
    return '<div class="field' + (f[5] ? " span-2" : "") + '" data-field="' + name + '"><label for="t-' + name + '">' + esc(label) +
      (req ? '<span class="req" aria-hidden="true">*</span>' : "") + "</label>" + control +
      '<div class="field-error" data-for="' + name + '"></div></div>';
  }

  function renderReasonFields() {
    var reason = reasonSelect.value;
    el("reason-fields").innerHTML = (FIELDS[reason] || []).map(fieldHtml).join("");
    el("proof-hint").innerHTML = reason ? "本次调档请上传：<strong>" + esc(PROOF_HINTS[reason]) + "</strong>" : "";
  }
  reasonSelect.addEventListener("change", function () {
    AUSM.setFieldError(form, "reason", "");
    renderReasonFields();
  });

  /* 调入会计管理机构: province → city → county, as deep as the directory goes */
  var deptSelects = [el("dept-0"), el("dept-1"), el("dept-2")];
  var PLACEHOLDERS = ["请选择省（自治区、直辖市）", "请选择市（地、州）或区县", "请选择区县"];
  var childrenCache = {};
  function children(parent) {
    var key = parent || "";
    if (!childrenCache[key]) {
      childrenCache[key] = AUSM.api("GET", "/api/v1/departments" + (parent ? "?parent=" + encodeURIComponent(parent) : ""));
      childrenCache[key].catch(function () { delete childrenCache[key]; });
    }
    return childrenCache[key];
  }
  function fillSelect(select, list, level) {
    select.innerHTML = '<option value="">' + PLACEHOLDERS[level] + "</option>" + list.map(function (d) {
      return '<option value="' + esc(d.code) + '" data-name="' + esc(d.name) + '">' + esc(d.division_name) + "</option>";
    }).join("");
  }
  function pickLevel(level) {
    for (var k = level + 1; k < 3; k++) {
      deptSelects[k].innerHTML = "";
      el("dept-field-" + k).hidden = true;
    }
    var code = deptSelects[level].value;
    if (!code || level === 2) return Promise.resolve();
    return children(code).then(function (list) {
      if (!list.length) return;
      fillSelect(deptSelects[level + 1], list, level + 1);
      el("dept-field-" + (level + 1)).hidden = false;
    });
  }
  function chosenDepartment() {
    var code = "";
    for (var k = 0; k < 3; k++) {
      if (k > 0 && el("dept-field-" + k).hidden) break;
      if (!deptSelects[k].value) return "";
      code = deptSelects[k].value;
    }
    return code;
  }
  function showChosen() {
    var code = chosenDepartment();
    el("to_department").value = code;
    var picked = deptSelects.filter(function (s, k) { return s.value && (k === 0 || !el("dept-field-" + k).hidden); })
      .map(function (s) { return s.options[s.selectedIndex]; });
    var last = picked[picked.length - 1];
    el("dept-chosen").innerHTML = code ? "调入会计管理机构：<strong>" + esc(last.getAttribute("data-name")) + "</strong>（" +
      esc(picked.map(function (o) { return o.text; }).join(" / ")) + "）" : "";
  }
  deptSelects.forEach(function (select, level) {
    select.addEventListener("change", function () {
      ["to_department", "target_department", "department_code"].forEach(function (n) { AUSM.setFieldError(form, n, ""); });
      el("to_department").value = "";
      pickLevel(level).then(showChosen);
    });
  });
  function loadProvinces() {
    return children(null).then(function (list) { fillSelect(deptSelects[0], list, 0); }, function (err) {
      deptSelects[0].innerHTML = '<option value="">加载失败，请关闭后重试</option>';
      AUSM.setFieldError(form, "to_department", "会计管理机构列表加载失败：" + AUSM.errorText(err));
    });
  }

  /* proof: checked against the transfer_proof policy and previewed by static/uploads.js */

  function precheck() {
    var notes = [];
    if (S.pendingChanges) notes.push("您有审核中的信息变更申请（" + S.pendingChanges + "条）");
    if (pendingTransfers()) notes.push("您有审核中的调转申请（" + pendingTransfers() + "条）");
    var box = el("transfer-precheck");
    box.hidden = !notes.length;
    box.textContent = notes.length ? notes.join("；") + "，审核完成前提交调转申请将不被受理。" : "";
  }

  newButton.addEventListener("click", function () {
    form.reset();
    AUSM.clearErrors(form);
    renderReasonFields();
    el("proof-preview").textContent = "未上传";
    el("to_department").value = "";
    el("dept-chosen").textContent = "";
    for (var k = 1; k < 3; k++) { deptSelects[k].innerHTML = ""; el("dept-field-" + k).hidden = true; }
    precheck();
    loadProvinces();
    AUSM.openDialog("transfer-dialog");
    reasonSelect.focus();
  });

  AUSM.bindForm(form, {
    url: "/api/v1/transfers",
    multipart: true,
    busyText: "提交中…",
    transform: function (fd) {
      var details = {};
      (FIELDS[reasonSelect.value] || []).forEach(function (f) {
        var control = form.elements[f[0]];
        details[f[0]] = control ? String(control.value || "").trim() : "";
      });
      if (details.credit_code) details.credit_code = details.credit_code.replace(/\s+/g, "").toUpperCase();
      var body = new FormData();
      body.append("data", JSON.stringify({ reason: reasonSelect.value, to_department: el("to_department").value, details: details }));
      body.append("proof", fd.get("proof"));
      return body;
    },
    onSuccess: function (transfer) {
      AUSM.closeDialog("transfer-dialog");
      AUSM.showAlert(el("page-alert"), null, "success", "<strong>调转申请已提交。</strong>调入地会计管理机构（" +
        esc(pathText(transfer.to_path)) + "）审核通过后，您的属地关系将转入该机构。");
      AUSM.toast("调转申请已提交");
      return load();
    },
    onError: function () {
      // a blocker names no field of the form: bring the message above the form into view
      if (!form.querySelector('[aria-invalid="true"]')) form.querySelector(".form-alert").scrollIntoView({ block: "nearest" });
    }
  });

  load();
})();
