/* 咨询答疑 (/questions): ask the management department a question about a module, read the answers and follow
 * up. Modules come from GET /api/v1/collection/options; the department is the one of the person's 信息采集 (the
 * service decides), or, before that, one chosen here from the directory (GET /api/v1/departments). */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };
  var form = el("ask-form");
  var levels = [el("q-province"), el("q-city"), el("q-county")];
  var S = { needsDepartment: false };

  function options(list, placeholder) {
    return '<option value="">' + esc(placeholder) + "</option>" + list.map(function (o) {
      return '<option value="' + esc(o.code) + '">' + esc(o.label || o.name) + "</option>";
    }).join("");
  }

  /* --- the department, for someone without a 信息采集 yet -------------------------------------- */
  function fillLevel(i, parent) {
    levels.slice(i).forEach(function (s) { s.innerHTML = ""; s.hidden = true; });
    if (i >= levels.length) return Promise.resolve();
    return AUSM.api("GET", "/api/v1/departments" + (parent ? "?parent=" + encodeURIComponent(parent) : "")).then(function (list) {
      if (!list.length) return;
      levels[i].innerHTML = options(list, i ? "（本级）" : "请选择省级管理部门");
      levels[i].hidden = false;
    });
  }
  levels.forEach(function (select, i) {
    select.addEventListener("change", function () { if (select.value) fillLevel(i + 1, select.value); else fillLevel(i + 1, null); });
  });
  function chosenDepartment() {
    var code = "";
    levels.forEach(function (s) { if (!s.hidden && s.value) code = s.value; });
    return code;
  }

  /* --- my questions ---------------------------------------------------------------------------- */
  function thread(q) {
    return '<article class="card question" data-testid="question" data-id="' + esc(q.id) + '">' +
      '<div class="panel-head"><h3>' + esc(q.title) + '</h3><span class="spacer"></span><span class="badge ' +
      (q.status === "answered" ? "badge-ok" : "badge-warn") + '" data-testid="question-status">' + esc(q.status_label) + "</span></div>" +
      '<p class="small muted">' + esc(q.module_label || "") + " · " + esc(q.department_name || "") + " · " + esc(AUSM.fmtTime(q.created_at)) + "</p>" +
      '<ol class="messages">' + q.messages.map(function (m) {
        return '<li class="message message-' + esc(m.author) + '" data-testid="message-' + esc(m.author) + '"><span class="small muted">' +
          esc(m.author_label) + (m.staff_name ? "（" + esc(m.staff_name) + "）" : "") + " · " + esc(AUSM.fmtTime(m.at)) + "</span><p>" +
          esc(m.text) + "</p></li>";
      }).join("") + "</ol>" +
      '<form class="form follow-form" novalidate data-id="' + esc(q.id) + '" data-testid="follow-form">' +
      '<div class="form-alert alert" role="alert"></div>' +
      '<div class="field" data-field="text"><label for="f-' + esc(q.id) + '">继续追问</label>' +
      '<textarea id="f-' + esc(q.id) + '" name="text" rows="2" maxlength="2000" required data-label="追问内容" data-testid="follow-text"></textarea>' +
      '<div class="field-error" data-for="text"></div></div>' +
      '<div class="form-actions"><button type="submit" class="btn" data-testid="follow-submit">追问</button></div></form></article>';
  }
  function render(list) {
    el("my-questions").innerHTML = list.length ? list.map(thread).join("") :
      '<p class="muted" data-testid="no-questions">您还没有提出过问题。</p>';
    el("my-questions").querySelectorAll("form.follow-form").forEach(function (f) {
      AUSM.bindForm(f, {
        url: "/api/v1/questions/" + encodeURIComponent(f.getAttribute("data-id")) + "/messages",
        busyText: "提交中…",
        onSuccess: function () { AUSM.toast("已追问"); return loadMine(); }
      });
    });
  }
  function loadMine() { return AUSM.api("GET", "/api/v1/questions").then(render); }

  AUSM.bindForm(form, {
    url: "/api/v1/questions",
    busyText: "提交中…",
    transform: function (data) {
      var body = { module: data.module || "", title: data.title || "", text: data.text || "" };
      if (S.needsDepartment) body.department_code = chosenDepartment();
      return body;
    },
    onSuccess: function () {
      form.reset();
      AUSM.showAlert(el("page-alert"), "问题已提交，管理部门答复后会显示在“我的咨询”中", "success");
      return loadMine();
    }
  });

  Promise.all([AUSM.api("GET", "/api/v1/collection/options"), AUSM.api("GET", "/api/v1/collection")]).then(function (r) {
    el("q-module").innerHTML = options(r[0].modules || [], "请选择问题所属模块");
    S.needsDepartment = !(r[1] && r[1].department && r[1].department.code);
    el("ask-department").hidden = !S.needsDepartment;
    if (S.needsDepartment) fillLevel(0, null);
    return loadMine();
  }).catch(function (err) {
    AUSM.showAlert(el("page-alert"), AUSM.errorText(err), "error");
  });
})();
