/* 会计人员信息变更 (/changes): the approved record by kind (基本信息, 教育经历, 工作经历, 采集范围), dialogs that
 * submit a change, the 变更记录 of each kind and a detail with 变更前 / 变更后 side by side, changed fields in red.
 * Vanilla JS on top of static/app.js (AUSM.*).
 *
 * POST /api/v1/changes takes multipart: `data` = JSON {kind, operation, …} and proof files by name
 * (identity_proof, education_certificate, …). A refused change comes back 422 with every problem by field
 * path (`basic.email`, `work.0.posts.0.end_date`, `proofs.title_proof`); each lands next to its field.
 */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };

  var KINDS = {
    basic: { label: "基本信息", title: "基本信息变更",
             note: "基本信息部分内容脱敏显示。对于“身份证明”未发生变化的，系统自动审核通过；对于“身份证明”发生变化的，需要管理部门人工审核。" },
    education: { label: "教育经历", title: "教育经历变更",
                 note: "可查看、变更、删除信息采集时的教育经历，也可新增教育经历（时间不得与已有的教育经历交叉）。教育经历变更由所属会计管理部门人工审核，审核通过后生效。" },
    work: { label: "工作经历", title: "工作经历变更",
            note: "可查看、变更、删除信息采集时的工作经历，也可新增工作经历（时间不得与已有的工作经历交叉）。工作经历变更由所属会计管理部门人工审核，审核通过后生效。" },
    scope: { label: "采集范围", title: "采集范围变更",
             note: "根据实际情况变更采集范围；新的采集范围须与当前的教育经历、工作经历相符。采集范围变更由所属会计管理部门人工审核。" }
  };
  // Field labels live with the segment editor (static/segments.js); choices and their labels come from
  // GET /api/v1/collection/options, the proof rule from GET /api/v1/upload-policies (static/uploads.js).
  var SEG = AUSM.segments;
  var BASIC_FIELDS = SEG.FIELDS.basic;
  var STATUS_CLASS = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err", withdrawn: "" };

  var S = { opts: {}, c: null, changes: [], kind: "basic", newId: null, uploads: null };

  /* --- small helpers ---------------------------------------------------------------------- */

  function clone(v) { return JSON.parse(JSON.stringify(v == null ? null : v)); }
  function opt(list, code) { return SEG.optionLabel(S.opts, list, code); }
  function optionsHtml(list, placeholder) { return SEG.optionsHtml(S.opts, list, placeholder); }
  /** 王** for 王立信 (the glossary's masking of names); characters outside the BMP count once. */
  function maskName(name) {
    var chars = Array.from(String(name || ""));
    if (chars.length <= 1) return chars.join("");
    return chars[0] + new Array(chars.length).join("*");
  }
  function badge(status, label) {
    return '<span class="badge ' + (STATUS_CLASS[status] || "") + '">' + esc(label || status) + "</span>";
  }
  function fmtSize(n) {
    if (!n) return "";
    return n >= 1024 * 1024 ? (n / 1024 / 1024).toFixed(1) + "MB" : Math.round(n / 1024) + "KB";
  }
  function period(seg) {
    return (seg.start_date || "—") + " 至 " + (seg.until_now || !seg.end_date ? "今" : seg.end_date);
  }
  function listHtml(items) {
    return "<ul>" + items.map(function (i) { return "<li>" + esc(i) + "</li>"; }).join("") + "</ul>";
  }
  function problemsOf(err) {
    var body = (err && err.body) || {};
    if (Array.isArray(body.problems) && body.problems.length) return body.problems;
    var errors = body.errors || {};
    return Object.keys(errors).map(function (k) {
      return { field: k, message: Array.isArray(errors[k]) ? errors[k].join("；") : String(errors[k]) };
    });
  }
  function kindChanges(kind) { return S.changes.filter(function (c) { return c.kind === kind; }); }
  function pendingOf(kind) { return kindChanges(kind).filter(function (c) { return c.status === "submitted"; })[0] || null; }
  function segmentsOf(kind) { return (S.c && S.c[kind]) || []; }
  function findSegment(kind, id) {
    var list = segmentsOf(kind);
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return { seg: list[i], index: i };
    return null;
  }
  function segmentName(kind, seg) {
    if (!seg) return "";
    return kind === "education" ? seg.school || "" : seg.employer || "";
  }

  /* --- loading ---------------------------------------------------------------------------- */

  function blocked(html) {
    el("changes-loading").hidden = true;
    el("changes-layout").hidden = true;
    var box = el("changes-blocked");
    box.hidden = false;
    box.innerHTML = html;
  }

  function loadError(err) {
    blocked('<div class="alert alert-error" data-testid="load-error">' + esc(AUSM.errorText(err)) +
      (err.status === 401 ? ' <a href="/login?next=/changes">重新登录</a>' : "") + "</div>" +
      '<button type="button" class="btn" data-reload>重新加载</button>');
  }

  function notApproved(c) {
    var state = c.status_label || "未开始";
    blocked('<div class="status-box status-none" data-testid="changes-not-allowed"><div class="dot" aria-hidden="true">!</div><div>' +
      '<h2>仅在信息采集审核通过状态下允许变更</h2>' +
      "<p>当前信息采集状态：<strong>" + esc(state) + "</strong>。" +
      (c.status === "submitted" ? "信息采集正在审核中，审核通过后即可在此变更。" :
        c.status === "returned" ? "信息采集已被退回，请按退回原因修改后重新提交审核。" :
        "请先完成信息采集并提交审核，审核通过后即可在此变更。") + "</p>" +
      '<p><a class="btn btn-primary" href="/collection" data-testid="go-collection">前往信息采集</a></p></div></div>');
  }

  function init() {
    Promise.all([AUSM.api("GET", "/api/v1/collection/options"), AUSM.api("GET", "/api/v1/collection"),
                 AUSM.uploadPolicies()]).then(function (r) {
      S.opts = r[0] || {};
      S.uploads = r[2];
      var c = r[1];
      if (!c || c.status !== "approved") { notApproved(c || {}); return; }
      S.c = c;
      return AUSM.api("GET", "/api/v1/changes").then(function (list) {
        S.changes = list || [];
        fillOptions();
        el("changes-loading").hidden = true;
        el("changes-layout").hidden = false;
        var hash = location.hash.replace("#", "");
        var first = KINDS[hash] ? hash : "basic";
        kindTabs.select(el("kind-" + first), true);
        S.kind = first;
        render();
      });
    }).catch(function (err) {
      if (err && err.body) loadError(err);
      else loadError({ status: 0, body: { message: "页面加载出错：" + (err && err.message ? err.message : err) } });
    });
  }

  /** After a change: the record and the history again. */
  function reload() {
    return Promise.all([AUSM.api("GET", "/api/v1/collection"), AUSM.api("GET", "/api/v1/changes")]).then(function (r) {
      S.c = r[0];
      S.changes = r[1] || [];
      render();
    }, function (err) {
      AUSM.showAlert(el("panel-alert"), AUSM.errorText(err), "error");
    });
  }

  function fillOptions() {
    el("political_status").innerHTML = optionsHtml("political_statuses", "请选择政治面貌");
    el("ethnicity").innerHTML = optionsHtml("ethnicities", "请选择民族");
    el("alt_id_type").innerHTML = '<option value="">无</option>' + optionsHtml("alt_id_types", null);
    editors.education.setOptions(S.opts);
    editors.work.setOptions(S.opts);
    document.querySelectorAll("[data-scope-label]").forEach(function (node) {
      node.textContent = opt("scopes", node.getAttribute("data-scope-label"));
    });
  }

  /* --- tabs ------------------------------------------------------------------------------- */

  var kindTabs = AUSM.tabs(el("kind-tabs"), function (tab) {
    S.kind = tab.getAttribute("data-kind");
    if (history.replaceState) history.replaceState(null, "", "#" + S.kind);
    AUSM.clearAlert(el("panel-alert"));
    viewTabs.select(el("tab-current"), true);
    render();
  });
  var viewTabs = AUSM.tabs(el("view-tabs"));
  window.addEventListener("hashchange", function () {
    var kind = location.hash.replace("#", "");
    if (KINDS[kind] && S.c && kind !== S.kind) kindTabs.select(el("kind-" + kind));
  });

  function showHistory() {
    viewTabs.select(el("tab-history"));
    el("tab-history").focus();
  }

  /* --- rendering -------------------------------------------------------------------------- */

  function render() {
    var kind = S.kind;
    el("kind-title").textContent = KINDS[kind].title;
    el("review-note").textContent = KINDS[kind].note;
    el("collection-status").innerHTML = badge(S.c.status, S.c.status_label);
    el("history-count").textContent = kindChanges(kind).length;
    ({ basic: renderBasic, education: renderEducation, work: renderWork, scope: renderScope })[kind]();
    renderHistory();
  }

  function pendingNote(kind) {
    var p = pendingOf(kind);
    if (!p) return "";
    return '<div class="alert alert-warn" data-testid="pending-note">您有审核中的' + esc(KINDS[kind].title) + "申请（" +
      esc(p.operation_label) + "，提交于 " + esc(AUSM.fmtTime(p.submitted_at)) + "），审核完成前不能再次提交" + esc(KINDS[kind].label) +
      '变更。 <button type="button" class="btn-link" data-detail="' + esc(p.id) + '">查看详情</button> · ' +
      '<button type="button" class="btn-link" data-withdraw="' + esc(p.id) + '" data-testid="pending-withdraw">撤回申请</button></div>';
  }

  function kvRows(rows) {
    return rows.map(function (r) {
      return "<dt>" + esc(r[0]) + '</dt><dd data-testid="' + esc(r[2] || "") + '">' + (r[3] ? r[1] : esc(r[1] == null || r[1] === "" ? "—" : r[1])) + "</dd>";
    }).join("");
  }

  function proofThumb(file, label) {
    if (!file || !file.url) return "";
    return '<button type="button" class="proof-thumb" data-zoom="' + esc(file.url) + '" data-label="' + esc(label) +
      '" title="点击查看大图" aria-label="查看大图：' + esc(label) + '"><img src="' + esc(file.url) + '" alt="' + esc(label) + '"></button>';
  }

  function renderBasic() {
    var p = S.c.person || {};
    var b = S.c.basic || {};
    var files = S.c.files || {};
    var pending = pendingOf("basic");
    var rows = BASIC_FIELDS.map(function (f) {
      return [f[1], f[2] ? opt(f[2], b[f[0]]) : b[f[0]], "basic-" + f[0]];
    });
    if (b.alt_id_type || b.alt_id_number) {
      rows.push(["其他证件类型", opt("alt_id_types", b.alt_id_type), "basic-alt_id_type"]);
      rows.push(["其他证件号码", b.alt_id_number, "basic-alt_id_number"]);
    }
    rows.push(["身份证明", files.identity_proof ? proofThumb(files.identity_proof, "身份证明") + ' <span class="badge badge-ok">已上传</span>' :
      '<span class="muted">未上传</span>', "basic-identity_proof", true]);
    el("current-panel").innerHTML = pendingNote("basic") +
      '<h3 class="sub-title">注册信息 <span class="small muted">（注册时填写，不能在此变更）</span></h3>' +
      '<dl class="kv two" data-testid="current-person">' + kvRows([
        ["证件类型", p.id_type_label || p.id_type, "person-id_type"], ["证件号码", p.id_number, "person-id_number"],
        ["姓名", maskName(p.name), "person-name"], ["性别", AUSM.genderLabel(p.gender), "person-gender"],
        ["出生日期", p.birth_date, "person-birth_date"], ["手机号码", p.phone, "person-phone"]]) + "</dl>" +
      '<div class="toolbar"><h3 class="sub-title">基本信息</h3><span class="spacer"></span>' +
      '<button type="button" class="btn btn-primary" id="basic-change" data-testid="basic-change"' + (pending ? " disabled" : "") +
      ">进行变更</button></div>" +
      '<dl class="kv two" data-testid="current-basic">' + kvRows(rows) + "</dl>";
  }

  function segmentActions(kind, seg, pending) {
    var short = kind === "education" ? "edu" : "work";
    return '<td class="actions-cell"><button type="button" class="btn btn-sm" data-view="' + esc(seg.id) + '" data-testid="' + short + '-view">详情</button>' +
      '<button type="button" class="btn btn-sm btn-primary" data-change="' + esc(seg.id) + '" data-testid="' + short + '-change"' +
      (pending ? " disabled" : "") + ">变更</button>" +
      '<button type="button" class="btn btn-sm btn-danger" data-delete="' + esc(seg.id) + '" data-testid="' + short + '-delete"' +
      (pending ? " disabled" : "") + ">删除</button></td>";
  }

  function renderEducation() {
    var list = segmentsOf("education");
    var pending = pendingOf("education");
    var rows = list.length ? list.map(function (s) {
      return '<tr data-testid="edu-row" data-id="' + esc(s.id) + '"><td>' + esc(opt("study_modes", s.study_mode)) + "</td><td>" +
        esc(s.school) + "</td><td>" + esc(s.start_date || "") + '</td><td data-testid="edu-end">' + esc(s.until_now || !s.end_date ? "至今" : s.end_date) +
        "</td><td>" + esc(opt("education_levels", s.education_level)) + "</td><td>" + esc(opt("degrees", s.degree)) + "</td><td>" +
        esc(s.major) + "</td>" + segmentActions("education", s, pending) + "</tr>";
    }).join("") : '<tr><td colspan="8" class="empty">暂无教育经历</td></tr>';
    el("current-panel").innerHTML = pendingNote("education") +
      '<div class="toolbar"><strong>当前教育经历</strong><span class="spacer"></span>' +
      '<button type="button" class="btn btn-primary btn-sm" id="edu-add" data-testid="edu-add"' + (pending ? " disabled" : "") +
      ">+ 新增教育经历</button></div>" +
      '<div class="table-wrap"><table class="data" data-testid="edu-table"><thead><tr><th scope="col">培养方式</th><th scope="col">学校名称</th>' +
      '<th scope="col">入学时间</th><th scope="col">毕业时间</th><th scope="col">学历</th><th scope="col">学位</th><th scope="col">所学专业</th>' +
      '<th scope="col">操作</th></tr></thead><tbody>' + rows + "</tbody></table></div>";
  }

  function renderWork() {
    var list = segmentsOf("work");
    var pending = pendingOf("work");
    var rows = list.length ? list.map(function (s) {
      var posts = s.posts || [];
      return '<tr data-testid="work-row" data-id="' + esc(s.id) + '"><td class="nowrap" data-testid="work-period">' + esc(period(s)) + "</td><td>" +
        esc(s.employer) + '<span class="sub">' + esc(s.credit_code || "") + "</span></td><td>" + esc(opt("employer_types", s.employer_type)) +
        "</td><td>" + esc(opt("industries", s.industry)) + "</td><td>" + (s.has_accounting_work ? "是（" + posts.length + "条）" : "否") +
        "</td><td>" + (s.title ? esc(opt("titles", s.title)) + '<span class="sub nowrap">聘任：' + esc(s.title_date || "—") + "</span>" : "—") +
        "</td>" + segmentActions("work", s, pending) + "</tr>";
    }).join("") : '<tr><td colspan="7" class="empty">暂无工作经历</td></tr>';
    el("current-panel").innerHTML = pendingNote("work") +
      '<div class="toolbar"><strong>当前工作经历</strong><span class="spacer"></span>' +
      '<button type="button" class="btn btn-primary btn-sm" id="work-add" data-testid="work-add"' + (pending ? " disabled" : "") +
      ">+ 新增工作经历</button></div>" +
      '<div class="table-wrap"><table class="data" data-testid="work-table"><thead><tr><th scope="col">工作时间</th><th scope="col">单位名称</th>' +
      '<th scope="col">单位类型</th><th scope="col">所属行业</th><th scope="col">会计工作经历</th><th scope="col">会计专业职务</th>' +
      '<th scope="col">操作</th></tr></thead><tbody>' + rows + "</tbody></table></div>";
  }

  /** What a scope means: the description of its choice in the scope dialog (templates/_macros.html). */
  function scopeText(code) {
    var desc = code && document.querySelector('[data-scope-desc="' + code + '"]');
    return desc ? desc.textContent : "";
  }

  function renderScope() {
    var pending = pendingOf("scope");
    el("current-panel").innerHTML = pendingNote("scope") +
      '<dl class="kv"><dt>采集范围</dt><dd data-testid="current-scope"><strong>' + esc(S.c.scope_label || opt("scopes", S.c.scope) || "—") +
      '</strong><div class="small muted">' + esc(scopeText(S.c.scope)) + "</div></dd></dl>" +
      '<div class="form-actions"><button type="button" class="btn btn-primary" id="scope-change" data-testid="scope-change"' +
      (pending ? " disabled" : "") + ">进行变更</button></div>";
  }

  function renderHistory() {
    var list = kindChanges(S.kind);
    var body = el("history-body");
    if (!list.length) {
      body.innerHTML = '<tr><td colspan="7" class="empty" data-testid="history-empty">暂无' + esc(KINDS[S.kind].title) + "记录</td></tr>";
      return;
    }
    body.innerHTML = list.map(function (c, i) {
      var name = segmentName(c.kind, c.after && Object.keys(c.after).length ? c.after : c.before);
      var reasons = c.reasons || {};
      var reasonText = Object.keys(reasons).map(function (k) { return reasons[k]; }).join("；");
      return '<tr data-testid="change-row" data-id="' + esc(c.id) + '" data-status="' + esc(c.status) + '"' +
        (c.id === S.newId ? ' class="is-new"' : "") + "><td>" + (i + 1) + '</td><td data-testid="change-mode">' + esc(c.review_mode_label) +
        '</td><td data-testid="change-status">' + badge(c.status, c.status_label) +
        (reasonText ? '<span class="sub">退回原因：' + esc(reasonText) + "</span>" : "") + "</td><td>" + esc(c.kind_label) +
        '</td><td data-testid="change-operation">' + esc(c.operation_label) + (name ? '<span class="sub">' + esc(name) + "</span>" : "") +
        "</td><td>" + esc(AUSM.fmtTime(c.submitted_at)) + '</td><td class="actions-cell">' +
        '<button type="button" class="btn btn-sm" data-detail="' + esc(c.id) + '" data-testid="change-detail">详情</button>' +
        (c.status === "submitted" ? '<button type="button" class="btn btn-sm btn-danger" data-withdraw="' + esc(c.id) +
          '" data-testid="change-withdraw">撤回</button>' : "") + "</td></tr>";
    }).join("");
  }

  /* --- clicks --------------------------------------------------------------------------- */

  document.addEventListener("click", function (e) {
    var t = e.target.closest("button, a");
    if (!t) return;
    if (t.hasAttribute("data-zoom")) { AUSM.lightbox(t.getAttribute("data-zoom"), t.getAttribute("data-label")); return; }
    if (t.hasAttribute("data-detail")) { openDetail(t.getAttribute("data-detail")); return; }
    if (t.hasAttribute("data-withdraw")) { withdraw(t.getAttribute("data-withdraw"), t); return; }
    if (t.hasAttribute("data-show-history")) { e.preventDefault(); showHistory(); return; }
    if (!el("current-panel").contains(t)) return;
    var kind = S.kind;
    if (t.id === "basic-change") openBasic();
    else if (t.id === "scope-change") openScope();
    else if (t.id === "edu-add") openSegment("education", null, false);
    else if (t.id === "work-add") openSegment("work", null, false);
    else if (t.hasAttribute("data-view")) openSegment(kind, t.getAttribute("data-view"), true);
    else if (t.hasAttribute("data-change")) openSegment(kind, t.getAttribute("data-change"), false);
    else if (t.hasAttribute("data-delete")) removeSegment(kind, t.getAttribute("data-delete"));
  });

  function submitted(change) {
    S.newId = change.id;
    var label = KINDS[change.kind].title;
    var html = change.status === "approved"
      ? "<strong>" + esc(label) + "已保存，系统自动审核通过。</strong>"
      : "<strong>" + esc(label) + "申请已提交（" + esc(change.operation_label) + "），等待所属会计管理部门审核。</strong>审核通过后生效。";
    html += ' <a href="#" data-show-history data-testid="see-history">查看变更记录</a>';
    return reload().then(function () {
      AUSM.showAlert(el("panel-alert"), null, change.status === "approved" ? "success" : "info", html);
      AUSM.toast(change.status === "approved" ? "变更已生效" : "已提交审核");
    });
  }

  function withdraw(id, button) {
    AUSM.confirm("确定撤回这条审核中的变更申请吗？撤回后可重新提交。", "撤回申请", true).then(function (yes) {
      if (!yes) return;
      if (button) AUSM.setBusy(button, true, "撤回中…");
      AUSM.api("DELETE", "/api/v1/changes/" + encodeURIComponent(id)).then(function () {
        if (button) AUSM.setBusy(button, false);
        AUSM.closeDialog(el("detail-dialog"));
        AUSM.showAlert(el("panel-alert"), "已撤回变更申请", "success");
        return reload();
      }, function (err) {
        if (button) AUSM.setBusy(button, false);
        AUSM.showAlert(el("panel-alert"), AUSM.errorText(err), "error");
        reload();
      });
    });
  }

  /* --- detail: 变更前 / 变更后 ------------------------------------------------------------- */

  function isChanged(change, field) {
    var list = change.changed_fields || [];
    if (list.indexOf("*") >= 0) return true;
    return list.some(function (p) { return p === field || p.indexOf(field + ".") === 0; });
  }

  function emptySide(side) { return !side || !Object.keys(side).length; }

  function fileText(file) {
    if (!file) return "未上传";
    return "已上传" + (file.width ? "（" + file.width + "×" + file.height + "，" + fmtSize(file.size) + "）" : "");
  }

  function postsHtml(change, posts, markChanged) {
    if (!posts || !posts.length) return "无";
    return '<ul class="posts-list">' + posts.map(function (p, k) {
      var changed = markChanged && isChanged(change, "posts." + k);
      return "<li" + (changed ? ' class="is-changed"' : "") + ">" + esc([opt("accounting_post_levels", p.post_level) || "—",
        opt("accounting_posts", p.post) || "—", (p.start_date || "—") + " 至 " + (p.until_now || !p.end_date ? "今" : p.end_date)].join(" · ")) +
        "</li>";
    }).join("") + "</ul>";
  }

  function segmentValue(change, side, field, list, isAfter) {
    if (emptySide(side)) return null;
    var v = side[field];
    if (field === "end_date") return side.until_now || !v ? "至今" : v;
    if (field === "studied_abroad" || field === "has_accounting_work") return v ? "是" : "否";
    if (field === "posts") return { html: postsHtml(change, side.has_accounting_work ? v : [], true) };
    if (field === "title") return v ? opt("titles", v) : "无";
    return list ? opt(list, v) : v;
  }

  function diffRows(change) {
    var b = change.before || {}, a = change.after || {};
    var rows = [];
    if (change.kind === "basic") {
      var p = S.c.person || {};
      [["证件类型", p.id_type_label || p.id_type], ["证件号码", p.id_number], ["姓名", maskName(p.name)],
       ["性别", AUSM.genderLabel(p.gender)], ["出生日期", p.birth_date], ["手机号码", p.phone]].forEach(function (r) {
        rows.push({ label: r[0], before: r[1], after: r[1], changed: false, field: "person" });
      });
      BASIC_FIELDS.forEach(function (f) {
        rows.push({ label: f[1], field: f[0], changed: isChanged(change, f[0]),
                    before: f[2] ? opt(f[2], b[f[0]]) : b[f[0]], after: f[2] ? opt(f[2], a[f[0]]) : a[f[0]] });
      });
      if (b.alt_id_type || a.alt_id_type || b.alt_id_number || a.alt_id_number) {
        rows.push({ label: "其他证件类型", field: "alt_id_type", changed: isChanged(change, "alt_id_type"),
                    before: opt("alt_id_types", b.alt_id_type), after: opt("alt_id_types", a.alt_id_type) });
        rows.push({ label: "其他证件号码", field: "alt_id_number", changed: isChanged(change, "alt_id_number"),
                    before: b.alt_id_number, after: a.alt_id_number });
      }
      rows.push({ label: "身份证明（身份证或居住证）", field: "identity_proof", changed: isChanged(change, "identity_proof"),
                  before: fileText(b.identity_proof), after: fileText(a.identity_proof) });
    } else if (change.kind === "scope") {
      rows.push({ label: "采集范围", field: "scope", changed: isChanged(change, "scope"),
                  before: opt("scopes", b.scope), after: opt("scopes", a.scope) });
    } else {
      var fields = SEG.FIELDS[change.kind];
      fields.forEach(function (f) {
        var changed = isChanged(change, f[0]) || (f[0] === "end_date" && isChanged(change, "until_now"));
        rows.push({ label: f[1], field: f[0], changed: changed,
                    before: segmentValue(change, b, f[0], f[2]), after: segmentValue(change, a, f[0], f[2]) });
      });
      var names = function (side) {
        if (emptySide(side)) return null;
        var list = side.proofs || [];
        return list.length ? list.map(function (n) { return SEG.PROOFS[n] || n; }).join("、") : "无";
      };
      rows.push({ label: "证明材料", field: "proofs", changed: false, before: names(b), after: names(a) });
    }
    return rows;
  }

  function cell(value, cls) {
    if (value == null || value === "") {
      return '<td class="' + cls + ' empty-side">—</td>';
    }
    return '<td class="' + cls + '">' + (typeof value === "object" ? value.html : esc(value)) + "</td>";
  }

  function openDetail(id) {
    var change = S.changes.filter(function (c) { return c.id === id; })[0];
    if (!change) return;
    var reasons = change.reasons || {};
    var reasonKeys = Object.keys(reasons);
    var html = '<dl class="kv two" data-testid="detail-meta">' +
      "<dt>变更类型</dt><dd>" + esc(change.kind_label) + "</dd><dt>变更方式</dt><dd>" + esc(change.operation_label) + "</dd>" +
      '<dt>审核方式</dt><dd data-testid="detail-mode">' + esc(change.review_mode_label) + '</dd><dt>审核状态</dt><dd data-testid="detail-status">' +
      badge(change.status, change.status_label) + "</dd>" +
      "<dt>变更时间</dt><dd>" + esc(AUSM.fmtTime(change.submitted_at)) + "</dd><dt>审核时间</dt><dd>" +
      esc(change.decided_at ? AUSM.fmtTime(change.decided_at) : "—") + "</dd></dl>";
    if (reasonKeys.length) {
      html += '<div class="alert alert-error mt-14" data-testid="detail-reasons"><strong>退回原因：</strong>' +
        listHtml(reasonKeys.map(function (k) { return reasons[k]; })) + "</div>";
    }
    html += '<div class="table-wrap mt-14"><table class="data diff-table" data-testid="diff-table"><thead><tr>' +
      '<th scope="col">项目</th><th scope="col">变更前</th><th scope="col">变更后</th></tr></thead><tbody>' +
      diffRows(change).map(function (r) {
        return '<tr class="diff-row' + (r.changed ? " is-changed" : "") + '" data-testid="diff-row" data-field="' + esc(r.field) +
          '" data-changed="' + (r.changed ? "true" : "false") + '"><td class="label">' + esc(r.label) +
          (r.changed ? '<span class="changed-tag">已变更</span>' : "") + "</td>" + cell(r.before, "before") + cell(r.after, "after") + "</tr>";
      }).join("") + "</tbody></table></div>" +
      '<p class="diff-legend"><span class="swatch" aria-hidden="true"></span>标红的为变更的内容' +
      (change.operation === "add" ? "（新增）" : change.operation === "delete" ? "（删除）" : "") + "</p>";
    el("detail-body").innerHTML = html;
    el("detail-title").textContent = change.kind_label + "详情";
    var wd = el("detail-withdraw");
    wd.hidden = change.status !== "submitted";
    wd.setAttribute("data-withdraw", change.id);
    AUSM.openDialog("detail-dialog");
  }

  /* --- uploads inside the dialogs --------------------------------------------------------- */

  function proofPolicy() { return S.uploads.policy("proof"); }

  function proofCard(prefix, name, existing) {
    var label = SEG.PROOFS[name];
    var id = prefix + "-proof-" + name;
    return '<div class="upload-card' + (existing ? " has-file" : "") + '" data-proof="' + name + '" data-testid="proof-' + name + '">' +
      '<label class="label" for="' + id + '">' + esc(label) + '<span class="req" aria-hidden="true"' + (existing ? " hidden" : "") + ">*</span></label>" +
      '<div class="preview small">' + (existing ? '<a class="zoom" href="' + esc(existing.url) + '" target="_blank" rel="noopener" title="在新窗口查看大图">' +
        '<img src="' + esc(existing.url) + '" alt="' + esc(label) + '"></a>' : "<span>未上传</span>") + "</div>" +
      '<div class="upload-meta small muted">' + (existing ? "已上传，可重新上传替换；" : "") + esc(proofPolicy().text) + "</div>" +
      '<input type="file" id="' + id + '" name="proofs.' + name + '" accept="' + esc(proofPolicy().content_types.join(",")) +
      '" data-label="' + esc(label) +
      '" data-testid="' + prefix + "-proof-" + name + '">' +
      '<div class="field-error" data-for="proofs.' + name + '"></div></div>';
  }

  /** A picked proof: checked here first (the server checks the content again), then previewed. */
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches('dialog input[type="file"]')) return;
    var form = input.form;
    var card = input.closest(".upload-card");
    AUSM.setFieldError(form, input.name, "");
    var file = input.files && input.files[0];
    if (!file) return;
    AUSM.checkUpload(file, proofPolicy()).then(function (r) {
      if (r.error) { AUSM.setFieldError(form, input.name, r.error); input.value = ""; return; }
      var preview = card && card.querySelector(".preview");
      if (preview && r.url) {
        preview.innerHTML = '<img src="' + r.url + '" alt="' + esc(input.getAttribute("data-label") || "") + '预览">';
      }
    });
  });

  /** Every picked proof checked against the policy before a byte is sent: a 422-shaped refusal if not. */
  function checkProofs(files) {
    return Promise.all((files || []).map(function (f) { return AUSM.checkUpload(f[1], proofPolicy()); }))
      .then(function (results) {
        var errors = {};
        results.forEach(function (r, i) { if (r.error) errors["proofs." + files[i][0]] = r.error; });
        if (Object.keys(errors).length) {
          throw { status: 422, body: { code: "UPLOAD_INVALID", message: "请按提示修改标红的内容", errors: errors } };
        }
      });
  }

  function proofFiles(form) {
    var out = [];
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      if (input.disabled || !input.files || !input.files[0]) return;
      out.push([input.name.replace(/^proofs\./, ""), input.files[0]]);
    });
    return out;
  }

  /* --- local checks and server problems by field -------------------------------------------- */

  var requiredErrors = AUSM.requiredErrors;
  var focusFirstError = AUSM.focusFirstError;

  function showLocal(form, errors) {
    Object.keys(errors).forEach(function (name) { AUSM.setFieldError(form, name, errors[name]); });
    AUSM.showAlert(form, "请按提示完善填写的信息", "error");
    focusFirstError(form);
  }

  /** 422 problems next to their fields (without `strip`); the rest listed above the form. */
  function placeProblems(form, err, strip) {
    var unplaced = [];
    var seen = {};
    problemsOf(err).forEach(function (p) {
      var name = strip && p.field.indexOf(strip) === 0 ? p.field.slice(strip.length) : p.field;
      if (seen[name]) { seen[name].textContent += "；" + p.message; return; }
      if (AUSM.setFieldError(form, name, p.message)) seen[name] = form.querySelector('.field-error[data-for="' + name + '"]');
      else unplaced.push(p.message);
    });
    var text = unplaced.length || !Object.keys(seen).length ? AUSM.errorText(err) : "请按提示修改标红的内容";
    AUSM.showAlert(form, null, "error", esc(text) + (unplaced.length ? listHtml(unplaced.filter(function (m) { return m !== text; })) : ""));
    focusFirstError(form);
  }

  function send(form, button, data, files) {
    return checkProofs(files).then(function () { return upload(button, data, files); });
  }

  function upload(button, data, files) {
    var fd = new FormData();
    fd.append("data", JSON.stringify(data));
    (files || []).forEach(function (f) { fd.append(f[0], f[1]); });
    AUSM.setBusy(button, true, "提交中…");
    return AUSM.upload("POST", "/api/v1/changes", fd, function (pct) {
      if (files && files.length) button.innerHTML = '<span class="spinner" aria-hidden="true"></span> 提交中… ' + pct + "%";
    }).then(function (change) {
      AUSM.setBusy(button, false);
      return change;
    }, function (err) {
      AUSM.setBusy(button, false);
      throw err;
    });
  }

  /* --- 基本信息 ------------------------------------------------------------------------------- */

  var basicForm = el("basic-form");

  function openBasic() {
    var b = S.c.basic || {};
    var p = S.c.person || {};
    basicForm.reset();
    AUSM.clearErrors(basicForm);
    ["political_status", "ethnicity", "email", "address", "postcode", "alt_id_type", "alt_id_number"].forEach(function (k) {
      var control = basicForm.elements["basic." + k];
      if (control) control.value = b[k] || "";
    });
    el("alt-id-fields").hidden = !p.id_type || p.id_type === "mainland_id";
    el("basic-proofs").innerHTML = proofCard("basic", "identity_proof", (S.c.files || {}).identity_proof) +
      '<p class="small muted self-center">身份证明未变化的无需上传。重新上传身份证明后，本次变更需所属会计管理部门人工审核。</p>';
    AUSM.openDialog("basic-dialog");
    basicForm.elements["basic.political_status"].focus();
  }

  basicForm.setAttribute("novalidate", "");
  basicForm.addEventListener("submit", function (e) {
    e.preventDefault();
    AUSM.clearErrors(basicForm);
    var errors = requiredErrors(basicForm);
    if (Object.keys(errors).length) { showLocal(basicForm, errors); return; }
    var d = AUSM.formData(basicForm);
    var data = { kind: "basic", operation: "modify" };
    ["political_status", "ethnicity", "email", "address", "postcode"].forEach(function (k) { data[k] = d["basic." + k] || ""; });
    if (!el("alt-id-fields").hidden) {
      data.alt_id_type = d["basic.alt_id_type"] || "";
      data.alt_id_number = d["basic.alt_id_number"] || "";
    } else {
      data.alt_id_type = (S.c.basic || {}).alt_id_type || "";
      data.alt_id_number = (S.c.basic || {}).alt_id_number || "";
    }
    send(basicForm, e.submitter || basicForm.querySelector('[type="submit"]'), data, proofFiles(basicForm)).then(function (change) {
      AUSM.closeDialog("basic-dialog");
      return submitted(change);
    }, function (err) { failed(basicForm, err, ""); });
  });

  function failed(form, err, strip) {
    if (err.status === 422) placeProblems(form, err, strip);
    else {
      AUSM.showErrors(form, err);
      form.querySelector(".form-alert").scrollIntoView({ block: "nearest" });
    }
    if (err.status === 409 || err.status === 404) reload();
  }

  /* --- 采集范围 ------------------------------------------------------------------------------- */

  var scopeForm = el("scope-form");

  function markScopes() {
    scopeForm.querySelectorAll(".scope-option").forEach(function (o) { o.classList.toggle("selected", o.querySelector("input").checked); });
  }
  scopeForm.addEventListener("change", markScopes);

  function openScope() {
    AUSM.clearErrors(scopeForm);
    scopeForm.querySelectorAll('input[name="scope"]').forEach(function (r) { r.checked = r.value === S.c.scope; });
    markScopes();
    AUSM.openDialog("scope-dialog");
  }

  scopeForm.setAttribute("novalidate", "");
  scopeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    AUSM.clearErrors(scopeForm);
    var picked = scopeForm.querySelector('input[name="scope"]:checked');
    if (!picked) { showLocal(scopeForm, { scope: "请选择采集范围" }); return; }
    if (picked.value === S.c.scope) { showLocal(scopeForm, { scope: "所选采集范围与当前相同，请选择新的采集范围" }); return; }
    send(scopeForm, e.submitter || scopeForm.querySelector('[type="submit"]'), { kind: "scope", operation: "modify", scope: picked.value })
      .then(function (change) {
        AUSM.closeDialog("scope-dialog");
        return submitted(change);
      }, function (err) { failed(scopeForm, err, ""); });
  });

  /* --- 教育经历 / 工作经历 (the shared editor: static/segments.js, templates/_segments.html) ------------- */

  var editors = {
    education: SEG.editor(el("edu-dialog"), { editVerb: "变更", onSubmit: submitSegment, onChange: syncProofs }),
    work: SEG.editor(el("work-dialog"), { editVerb: "变更", onSubmit: submitSegment, onChange: syncProofs })
  };
  var SEG_PROOFS = { education: ["education_certificate", "abroad_certificate"],
                     work: ["accounting_proof", "title_proof", "employment_proof"] };

  function levelRank(code) {
    return (S.opts.education_levels || []).map(function (o) { return o.code; }).indexOf(code);
  }

  /** The proofs the service will ask of the segment as it stands in the form (its rules, for changes). */
  function neededProofs(editor) {
    var form = editor.form;
    var until = form.elements.until_now.checked;
    var out = {};
    if (editor.kind === "education") {
      var rank = levelRank(form.elements.education_level.value);
      var finished = !until && !!form.elements.end_date.value;
      if (finished && rank >= 0 && rank < levelRank("associate")) out.education_certificate = true;
      if (form.elements.studied_abroad.checked && rank >= levelRank("bachelor")) out.abroad_certificate = true;
    } else {
      var yes = form.querySelector('input[name="has_accounting_work"]:checked');
      if (yes && yes.value === "yes") out.accounting_proof = true;
      if (form.elements.title.value) out.title_proof = true;
      if (until) out.employment_proof = true;
    }
    return out;
  }

  function syncProofs(editor) {
    var needed = neededProofs(editor);
    var short = editor.kind === "education" ? "edu" : "work";
    var any = false;
    el(short + "-proofs").querySelectorAll(".upload-card").forEach(function (card) {
      var on = !!needed[card.getAttribute("data-proof")];
      card.hidden = !on;
      card.querySelector('input[type="file"]').disabled = !on || el(short + "-fieldset").disabled;
      if (on) any = true;
    });
    el(short + "-proofs-section").hidden = !any;
  }

  function openSegment(kind, id, viewOnly) {
    var found = id ? findSegment(kind, id) : null;
    if (id && !found) { reload(); return; }
    var seg = found ? found.seg : {};
    var short = kind === "education" ? "edu" : "work";
    el(short + "-proofs").innerHTML = SEG_PROOFS[kind].map(function (name) {
      return proofCard(short, name, (seg.proofs || {})[name]);
    }).join("");
    var editor = editors[kind].load(seg, found ? found.index : null, viewOnly);
    editor.current.id = id;
    editor.show();
  }

  function submitSegment(editor, button) {
    var form = editor.form;
    AUSM.clearErrors(form);
    var errors = editor.requiredErrors();
    var existing = (editor.current.base && editor.current.base.proofs) || {};
    Object.keys(neededProofs(editor)).forEach(function (name) {
      var input = form.elements["proofs." + name];
      if (!existing[name] && input && !input.files.length) errors["proofs." + name] = "请上传" + SEG.PROOFS[name];
    });
    if (Object.keys(errors).length) { editor.showErrors(errors); return; }
    var editing = editor.current;
    var segment = editor.read();
    ["id", "locked"].forEach(function (k) { delete segment[k]; });
    var data = { kind: editor.kind, operation: editing.id ? "modify" : "add", segment: segment };
    if (editing.id) data.segment_id = editing.id;
    var at = editing.index == null ? segmentsOf(editor.kind).length : editing.index;
    send(form, button, data, proofFiles(form)).then(function (change) {
      editor.close();
      return submitted(change);
    }, function (err) { failed(form, err, editor.kind + "." + at + "."); });
  }

  function removeSegment(kind, id) {
    var found = findSegment(kind, id);
    if (!found) { reload(); return; }
    var noun = kind === "education" ? "教育经历" : "工作经历";
    var name = segmentName(kind, found.seg);
    AUSM.confirm("确定申请删除第" + (found.index + 1) + "段" + noun + (name ? "（" + name + "）" : "") +
      "吗？删除申请经所属会计管理部门审核通过后生效。", "提交删除申请", true).then(function (yes) {
      if (!yes) return;
      var alert = el("panel-alert");
      AUSM.clearAlert(alert);
      var fd = new FormData();
      fd.append("data", JSON.stringify({ kind: kind, operation: "delete", segment_id: id }));
      AUSM.upload("POST", "/api/v1/changes", fd).then(submitted, function (err) {
        var messages = problemsOf(err).map(function (p) { return p.message; });
        var text = AUSM.errorText(err);
        AUSM.showAlert(alert, null, "error", "<strong>删除申请未提交：</strong>" + esc(text) +
          (messages.length ? listHtml(messages.filter(function (m) { return m !== text; })) : ""));
        if (err.status === 404) reload();
      });
    });
  }

  init();
})();
