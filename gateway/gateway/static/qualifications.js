/* 会计人员职称管理 (/qualifications): 会计专业技术资格 (自动获取 from the national library, or entered by hand
 * with the title defaulting from the level) and 其他专业技术人员职业资格 (six types; a level only for the first
 * three). Manual entries carry a proof image (JPG/PNG, 20KB～500KB) and are reviewed by the department.
 * Vanilla JS on top of static/app.js (AUSM.*). POST /api/v1/qualifications takes multipart: `data` = JSON
 * {category: accounting|other, …} and the file `proof`; problems come back by field name.
 */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };
  var today = AUSM.fmtTime(new Date()).slice(0, 10);

  // manual §7.1 and the service's rules: the title of each level, and how each level is obtained
  var DEFAULT_TITLES = { junior: "title_assistant", intermediate: "title_accountant", senior: "title_senior",
                         professor: "title_professor" };
  var TITLES_FOR_LEVEL = { junior: ["title_clerk", "title_assistant"], intermediate: ["title_accountant"],
                           senior: ["title_senior"], professor: ["title_professor"] };
  var WAYS_FOR_LEVEL = { junior: ["exam", "assessment", "recognition"], intermediate: ["exam", "assessment", "recognition"],
                         senior: ["exam_and_assessment", "assessment", "recognition"], professor: ["assessment"] };
  var LEVELED_TYPES = ["economics", "audit", "statistics"];      // 经济、审计、统计 have levels
  var STATUS_CLASS = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err" };

  var S = { opts: {}, c: null, items: [] };
  var qualForm = el("qual-form");
  var otherForm = el("other-form");

  function badge(status, label) {
    return '<span class="badge ' + (STATUS_CLASS[status] || "") + '">' + esc(label || status) + "</span>";
  }
  function items(list) { return S.opts[list] || []; }
  function label(list, code) {
    var found = items(list).filter(function (o) { return o.code === code; })[0];
    return found ? found.label : code || "";
  }
  function optionsHtml(list, placeholder, only) {
    return (placeholder != null ? '<option value="">' + esc(placeholder) + "</option>" : "") +
      items(list).filter(function (o) { return !only || only.indexOf(o.code) >= 0; }).map(function (o) {
        return '<option value="' + esc(o.code) + '">' + esc(o.label) + "</option>";
      }).join("");
  }
  function proofCell(q) {
    if (!q.proof || !q.proof.url) return '<span class="muted">—</span>';
    return '<button type="button" class="proof-thumb" data-zoom="' + esc(q.proof.url) + '" data-label="证明材料" title="点击预览" aria-label="查看大图：证明材料">' +
      '<img src="' + esc(q.proof.url) + '" alt="证明材料"></button>';
  }
  function reasonsOf(q) {
    var r = q.reasons || {};
    var text = Object.keys(r).map(function (k) { return r[k]; }).join("；");
    return text ? '<span class="sub">退回原因：' + esc(text) + "</span>" : "";
  }

  /* --- loading and lists -------------------------------------------------------------------- */

  function load() {
    return Promise.all([AUSM.api("GET", "/api/v1/collection/options"), AUSM.api("GET", "/api/v1/collection"),
                        AUSM.api("GET", "/api/v1/qualifications")]).then(function (r) {
      S.opts = r[0] || {};
      S.c = r[1] || {};
      S.items = r[2] || [];
      fillOptions();
      var approved = S.c.status === "approved";
      el("qual-add").disabled = !approved;
      el("other-add").disabled = !approved;
      el("qual-fetch").disabled = !S.c.id;
      if (!approved) {
        AUSM.showAlert(el("page-alert"), null, "warn", "信息采集审核通过后才能登记职称信息（当前信息采集状态：" +
          esc(S.c.status_label || "未开始") + "）。<a href=\"/collection\">前往信息采集</a>");
      }
      render();
    }, function (err) {
      AUSM.showAlert(el("page-alert"), null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/login?next=/qualifications">重新登录</a>' : ""));
      el("qual-body").innerHTML = '<tr><td colspan="9" class="empty">加载失败</td></tr>';
      el("other-body").innerHTML = '<tr><td colspan="7" class="empty">加载失败</td></tr>';
    });
  }

  function fillOptions() {
    if (el("q-level").options.length) return;
    el("q-level").innerHTML = optionsHtml("qual_levels", "请选择级别");
    el("o-type").innerHTML = optionsHtml("other_qual_types", "请选择专业技术职业资格类型");
    el("o-level").innerHTML = optionsHtml("qual_levels", "请选择专业技术职业资格级别");
    document.querySelectorAll('dialog input[type="date"]').forEach(function (input) { input.max = today; });
  }

  function render() {
    var accounting = S.items.filter(function (q) { return q.category === "accounting"; });
    var other = S.items.filter(function (q) { return q.category === "other"; });
    el("qual-body").innerHTML = accounting.length ? accounting.map(function (q, i) {
      var d = q.data || {};
      return '<tr data-testid="qual-row" data-id="' + esc(q.id) + '"><td>' + (i + 1) + '</td><td data-testid="qual-status">' +
        '<span class="badge ' + (q.obtained ? "badge-ok" : "badge-warn") + '" data-testid="qual-obtained">' + esc(q.obtained_label) + "</span>" +
        (q.source === "manual" && !q.obtained ? '<span class="sub">' + esc(q.status_label) + "</span>" : "") + reasonsOf(q) +
        "</td><td>" + esc(q.level_label || "—") + '</td><td data-testid="qual-title-cell">' +
        esc(q.title_label || "—") + "</td><td>" + esc(q.way_label || "—") + '</td><td class="nowrap">' + esc(d.obtained_date || "—") +
        "</td><td>" + esc(d.certificate_no || d.title_certificate_no || "—") + '</td><td data-testid="qual-origin">' + esc(q.origin_label) +
        (d.issuer ? '<span class="sub">' + esc(d.issuer) + "</span>" : "") + "</td><td>" + proofCell(q) + "</td>" +
        '<td><div class="row-actions">' + actionButtons(q) + "</div></td></tr>";
    }).join("") : '<tr><td colspan="10" class="empty" data-testid="qual-empty">暂无会计专业技术资格信息，可点击“自动获取会计专业技术资格”或“新增会计专业技术资格”</td></tr>';
    el("other-body").innerHTML = other.length ? other.map(function (q, i) {
      var d = q.data || {};
      return '<tr data-testid="other-row" data-id="' + esc(q.id) + '"><td>' + (i + 1) + '</td><td data-testid="other-status">' +
        badge(q.status, q.status_label) + reasonsOf(q) + "</td><td>" + esc(q.type_label || d.type || "—") + "</td><td>" +
        esc(d.level ? label("qual_levels", d.level) : "—") + '</td><td class="nowrap">' + esc(d.obtained_date || "—") + "</td><td>" +
        esc(d.certificate_no || "—") + "</td><td>" + proofCell(q) + "</td></tr>";
    }).join("") : '<tr><td colspan="7" class="empty" data-testid="other-empty">暂无其他专业技术人员职业资格信息</td></tr>';
  }

  /** 更新 删除 编辑 打印, each enabled by the service's rule for the row; a disabled one says why. */
  function actionButtons(q) {
    var labels = q.action_labels || {};
    return ["update", "delete", "edit", "print"].map(function (name) {
      var allowed = q.actions && q.actions[name];
      var note = (q.action_notes || {})[name] || "";
      return '<button type="button" class="btn btn-sm' + (name === "delete" ? " btn-danger" : "") + '" data-action="' + name +
        '" data-id="' + esc(q.id) + '" data-testid="qual-' + name + '"' + (allowed ? "" : ' disabled title="' + esc(note) + '"') +
        ">" + esc(labels[name] || name) + "</button>";
    }).join(" ");
  }
  function itemById(id) { return S.items.filter(function (q) { return q.id === id; })[0]; }

  var ACTIONS = {
    update: function (q, button) {
      AUSM.setBusy(button, true, "更新中…");
      return AUSM.api("POST", "/api/v1/qualifications/" + encodeURIComponent(q.id) + "/refresh").then(function (r) {
        AUSM.showAlert(el("page-alert"), r.message, r.updated ? "success" : "warn");
        return reload();
      });
    },
    "delete": function (q) {
      return AUSM.confirm("确定删除这条职称信息吗？删除后不可恢复。", "删除", true).then(function (ok) {
        if (!ok) return null;
        return AUSM.api("DELETE", "/api/v1/qualifications/" + encodeURIComponent(q.id)).then(function () {
          AUSM.showAlert(el("page-alert"), "已删除", "success");
          return reload();
        });
      });
    },
    edit: function (q) { openQualDialog(q); return null; },
    print: function (q) { window.open("/qualifications/" + encodeURIComponent(q.id) + "/print", "_blank"); return null; }
  };
  function reload() {
    return AUSM.api("GET", "/api/v1/qualifications").then(function (list) { S.items = list; render(); });
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest("button[data-zoom]");
    if (t) AUSM.lightbox(t.getAttribute("data-zoom"), t.getAttribute("data-label"));
    var action = e.target.closest("button[data-action]");
    if (!action || action.disabled) return;
    var q = itemById(action.getAttribute("data-id"));
    var done = q && ACTIONS[action.getAttribute("data-action")](q, action);
    if (done && done.then) {
      done.then(function () { AUSM.setBusy(action, false); }, function (err) {
        AUSM.setBusy(action, false);
        AUSM.showAlert(el("page-alert"), AUSM.errorText(err), "error");
      });
    }
  });

  /* --- 自动获取 ------------------------------------------------------------------------------- */

  el("qual-fetch").addEventListener("click", function () {
    var button = el("qual-fetch");
    var box = el("fetch-result");
    AUSM.clearAlert(box);
    AUSM.setBusy(button, true, "正在获取…");
    AUSM.api("POST", "/api/v1/qualifications/library-fetch").then(function (r) {
      AUSM.setBusy(button, false);
      S.items = r.items || S.items;
      render();
      if (!r.found) {
        AUSM.showAlert(box, null, "warn", "<strong>" + esc(r.message || "未获取到数据") + "</strong>，您可以通过“新增会计专业技术资格”录入。");
      } else {
        AUSM.showAlert(box, null, "success", "<strong>获取更新成功。</strong>" + esc(r.message) +
          (r.added ? "，新增" + r.added + "条" : "，均已在列表中") + "。");
      }
    }, function (err) {
      AUSM.setBusy(button, false);
      AUSM.showAlert(box, AUSM.errorText(err), "error");
    });
  });

  /* --- proofs: checked against the qualification_proof policy and previewed by static/uploads.js --- */

  function multipart(data, form) {
    var body = new FormData();
    body.append("data", JSON.stringify(data));
    if (form.elements.proof.files[0]) body.append("proof", form.elements.proof.files[0]);
    return body;
  }
  function saved(row) {
    S.items = [row].concat(S.items.filter(function (q) { return q.id !== row.id; }));
    render();
    AUSM.showAlert(el("page-alert"), "已提交，等待所属会计管理部门审核", "success");
    AUSM.toast("已提交审核");
    return AUSM.api("GET", "/api/v1/qualifications").then(function (list) { S.items = list; render(); }, function () {});
  }
  function resetForm(form) {
    form.reset();
    AUSM.clearErrors(form);
    form.querySelector("[data-preview]").textContent = "未上传";
  }

  /* --- 会计专业技术资格 ------------------------------------------------------------------------ */

  function setRequired(form, name, on) {
    var control = form.elements[name];
    if (on) control.setAttribute("required", ""); else control.removeAttribute("required");
    var star = form.querySelector('[data-req="' + name + '"]');
    if (star) star.hidden = !on;
  }

  /** The level decides the title (and its choices), the ways, and for 正高级 that only the title part is asked. */
  function syncLevel() {
    var level = qualForm.elements.level.value;
    var professor = level === "professor";
    var title = qualForm.elements.title;
    title.innerHTML = optionsHtml("titles", "请选择职称层级", TITLES_FOR_LEVEL[level] || null);
    title.value = DEFAULT_TITLES[level] || "";
    var way = qualForm.elements.way;
    var keepWay = way.value;
    way.innerHTML = optionsHtml("qual_ways", "请选择获取方式", WAYS_FOR_LEVEL[level] || null);
    way.value = (WAYS_FOR_LEVEL[level] || []).indexOf(keepWay) >= 0 ? keepWay : (level && !professor ? WAYS_FOR_LEVEL[level][0] : "");
    var titleWay = qualForm.elements.title_way;
    titleWay.innerHTML = optionsHtml("qual_ways", professor ? "请选择取得方式" : "与资格相同", professor ? WAYS_FOR_LEVEL.professor : null);
    if (professor) titleWay.value = "assessment";
    way.disabled = professor;
    qualForm.elements.certificate_no.disabled = professor;
    if (professor) { way.value = ""; qualForm.elements.certificate_no.value = ""; }
    setRequired(qualForm, "way", !professor);
    setRequired(qualForm, "obtained_date", !professor);
    setRequired(qualForm, "certificate_no", !professor);
    setRequired(qualForm, "title_way", professor);
    setRequired(qualForm, "title_certificate_no", professor);
    qualForm.querySelector('[data-hint="title_way"]').textContent = professor ? "正高级会计师为评审取得" : "默认与资格的获取方式相同";
    qualForm.querySelector('[data-hint="title_certificate_no"]').textContent = professor ? "请填写职称证书号或评审通过批文文号" : "默认与资格的证书号相同";
    qualForm.elements.obtained_date.previousElementSibling.firstChild.textContent = professor ? "通过时间（可不填）" : "通过时间";
    ["way", "obtained_date", "certificate_no", "title", "title_way", "title_certificate_no"].forEach(function (n) {
      AUSM.setFieldError(qualForm, n, "");
    });
  }
  qualForm.elements.level.addEventListener("change", syncLevel);

  /** 新增, or 编辑 of an entry (its values filled in; a new proof is optional then). */
  function openQualDialog(q) {
    resetForm(qualForm);
    S.editing = q ? q.id : null;
    el("qual-dialog-title").textContent = q ? "编辑会计专业技术资格" : "新增会计专业技术资格";
    var proof = qualForm.elements.proof;
    if (q) proof.removeAttribute("required"); else proof.setAttribute("required", "");
    if (q) {
      qualForm.elements.level.value = (q.data || {}).level || "";
      syncLevel();
      ["way", "obtained_date", "certificate_no", "title", "title_way", "title_certificate_no"].forEach(function (k) {
        if ((q.data || {})[k] && !qualForm.elements[k].disabled) qualForm.elements[k].value = q.data[k];
      });
      qualForm.querySelector("[data-preview]").textContent = "沿用原证明文件（可重新上传）";
    } else {
      syncLevel();
    }
    AUSM.openDialog("qual-dialog");
    qualForm.elements.level.focus();
  }
  el("qual-add").addEventListener("click", function () { openQualDialog(null); });

  AUSM.bindForm(qualForm, {
    url: function () { return S.editing ? "/api/v1/qualifications/" + encodeURIComponent(S.editing) : "/api/v1/qualifications"; },
    get method() { return S.editing ? "PUT" : "POST"; },
    multipart: true,
    busyText: "提交中…",
    transform: function (fd, form) {
      var d = AUSM.formData(form);
      var data = S.editing ? {} : { category: "accounting" };
      ["level", "way", "obtained_date", "certificate_no", "title", "title_way", "title_certificate_no"].forEach(function (k) {
        if (d[k]) data[k] = d[k];
      });
      return multipart(data, form);
    },
    onSuccess: function (row) {
      AUSM.closeDialog("qual-dialog");
      return saved(row);
    }
  });

  /* --- 其他专业技术人员职业资格 ------------------------------------------------------------------ */

  function syncType() {
    var leveled = LEVELED_TYPES.indexOf(otherForm.elements.type.value) >= 0;
    var field = otherForm.querySelector('.field[data-field="level"]');
    field.hidden = !leveled;
    otherForm.elements.level.disabled = !leveled;
    if (!leveled) { otherForm.elements.level.value = ""; AUSM.setFieldError(otherForm, "level", ""); }
  }
  otherForm.elements.type.addEventListener("change", syncType);

  el("other-add").addEventListener("click", function () {
    resetForm(otherForm);
    syncType();
    AUSM.openDialog("other-dialog");
    otherForm.elements.type.focus();
  });

  AUSM.bindForm(otherForm, {
    url: "/api/v1/qualifications",
    multipart: true,
    busyText: "提交中…",
    transform: function (fd, form) {
      var d = AUSM.formData(form);
      var data = { category: "other", type: d.type || "", obtained_date: d.obtained_date || "", certificate_no: d.certificate_no || "" };
      if (d.level) data.level = d.level;
      return multipart(data, form);
    },
    onSuccess: function (row) {
      AUSM.closeDialog("other-dialog");
      return saved(row);
    }
  });

  load();
})();
