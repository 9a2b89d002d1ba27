/* 咨询答疑 for staff (/staff/questions): the questions to this department and those below it; answer, and
 * publish a common answer to the help center. */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };
  var S = { status: "open", modules: [] };

  function moduleOptions(selected) {
    return S.modules.map(function (o) {
      return '<option value="' + esc(o.code) + '"' + (o.code === selected ? " selected" : "") + ">" + esc(o.label) + "</option>";
    }).join("");
  }
  function lastAnswer(q) {
    var staff = q.messages.filter(function (m) { return m.author === "staff"; });
    return staff.length ? staff[staff.length - 1].text : "";
  }
  function item(q) {
    return '<article class="card question" data-testid="staff-question" data-id="' + esc(q.id) + '">' +
      '<div class="panel-head"><h3>' + esc(q.title) + '</h3><span class="spacer"></span><span class="badge">' + esc(q.status_label) + "</span></div>" +
      '<p class="small muted">' + esc(q.asker_name) + " · " + esc(q.module_label || "") + " · " + esc(q.department_name || "") + "</p>" +
      '<ol class="messages">' + q.messages.map(function (m) {
        return '<li class="message message-' + esc(m.author) + '"><span class="small muted">' + esc(m.author_label) +
          (m.staff_name ? "（" + esc(m.staff_name) + "）" : "") + " · " + esc(AUSM.fmtTime(m.at)) + "</span><p>" + esc(m.text) + "</p></li>";
      }).join("") + "</ol>" +
      '<form class="form answer-form" novalidate data-id="' + esc(q.id) + '" data-testid="answer-form">' +
      '<div class="form-alert alert" role="alert"></div>' +
      '<div class="field" data-field="text"><label for="a-' + esc(q.id) + '">答复</label>' +
      '<textarea id="a-' + esc(q.id) + '" name="text" rows="3" maxlength="2000" required data-label="答复内容" data-testid="answer-text"></textarea>' +
      '<div class="field-error" data-for="text"></div></div>' +
      '<div class="form-actions"><button type="submit" class="btn btn-primary" data-testid="answer-submit">提交答复</button></div></form>' +
      '<details class="publish"><summary data-testid="publish-toggle">发布到帮助中心</summary>' +
      '<form class="form publish-form" novalidate data-id="' + esc(q.id) + '" data-testid="publish-form">' +
      '<div class="form-alert alert" role="alert"></div>' +
      '<div class="field" data-field="module"><label for="pm-' + esc(q.id) + '">所属模块</label><select id="pm-' + esc(q.id) +
      '" name="module" required data-label="所属模块">' + moduleOptions(q.module) + "</select></div>" +
      '<div class="field" data-field="question"><label for="pq-' + esc(q.id) + '">常见问题</label><input id="pq-' + esc(q.id) +
      '" name="question" maxlength="100" required data-label="常见问题" value="' + esc(q.title) + '"><div class="field-error" data-for="question"></div></div>' +
      '<div class="field" data-field="answer"><label for="pa-' + esc(q.id) + '">解答</label><textarea id="pa-' + esc(q.id) +
      '" name="answer" rows="3" maxlength="2000" required data-label="解答内容" data-testid="publish-answer">' + esc(lastAnswer(q)) +
      '</textarea><div class="field-error" data-for="answer"></div></div>' +
      '<div class="form-actions"><button type="submit" class="btn" data-testid="publish-submit">发布</button></div></form></details></article>';
  }
  function load() {
    return AUSM.api("GET", "/api/v1/staff/questions?status=" + encodeURIComponent(S.status)).then(function (list) {
      var root = el("staff-questions");
      root.innerHTML = list.length ? list.map(item).join("") : '<p class="muted" data-testid="no-questions">暂无咨询</p>';
      root.querySelectorAll("form.answer-form").forEach(function (f) {
        AUSM.bindForm(f, {
          url: "/api/v1/staff/questions/" + encodeURIComponent(f.getAttribute("data-id")) + "/answers",
          busyText: "提交中…",
          onSuccess: function () { AUSM.toast("已答复"); return load(); }
        });
      });
      root.querySelectorAll("form.publish-form").forEach(function (f) {
        AUSM.bindForm(f, {
          url: "/api/v1/staff/help-articles",
          busyText: "发布中…",
          transform: function (data) {
            return { module: data.module, question: data.question || "", answer: data.answer || "",
                     source_question_id: f.getAttribute("data-id") };
          },
          onSuccess: function () { AUSM.showAlert(el("page-alert"), "已发布到帮助中心", "success"); }
        });
      });
    }, function (err) { AUSM.showAlert(el("page-alert"), AUSM.errorText(err), "error"); });
  }
  AUSM.tabs(el("question-tabs"), function (tab) { S.status = tab.getAttribute("data-status"); load(); });
  AUSM.api("GET", "/api/v1/collection/options").then(function (o) { S.modules = o.modules || []; return load(); });
})();
