/* 会计人员信息采集: the wizard of /collection, and the labels of field paths that the review page
 * (/staff/reviews, static/reviews.js) shares. Vanilla JS on top of static/app.js (AUSM.*).
 *
 * The API is the authority: each step is saved whole (PUT /api/v1/collection/steps/<step>) and a refused
 * step comes back with every problem by field path (`education.1.start_date`), which lands next to its
 * field. GET /api/v1/collection lists everything a machine can still find (`problems`) and the reviewer's
 * `return_reasons`, both by field path; the page shows them where the person can act on them.
 */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var C = (AUSM.collection = AUSM.collection || {});

  /* --- shared: steps, labels, field paths ---------------------------------------------------- */

  C.STEPS = [
    { step: "notice", label: "采集须知" }, { step: "basic", label: "基本信息" },
    { step: "education", label: "教育经历" }, { step: "work", label: "工作经历" },
    { step: "department", label: "会计管理部门" }, { step: "result", label: "审核告知" }
  ];
  C.STEP_PREFIX = { notice: ["scope"], basic: ["basic"], education: ["education"], work: ["work"],
                    department: ["department_code", "pledge"] };
  // Field labels live with the segment editor (static/segments.js); choices and their labels come from
  // GET /api/v1/collection/options, the upload rules from GET /api/v1/upload-policies (static/uploads.js).
  var SEG = AUSM.segments;

  C.stepOf = function (path) {
    var head = String(path || "").split(".")[0];
    for (var step in C.STEP_PREFIX) {
      if (C.STEP_PREFIX[step].indexOf(head) >= 0) return step;
    }
    return null;
  };

  /** "教育经历第1段 · 所学专业" for `education.0.major`. */
  C.pathLabel = function (path) {
    var p = String(path || "").split(".");
    if (p[0] === "scope") return p[1] === "qualification_certificate" ? "采集须知 · 会计专业技术资格证书" : "采集须知 · 采集范围";
    if (p[0] === "basic") return "基本信息" + (p[1] ? " · " + SEG.label("basic", p[1]) : "");
    if (p[0] === "department_code") return "会计管理部门";
    if (p[0] === "pledge") return "承诺";
    if (p[0] === "education" || p[0] === "work") {
      var out = p[0] === "education" ? "教育经历" : "工作经历";
      if (p.length === 1) return out;
      out += "第" + (Number(p[1]) + 1) + "段";
      if (p[2] === "posts" && p.length > 3) {
        out += " · 第" + (Number(p[3]) + 1) + "条会计工作经历";
        return p[4] ? out + " · " + SEG.label("post", p[4]) : out;
      }
      if (p[2]) out += " · " + SEG.label(p[0], p[2]);
      return out;
    }
    return String(path);
  };

  C.optionLabel = SEG.optionLabel;

  C.period = function (start, end, untilNow) {
    return (start || "—") + " 至 " + (untilNow || !end ? "今" : end);
  };

  C.fmtSize = function (n) {
    if (!n) return "";
    return n >= 1024 * 1024 ? (n / 1024 / 1024).toFixed(1) + "MB" : Math.round(n / 1024) + "KB";
  };

  /** 学信网 results of one education segment, as badges. */
  C.checksHtml = function (segment, options) {
    var levels = ((options && options.education_levels) || []).map(function (o) { return o.code; });
    var rank = levels.indexOf(segment.education_level);
    if (rank >= 0 && rank < levels.indexOf("associate")) {
      return '<span class="badge">不核验</span><div class="small muted">大专以下学历须上传学历证书</div>';
    }
    var checks = segment.checks || {};
    var kinds = ["education", "degree"].filter(function (k) { return checks[k]; });
    if (!kinds.length) return '<span class="badge">保存后核验</span>';
    return kinds.map(function (k) {
      var c = checks[k];
      var ok = c.status === "verified";
      var word = ok ? "已核验" : c.status === "not_found" ? "查无此证" : "不一致";
      return '<div class="check-line" data-testid="check-' + k + '"><span class="badge ' + (ok ? "badge-ok" : "badge-err") + '">' +
        (k === "education" ? "学历" : "学位") + word + "</span>" +
        (ok ? "" : '<div class="small muted">' + esc(c.message || "") + "</div>") + "</div>";
    }).join("");
  };

  /** AUSM.lightbox, shown above an open modal dialog too (a modal sits in the top layer, over <body>). */
  C.zoom = function (src, label, trigger) {
    AUSM.lightbox(src, label);
    var host = trigger && trigger.closest ? trigger.closest("dialog[open]") : null;
    var boxes = document.querySelectorAll("body > .lightbox");
    var box = boxes[boxes.length - 1];
    if (!host || !box) return;
    host.appendChild(box);
    box.focus();
    if (!host._zoomGuard) {                 // Escape closes the picture, not the dialog under it
      host._zoomGuard = true;
      host.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && host.querySelector(".lightbox")) host._zoomEscape = true;
      }, true);
      host.addEventListener("cancel", function (e) {
        if (host._zoomEscape) { e.preventDefault(); host._zoomEscape = false; }
      });
    }
  };

  C.departmentChildren = (function () {
    var cache = {};
    return function (parent) {
      var key = parent || "";
      if (!cache[key]) {
        cache[key] = AUSM.api("GET", "/api/v1/departments" + (parent ? "?parent=" + encodeURIComponent(parent) : ""));
        cache[key].catch(function () { delete cache[key]; });
      }
      return cache[key];
    };
  })();

  /** 浙江省 / 杭州市 / 上城区 for a department code, from the directory (cached). */
  C.departmentPath = function (code) {
    if (!code) return Promise.resolve([]);
    var province = code.slice(0, 2) + "0000";
    var found = [];
    function pick(list, want) {
      for (var i = 0; i < list.length; i++) if (list[i].code === want) return list[i];
      return null;
    }
    return C.departmentChildren(null).then(function (provinces) {
      var p = pick(provinces, province);
      if (p) found.push(p);
      if (!p || code === province) return found;
      return C.departmentChildren(province).then(function (second) {
        var direct = pick(second, code);
        if (direct) { found.push(direct); return found; }
        var city = pick(second, code.slice(0, 4) + "00");
        if (!city) return found;
        found.push(city);
        return C.departmentChildren(city.code).then(function (third) {
          var county = pick(third, code);
          if (county) found.push(county);
          return found;
        });
      });
    });
  };

  if (document.body.getAttribute("data-page") !== "collection") return;

  /* --- the wizard --------------------------------------------------------------------------- */

  var S = {
    c: null,           // the collection as the API last returned it
    opts: null,        // /api/v1/collection/options
    uploads: null,     // /api/v1/upload-policies (static/uploads.js): the photo and proof rules
    step: null,
    edu: [],           // the education list being edited (saved as a whole)
    work: [],
    dirty: {},         // step -> unsaved local changes
    readonly: false,
    stepErrors: {}     // step -> problems of the last refused save
  };
  var STEP_NAMES = C.STEPS.map(function (s) { return s.step; });

  var el = function (id) { return document.getElementById(id); };
  var wizard = el("wizard");
  var stepAlert = el("step-alert");
  var prevBtn = el("prev-btn");
  var nextBtn = el("next-btn");
  var submitBtn = el("submit-btn");

  function clone(v) { return JSON.parse(JSON.stringify(v == null ? null : v)); }
  function under(path, prefix) { return path === prefix || path.indexOf(prefix + ".") === 0; }
  function problems(prefixes) {
    return ((S.c && S.c.problems) || []).filter(function (p) {
      return prefixes.some(function (x) { return under(p.field, x); });
    });
  }
  function reasons(prefixes) {
    var all = (S.c && S.c.status === "returned" && S.c.return_reasons) || {};
    return Object.keys(all).filter(function (k) {
      return prefixes.some(function (x) { return under(k, x); });
    }).map(function (k) { return { field: k, reason: all[k] }; });
  }
  function errorProblems(err) {
    var body = (err && err.body) || {};
    if (Array.isArray(body.problems) && body.problems.length) return body.problems;
    var errors = body.errors || {};
    return Object.keys(errors).map(function (k) {
      return { field: k, code: body.code, message: Array.isArray(errors[k]) ? errors[k].join("；") : String(errors[k]) };
    });
  }
  function opt(list, code) { return C.optionLabel(S.opts, list, code); }
  function optionsHtml(list, placeholder) {
    var items = (S.opts && S.opts[list]) || [];
    return (placeholder !== null ? '<option value="">' + esc(placeholder || "请选择") + "</option>" : "") +
      items.map(function (o) { return '<option value="' + esc(o.code) + '">' + esc(o.label) + "</option>"; }).join("");
  }
  function stepInfo(step) {
    var found = ((S.c && S.c.steps) || []).filter(function (s) { return s.step === step; })[0];
    return found || { step: step, state: "todo", problems: 0 };
  }
  /** The photo rule of the department's province, or a proof's rule: the policy the service enforces. */
  function slotPolicy(slot) {
    if (slot !== "basic.photo") return S.uploads.policy("proof");
    return S.uploads.policy("photo", S.c && S.c.department && S.c.department.code);
  }

  /** Reviewer's reasons next to fields: .return-reason[data-for=NAME] inside root. */
  function placeReasons(root, list, strip) {
    root.querySelectorAll(".return-reason").forEach(function (r) { r.textContent = ""; });
    var unplaced = [];
    list.forEach(function (item) {
      var name = strip && item.field.indexOf(strip) === 0 ? item.field.slice(strip.length) : item.field;
      var slot = root.querySelector('.return-reason[data-for="' + name + '"]');
      if (slot) slot.textContent = "审核退回：" + item.reason;
      else unplaced.push(item);
      var control = root.querySelector('[name="' + name + '"]');
      if (slot && control) control.classList.add("is-returned");
    });
    return unplaced;
  }

  /** Problems next to fields; returns those with no field on the page. */
  function placeProblems(root, list, strip) {
    var unplaced = [];
    var seen = {};
    list.forEach(function (p) {
      var name = strip && p.field.indexOf(strip) === 0 ? p.field.slice(strip.length) : p.field;
      if (seen[name]) { seen[name].textContent += "；" + p.message; return; }
      var slot = root.querySelector('.field-error[data-for="' + name + '"]');
      if (slot && root.tagName === "FORM") AUSM.setFieldError(root, name, p.message);
      else if (slot) slot.textContent = p.message;
      if (slot) seen[name] = slot;
      else unplaced.push(p);
    });
    return unplaced;
  }

  function clearMarks(root) {
    root.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; });
    root.querySelectorAll(".return-reason").forEach(function (e) { e.textContent = ""; });
    root.querySelectorAll('[aria-invalid="true"]').forEach(function (e) { e.removeAttribute("aria-invalid"); });
    root.querySelectorAll(".is-returned").forEach(function (e) { e.classList.remove("is-returned"); });
  }

  /** One toast at a time. */
  function toast(message) {
    document.querySelectorAll("body > .toast").forEach(function (t) { t.remove(); });
    AUSM.toast(message);
  }

  function listHtml(items) {
    return "<ul>" + items.map(function (i) { return "<li>" + i + "</li>"; }).join("") + "</ul>";
  }

  /* --- loading -------------------------------------------------------------------------- */

  function setCollection(c) {
    S.c = c;
    S.edu = clone(c.education || []);
    S.work = clone(c.work || []);
    S.dirty = {};
    S.readonly = c.status === "submitted" || c.status === "approved";
  }

  function blocked(html) {
    el("collection-loading").hidden = true;
    wizard.hidden = true;
    var box = el("collection-blocked");
    box.hidden = false;
    box.innerHTML = html;
  }

  function loadError(err) {
    blocked('<div class="alert alert-error">' + esc(AUSM.errorText(err)) +
      (err.status === 401 ? ' <a href="/login?next=/collection">重新登录</a>' : "") + "</div>" +
      '<button type="button" class="btn" data-reload>重新加载</button>');
  }

  function realnameRequired(message) {
    blocked('<div class="status-box status-none" data-testid="realname-required"><div class="dot" aria-hidden="true">!</div><div>' +
      '<h2>请先完成实名认证</h2><p>' + esc(message || "在信息采集前必须进行实名认证。") + "</p>" +
      '<p><a class="btn btn-primary" href="/realname">去实名认证</a></p></div></div>');
  }

  function init() {
    Promise.all([AUSM.api("GET", "/api/v1/collection/options"), AUSM.api("GET", "/api/v1/collection"),
                 AUSM.uploadPolicies()]).then(function (r) {
      S.opts = r[0];
      S.uploads = r[2];
      var c = r[1];
      if (c.status === "not_started") {
        if (!c.realname_verified) { realnameRequired(); return; }
        return AUSM.api("POST", "/api/v1/collection").then(start, function (err) {
          if (err.status === 403) realnameRequired(AUSM.errorText(err));
          else loadError(err);
        });
      }
      start(c);
    }, loadError).catch(function (e) {
      loadError({ status: 0, body: { message: "页面加载出错：" + (e && e.message ? e.message : e) } });
    });
  }

  function start(c) {
    setCollection(c);
    fillOptions();
    el("collection-loading").hidden = true;
    wizard.hidden = false;
    var hash = location.hash.replace("#", "");
    show(STEP_NAMES.indexOf(hash) >= 0 ? hash : firstStep());
  }

  function firstStep() {
    if (S.readonly) return "result";
    var steps = S.c.steps || [];
    if (S.c.status === "returned") {
      var back = steps.filter(function (s) { return s.state === "returned"; })[0];
      if (back) return back.step;
    }
    var open = steps.filter(function (s) { return s.state !== "done"; })[0];
    return open ? open.step : "department";
  }

  function fillOptions() {
    el("political_status").innerHTML = optionsHtml("political_statuses", "请选择政治面貌");
    el("ethnicity").innerHTML = optionsHtml("ethnicities", "请选择民族");
    el("alt_id_type").innerHTML = '<option value="">无</option>' + optionsHtml("alt_id_types", null);
    editors.education.setOptions(S.opts);
    editors.work.setOptions(S.opts);
    document.querySelectorAll("[data-scope-label]").forEach(function (node) {
      var label = opt("scopes", node.getAttribute("data-scope-label"));
      if (label) node.textContent = label;
    });
  }

  /* --- header, banner, task list -------------------------------------------------------- */

  var STATUS_BADGE = { draft: "", submitted: "badge-warn", approved: "badge-ok", returned: "badge-err" };

  function renderHeader() {
    var c = S.c;
    el("status-badge").innerHTML = '<span class="badge ' + (STATUS_BADGE[c.status] || "") + '">' +
      esc(c.status_label || c.status) + "</span>";
    var banner = el("collection-banner");
    if (c.status === "returned") {
      AUSM.showAlert(banner, null, "error", "<strong>您的信息采集已被退回。</strong>请按退回原因修改标注的内容后，在“会计管理部门”步骤重新提交审核。" +
        ' <button type="button" class="btn-link" data-go="result">查看退回原因</button>');
    } else if (c.status === "submitted") {
      AUSM.showAlert(banner, "信息采集已提交审核，审核期间不能修改。", "info");
    } else if (c.status === "approved") {
      AUSM.showAlert(banner, "信息采集已审核通过。如需修改，请使用“信息变更”。", "success");
    } else {
      AUSM.clearAlert(banner);
      banner.textContent = "";
    }
  }

  function navState(step) {
    if (step === "result") {
      var st = { submitted: "pending", approved: "done", returned: "returned" }[S.c.status] || "todo";
      return { state: st, text: S.c.status === "draft" ? "未提交" : (S.c.status_label || "") };
    }
    var info = stepInfo(step);
    if (S.dirty[step]) return { state: "attention", text: "有未保存的修改" };
    if (info.state === "done") return { state: "done", text: "已完成" };
    if (info.state === "attention") return { state: "attention", text: (info.problems || 0) + "项待完善" };
    if (info.state === "returned") return { state: "returned", text: "已退回，请修改" };
    return { state: "todo", text: "未填写" };
  }

  function renderNav() {
    var icons = { done: "✓", attention: "!", returned: "↩", pending: "…" };
    el("step-list").innerHTML = C.STEPS.map(function (s, i) {
      var st = navState(s.step);
      var current = s.step === S.step;
      return '<li><button type="button" class="step-item state-' + st.state + (current ? " current" : "") + '" data-step="' + s.step +
        '" data-state="' + st.state + '" data-testid="nav-' + s.step + '"' + (current ? ' aria-current="step"' : "") + ">" +
        '<span class="step-icon" aria-hidden="true">' + (icons[st.state] || i + 1) + "</span>" +
        '<span class="step-text"><span class="step-label">' + esc(s.label) + '</span><span class="step-state">' +
        esc(st.text) + "</span></span></button></li>";
    }).join("");
  }

  el("step-list").addEventListener("click", function (e) {
    var b = e.target.closest("[data-step]");
    if (b) go(b.getAttribute("data-step"));
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-go]");
    if (b && !wizard.hidden) { e.preventDefault(); go(b.getAttribute("data-go")); }
    var z = e.target.closest("[data-zoom]");
    if (z) C.zoom(z.getAttribute("data-zoom"), z.getAttribute("data-label"), z);
  });

  /* --- moving between steps ------------------------------------------------------------- */

  function go(step) {
    if (step === S.step) return Promise.resolve();
    if (S.dirty[S.step] && !S.readonly) {
      return AUSM.confirm("“" + C.STEPS[STEP_NAMES.indexOf(S.step)].label + "”有未保存的修改，离开将不保存这些修改。确定离开吗？", "不保存并离开", true)
        .then(function (yes) {
          if (!yes) return;
          S.dirty = {};
          S.edu = clone(S.c.education || []);
          S.work = clone(S.c.work || []);
          show(step);
        });
    }
    show(step);
    return Promise.resolve();
  }

  function show(step) {
    if (S.step && S.step !== step) delete S.stepErrors[S.step];
    S.step = step;
    if (history.replaceState) history.replaceState(null, "", "#" + step);
    document.querySelectorAll(".step-panel").forEach(function (p) { p.hidden = p.getAttribute("data-step") !== step; });
    var i = STEP_NAMES.indexOf(step);
    el("step-title").textContent = C.STEPS[i].label;
    el("step-count").textContent = "第 " + (i + 1) + " 步，共 " + C.STEPS.length + " 步";
    renderHeader();
    renderStep();
    el("nav-note").textContent = S.readonly ? "可点击步骤查看已提交的信息。" : "可点击步骤查看或修改；“下一步”会保存当前步骤。";
    prevBtn.hidden = i === 0;
    nextBtn.hidden = step === "result" || (step === "department" && !S.readonly);
    submitBtn.hidden = step !== "department" || S.readonly;
    window.scrollTo({ top: 0 });
  }

  function renderStep() {
    AUSM.clearAlert(stepAlert);
    stepAlert.textContent = "";
    renderNav();
    ({ notice: renderNotice, basic: renderBasic, education: renderEducation, work: renderWork,
       department: renderDepartment, result: renderResult })[S.step]();
    showStepNotes();
  }

  /** The step's own problems and the reviewer's reasons that have no field of their own, above the step. */
  function showStepNotes(extra) {
    var step = S.step;
    if (step === "result") return;
    var prefixes = C.STEP_PREFIX[step];
    var parts = [];
    var returned = reasons(prefixes);
    if (returned.length) {
      parts.push("<strong>审核退回原因：</strong>" + listHtml(returned.map(function (r) {
        return esc(C.pathLabel(r.field)) + "：" + esc(r.reason);
      })));
    }
    var refused = extra || S.stepErrors[step];
    if (refused && refused.length) {
      parts.push("<strong>" + (S.dirty[step] ? "本步骤尚未保存，" : "") + "请按提示修改：</strong>" +
        listHtml(refused.map(function (p) { return esc(p.message); })));
    } else if (!S.readonly && stepInfo(step).state === "attention" && step !== "department") {
      var open = problems(prefixes);
      if (open.length) {
        parts.push("<strong>本步骤还有 " + open.length + " 项待完善：</strong>" + listHtml(open.map(function (p) { return esc(p.message); })));
      }
    }
    if (parts.length) {
      AUSM.showAlert(stepAlert, null, returned.length || (refused && refused.length) ? "error" : "warn", parts.join(""));
    }
  }

  prevBtn.addEventListener("click", function () {
    var i = STEP_NAMES.indexOf(S.step);
    if (i > 0) go(STEP_NAMES[i - 1]);
  });

  nextBtn.addEventListener("click", function () {
    var i = STEP_NAMES.indexOf(S.step);
    if (S.readonly) { go(STEP_NAMES[i + 1]); return; }
    AUSM.setBusy(nextBtn, true, "保存中…");
    save(S.step).then(function (ok) {
      AUSM.setBusy(nextBtn, false);
      if (!ok) return;
      var left = problems(C.STEP_PREFIX[STEP_NAMES[i]]).length;
      var message = left ? "已保存，本步骤还有 " + left + " 项待完善，可稍后补充" : "已保存";
      if (S.step === "notice" && S.c.scope === "qualified_non_accountant" && S.c.qualification_checked) message += "；已核验全国证书库";
      if (ok === "stay") {
        toast("已保存；全国证书库未核验到您的证书，请上传会计专业技术资格证书");
        renderStep();
        return;
      }
      toast(message);
      show(STEP_NAMES[i + 1]);
    });
  });

  /** Save the current step whole; resolves true (saved), "stay" (saved, look again) or false. */
  function save(step) {
    var body;
    if (step === "notice") {
      var picked = el("notice-form").querySelector('input[name="scope"]:checked');
      AUSM.clearErrors(el("notice-form"));
      if (!picked) {
        AUSM.setFieldError(el("notice-form"), "scope", "请选择采集范围");
        AUSM.showAlert(stepAlert, "请选择采集范围", "error");
        return Promise.resolve(false);
      }
      body = { scope: picked.value };
    } else if (step === "basic") {
      var data = AUSM.formData(el("basic-form"));
      body = {};
      Object.keys(data).forEach(function (k) { if (k.indexOf("basic.") === 0) body[k.slice(6)] = data[k]; });
      if (el("alt-id-fields").hidden) { delete body.alt_id_type; delete body.alt_id_number; }
      AUSM.clearErrors(el("basic-form"));
    } else if (step === "education" || step === "work") {
      body = { segments: outgoing(S[step === "education" ? "edu" : "work"]) };
    } else if (step === "department") {
      var code = chosenDepartment();
      if (!code) return Promise.resolve(true);
      body = { department_code: code };
    } else {
      return Promise.resolve(true);
    }
    return AUSM.api("PUT", "/api/v1/collection/steps/" + step, body).then(function (c) {
      var before = S.c;
      setCollection(c);
      delete S.stepErrors[step];
      if (step === "notice" && c.scope === "qualified_non_accountant" && !c.qualification_checked &&
          !(c.files || {}).qualification_certificate) {
        return before.scope !== c.scope || before.qualification_checked !== c.qualification_checked ? "stay" : true;
      }
      return true;
    }, function (err) {
      refused(step, err);
      return false;
    });
  }

  function refused(step, err) {
    if (err.status === 409) {                     // submitted or approved meanwhile
      AUSM.showAlert(stepAlert, AUSM.errorText(err) + "，页面已刷新。", "error");
      return AUSM.api("GET", "/api/v1/collection").then(function (c) { setCollection(c); show(firstStep()); });
    }
    if (err.status !== 422) {
      AUSM.showAlert(stepAlert, null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/login?next=/collection">重新登录</a>' : ""));
      return;
    }
    var list = errorProblems(err);
    S.stepErrors[step] = list;
    if (step === "education" || step === "work") {
      S.dirty[step] = S.dirty[step] || false;
      renderStep();
    } else {
      var form = el(step === "notice" ? "notice-form" : step === "basic" ? "basic-form" : "department-form");
      var unplaced = placeProblems(form, list, "");
      AUSM.showAlert(stepAlert, null, "error", esc(AUSM.errorText(err)) +
        (unplaced.length ? listHtml(unplaced.map(function (p) { return esc(p.message); })) : ""));
      var first = form.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
    }
  }

  /** Segments as the API takes them: without the server's own keys. */
  function outgoing(list) {
    return list.map(function (s) {
      var out = clone(s);
      delete out.proofs;
      delete out.checks;
      return out;
    });
  }

  /* --- uploads (photo, proofs) ----------------------------------------------------------- */

  function fileOf(slot) {
    var p = slot.split(".");
    var files = S.c.files || {};
    if (p[0] === "basic") return files[p[1]];
    if (slot === "scope.qualification_certificate") return files.qualification_certificate;
    var seg = (S.c[p[0]] || [])[Number(p[1])];
    return seg && seg.proofs ? seg.proofs[p[2]] : null;
  }

  function uploadCard(slot, title, options) {
    options = options || {};
    var file = fileOf(slot);
    var photo = slot === "basic.photo";
    var policy = slotPolicy(slot);
    var rule = policy.text;
    var locked = S.readonly || options.disabled;
    return '<div class="upload-card' + (file ? " has-file" : "") + '" data-slot="' + esc(slot) + '" data-testid="card-' + esc(slot) + '">' +
      '<div class="label">' + esc(title) + (options.required === false ? "" : '<span class="req" aria-hidden="true">*</span>') + "</div>" +
      '<div class="preview' + (photo ? " portrait" : "") + '">' + (file
        ? '<button type="button" class="zoom" data-zoom="' + esc(file.url) + '" data-label="' + esc(title) + '" title="点击查看大图" aria-label="查看大图：' + esc(title) + '">' +
          '<img src="' + esc(file.url) + '" alt="' + esc(title) + '" data-testid="preview-' + esc(slot) + '"></button>'
        : "<span>" + (photo ? "请上传近期免冠标准证件照" : "未上传") + "</span>") + "</div>" +
      '<div class="upload-meta small">' + (file
        ? '<span class="badge badge-ok" data-testid="uploaded-' + esc(slot) + '">已上传</span> ' +
          esc((file.width ? file.width + "×" + file.height + " · " : "") + C.fmtSize(file.size))
        : '<span class="muted">' + esc(rule) + "</span>") + "</div>" +
      (locked ? (options.disabled && !S.readonly ? '<div class="small muted">' + esc(options.disabled) + "</div>" : "") :
        '<div class="upload-actions"><label class="btn btn-sm upload-btn' + (file ? "" : " btn-primary") + '">' + (file ? "重新上传" : "选择文件上传") +
        '<input type="file" class="visually-hidden" name="' + esc(slot) + '" data-slot="' + esc(slot) + '" accept="' +
        esc(policy.content_types.join(",")) + '" aria-label="' + (file ? "重新上传" : "上传") + esc(title) +
        '" data-testid="upload-' + esc(slot) + '"></label></div>') +
      '<div class="upload-progress small muted" role="status" aria-live="polite"></div>' +
      '<div class="return-reason" data-for="' + esc(slot) + '"></div>' +
      '<div class="field-error" data-for="' + esc(slot) + '"></div></div>';
  }

  /** The proof slots of a step: required ones (with the API's text) and any already uploaded. */
  function slotsOf(prefix) {
    var needed = S.c.required_proofs || {};
    var out = Object.keys(needed).filter(function (s) { return under(s, prefix); })
      .map(function (s) { return { slot: s, text: needed[s], required: true }; });
    problems([prefix]).forEach(function (p) {
      if (p.code === "PROOF_REQUIRED" && !out.some(function (o) { return o.slot === p.field; })) {
        out.push({ slot: p.field, text: p.message.replace(/^请上传/, ""), required: true });
      }
    });
    return out;
  }

  function renderUploads(containerId, slots, heading, disabledNote) {
    var box = el(containerId);
    if (!slots.length) { box.innerHTML = ""; return; }
    box.innerHTML = (heading ? '<h3 class="sub-title">' + esc(heading) + "</h3>" : "") +
      '<div class="upload-grid">' + slots.map(function (s) {
        return uploadCard(s.slot, s.text, { required: s.required, disabled: disabledNote });
      }).join("") + "</div>";
    markUploads(box);
  }

  function markUploads(box) {
    var prefixes = [];
    box.querySelectorAll("[data-slot]").forEach(function (n) { prefixes.push(n.getAttribute("data-slot")); });
    placeReasons(box, reasons(prefixes), "");
    if (!S.readonly && S.step !== "notice") {
      placeProblems(box, problems(prefixes).filter(function (p) { return p.code !== "PROOF_REQUIRED" || visited(S.step); }), "");
    }
  }

  function visited(step) { return stepInfo(step).state !== "todo"; }

  function checkImage(file, slot) {
    return AUSM.checkUpload(file, slotPolicy(slot)).then(function (r) {
      if (r.url) URL.revokeObjectURL(r.url);
      return r.error;
    });
  }

  wizard.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches('input[type="file"][data-slot]')) return;
    var file = input.files && input.files[0];
    if (!file) return;
    var slot = input.getAttribute("data-slot");
    var card = input.closest(".upload-card");
    var error = card.querySelector(".field-error");
    var progress = card.querySelector(".upload-progress");
    error.textContent = "";
    checkImage(file, slot).then(function (problem) {
      if (problem) { error.textContent = problem; input.value = ""; return; }
      var fd = new FormData();
      fd.append("slot", slot);
      fd.append("file", file);
      input.disabled = true;
      progress.textContent = "上传中… 0%";
      return AUSM.upload("POST", "/api/v1/collection/files", fd, function (pct) {
        progress.textContent = "上传中… " + pct + "%";
      }).then(function (c) {
        uploaded(c, slot);
      }, function (err) {
        input.disabled = false;
        input.value = "";
        progress.textContent = "";
        var errors = (err.body && err.body.errors) || {};
        error.textContent = errors[slot] || errors.file || AUSM.errorText(err);
        if (err.status === 409) AUSM.showAlert(stepAlert, AUSM.errorText(err), "error");
      });
    });
  });

  /** After an upload: keep what the person is typing on this step, refresh the rest. */
  function uploaded(c, slot) {
    var keepEdu = S.edu, keepWork = S.work, keepDirty = S.dirty;
    S.c = c;
    if (keepDirty.education) S.edu = keepEdu; else S.edu = clone(c.education || []);
    if (keepDirty.work) S.work = keepWork; else S.work = clone(c.work || []);
    S.dirty = keepDirty;
    renderNav();
    if (S.step === "basic") {
      renderBasicUploads();
    } else {
      renderStep();
    }
    var card = wizard.querySelector('.upload-card[data-slot="' + slot + '"]');
    if (card) card.classList.add("just-uploaded");
  }

  /* --- step: 采集须知 --------------------------------------------------------------------- */

  var noticeForm = el("notice-form");
  noticeForm.addEventListener("change", function (e) {
    if (e.target.name === "scope") {
      S.dirty.notice = e.target.value !== S.c.scope;
      markScopes();
      renderNav();
    }
  });
  noticeForm.addEventListener("submit", function (e) { e.preventDefault(); });

  function markScopes() {
    noticeForm.querySelectorAll(".scope-option").forEach(function (o) {
      o.classList.toggle("selected", o.querySelector("input").checked);
    });
  }

  function renderNotice() {
    clearMarks(noticeForm);
    noticeForm.querySelectorAll('input[name="scope"]').forEach(function (r) {
      r.checked = r.value === S.c.scope;
      r.disabled = S.readonly;
    });
    markScopes();
    var result = el("qualification-result");
    result.innerHTML = "";
    if (S.c.scope === "qualified_non_accountant") {
      result.innerHTML = S.c.qualification_checked
        ? '<div class="alert alert-success" data-testid="qualification-checked">已核验全国证书库：全国会计资格职称库中查询到您的会计专业技术资格证书。</div>'
        : '<div class="alert alert-warn" data-testid="qualification-unchecked">全国会计资格职称库（2001年之后的证书数据）未核验到您的会计专业技术资格证书，' +
          (fileOf("scope.qualification_certificate") ? "已上传证书，将由会计管理部门审核。" : "请在下方上传证书。") + "</div>";
    }
    var slots = slotsOf("scope");
    renderUploads("notice-uploads", slots, slots.length ? "证明材料" : "", "");
    placeReasons(noticeForm, reasons(["scope"]), "");
  }

  /* --- step: 基本信息 --------------------------------------------------------------------- */

  var basicForm = el("basic-form");
  basicForm.addEventListener("input", function (e) {
    if (!e.target.name || e.target.type === "file") return;
    AUSM.setFieldError(basicForm, e.target.name, "");
    markDirty("basic");
  });
  basicForm.addEventListener("change", function (e) { if (e.target.name && e.target.type !== "file") markDirty("basic"); });
  basicForm.addEventListener("submit", function (e) { e.preventDefault(); nextBtn.click(); });

  function markDirty(step) {
    if (S.readonly || S.dirty[step]) return;
    S.dirty[step] = true;
    renderNav();
  }

  function renderBasic() {
    var p = S.c.person || {};
    var rows = [["证件类型", p.id_type_label || p.id_type], ["证件号码", p.id_number], ["姓名", p.name],
                ["性别", AUSM.genderLabel(p.gender)], ["出生日期", p.birth_date || "—"], ["手机号码", p.phone]];
    el("basic-person").innerHTML = rows.map(function (r) {
      return "<dt>" + r[0] + "</dt><dd>" + esc(r[1] || "—") + "</dd>";
    }).join("");
    clearMarks(basicForm);
    AUSM.clearAlert(basicForm);
    var b = S.c.basic || {};
    ["political_status", "ethnicity", "email", "address", "postcode", "alt_id_type", "alt_id_number"].forEach(function (k) {
      var control = basicForm.elements["basic." + k];
      if (control) control.value = b[k] || "";
    });
    el("alt-id-fields").hidden = !p.id_type || p.id_type === "mainland_id";
    el("basic-fieldset").disabled = S.readonly;
    placeReasons(basicForm, reasons(["basic"]), "");
    if (!S.readonly && (stepInfo("basic").state === "attention" || S.stepErrors.basic)) {
      placeProblems(basicForm, S.stepErrors.basic || problems(["basic"]).filter(function (x) {
        return !/^basic\.(photo|identity_proof)$/.test(x.field);
      }), "");
    }
    renderBasicUploads();
  }

  function renderBasicUploads() {
    var rule = slotPolicy("basic.photo");
    var dept = S.c.department;
    el("photo-rule").innerHTML = "<strong>照片要求：</strong>请上传清晰、完整、近期的本人免冠标准证件照片，" + esc(rule.text || "") +
      "。禁止将像素不满足要求的照片放大后使用。" + (dept ? "（按" + esc(dept.name) + "所在省份的要求）" :
      "所选会计管理部门所在省份另有要求的，以其要求为准（如浙江省：" + esc(S.uploads.policy("photo", "330000").text) + "）。");
    var slots = [{ slot: "basic.photo", text: "本人近期标准证件照片", required: true }];
    var needed = S.c.required_proofs || {};
    var proofNeeded = needed["basic.identity_proof"] || problems(["basic.identity_proof"]).length;
    if (proofNeeded || fileOf("basic.identity_proof")) {
      slots.push({ slot: "basic.identity_proof", text: needed["basic.identity_proof"] ||
        "身份证或居住证（暂未工作且不属于在校学生的人员须上传）", required: !!proofNeeded });
    }
    var box = el("basic-uploads");
    box.innerHTML = '<div class="upload-grid">' + slots.map(function (s) {
      return uploadCard(s.slot, s.text, { required: s.required });
    }).join("") + "</div>" + (proofNeeded && !S.readonly ? '<p class="small muted">目前在职或在校的，填写“至今”的工作经历或教育经历后无需上传身份证或居住证。</p>' : "");
    markUploads(box);
  }

  /* --- segment tables ------------------------------------------------------------------- */

  function segmentNotes(kind, i) {
    var prefix = kind + "." + i;
    var notes = [];
    reasons([prefix]).forEach(function (r) {
      notes.push('<div class="return-reason" data-testid="row-reason">审核退回（' + esc(C.pathLabel(r.field).replace(/^[^·]*·\s*/, "") ||
        "本段") + "）：" + esc(r.reason) + "</div>");
    });
    var refusedList = (S.stepErrors[kind] || []).filter(function (p) { return under(p.field, prefix); });
    var open = S.readonly ? [] : refusedList.length ? refusedList : problems([prefix]).filter(function (p) {
      return p.code !== "PROOF_REQUIRED";
    });
    open.forEach(function (p) { notes.push('<div class="field-error" data-testid="row-problem">' + esc(p.message) + "</div>"); });
    return notes;
  }

  function rowActions(kind, i, seg) {
    if (S.readonly) return '<button type="button" class="btn btn-sm" data-view="' + i + '" data-testid="' + kind + '-view">查看</button>';
    return '<div class="row-actions"><button type="button" class="btn btn-sm" data-edit="' + i + '" data-testid="' + kind + '-edit">编辑</button>' +
      '<button type="button" class="btn btn-sm btn-danger" data-delete="' + i + '" data-testid="' + kind + '-delete">删除</button></div>' +
      ((seg.locked || []).length ? '<span class="badge badge-info">原平台导入</span>' : "");
  }

  function renderEducation() {
    var body = el("edu-body");
    el("edu-add").hidden = S.readonly;
    if (!S.edu.length) {
      body.innerHTML = '<tr><td colspan="9" class="empty" data-testid="edu-empty">暂无教育经历，请点击“新增教育经历”填写</td></tr>';
    } else {
      body.innerHTML = S.edu.map(function (s, i) {
        var notes = segmentNotes("education", i);
        return '<tr data-testid="edu-row" data-index="' + i + '"' + (notes.length ? ' class="has-notes"' : "") + ">" +
          "<td>" + esc(opt("study_modes", s.study_mode)) + "</td><td>" + esc(s.school) + '</td><td class="nowrap">' + esc(s.start_date || "") +
          '</td><td class="nowrap">' + esc(s.until_now || !s.end_date ? "至今" : s.end_date) + "</td><td>" + esc(opt("education_levels", s.education_level)) +
          "</td><td>" + esc(opt("degrees", s.degree)) + '</td><td data-testid="edu-major-cell">' + esc(s.major) + "</td><td>" +
          C.checksHtml(s, S.opts) + "</td><td>" + rowActions("edu", i, s) + "</td></tr>" +
          (notes.length ? '<tr class="notes-row"><td colspan="9">' + notes.join("") + "</td></tr>" : "");
      }).join("");
    }
    renderUploads("education-uploads", S.dirty.education ? [] : slotsOf("education"), "证明材料");
    if (S.dirty.education) {
      el("education-uploads").innerHTML = '<p class="small muted">教育经历有未保存的修改，保存后可上传证明材料。</p>';
    }
  }

  function renderWork() {
    var body = el("work-body");
    el("work-add").hidden = S.readonly;
    if (!S.work.length) {
      body.innerHTML = '<tr><td colspan="6" class="empty" data-testid="work-empty">暂无工作经历，请点击“新增工作经历”填写</td></tr>';
    } else {
      body.innerHTML = S.work.map(function (s, i) {
        var notes = segmentNotes("work", i);
        var posts = s.posts || [];
        return '<tr data-testid="work-row" data-index="' + i + '"' + (notes.length ? ' class="has-notes"' : "") + ">" +
          '<td class="nowrap">' + esc(s.start_date || "—") + "<br>至 " + esc(s.until_now || !s.end_date ? "今" : s.end_date) +
          "</td><td>" + esc(s.employer) + '<div class="small muted">' + esc(s.credit_code) + "</div></td><td>" +
          esc(opt("employer_types", s.employer_type)) + '<div class="small muted">' + esc(opt("industries", s.industry)) + "</div></td><td>" +
          (s.has_accounting_work ? "是（" + posts.length + "条）" : "否") + "</td><td>" +
          (s.title ? esc(opt("titles", s.title)) + '<div class="small muted nowrap">聘任：' + esc(s.title_date || "—") + "</div>" : "—") +
          "</td><td>" + rowActions("work", i, s) + "</td></tr>" +
          (notes.length ? '<tr class="notes-row"><td colspan="6">' + notes.join("") + "</td></tr>" : "");
      }).join("");
    }
    renderUploads("work-uploads", S.dirty.work ? [] : slotsOf("work"), "证明材料");
    if (S.dirty.work) {
      el("work-uploads").innerHTML = '<p class="small muted">工作经历有未保存的修改，保存后可上传证明材料。</p>';
    }
  }

  ["edu", "work"].forEach(function (short) {
    var kind = short === "edu" ? "education" : "work";
    el(short + "-body").addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) return;
      if (b.hasAttribute("data-edit")) openSegment(kind, Number(b.getAttribute("data-edit")), false);
      if (b.hasAttribute("data-view")) openSegment(kind, Number(b.getAttribute("data-view")), true);
      if (b.hasAttribute("data-delete")) removeSegment(kind, Number(b.getAttribute("data-delete")));
    });
    el(short + "-add").addEventListener("click", function () { openSegment(kind, null, false); });
  });

  function removeSegment(kind, i) {
    var noun = kind === "education" ? "教育经历" : "工作经历";
    AUSM.confirm("确定删除第" + (i + 1) + "段" + noun + "吗？该段已上传的证明材料将一并删除。", "删除", true).then(function (yes) {
      if (!yes) return;
      var key = kind === "education" ? "edu" : "work";
      var list = S[key].slice();
      list.splice(i, 1);
      AUSM.api("PUT", "/api/v1/collection/steps/" + kind, { segments: outgoing(list) }).then(function (c) {
        setCollection(c);
        delete S.stepErrors[kind];
        renderStep();
        toast("已删除");
      }, function (err) {
        if (err.status === 422) {                 // e.g. the last one: keep the change here, unsaved
          S[key] = list;
          S.dirty[kind] = true;
        }
        refused(kind, err);
      });
    });
  }

  /* --- segment dialogs (the shared editor: static/segments.js, templates/_segments.html) -------- */

  var editors = {
    education: AUSM.segments.editor(el("edu-dialog"), { editVerb: "编辑", lockImported: true, onSubmit: saveSegment }),
    work: AUSM.segments.editor(el("work-dialog"), { editVerb: "编辑", lockImported: true, onSubmit: saveSegment })
  };

  function openSegment(kind, index, viewOnly) {
    var list = S[kind === "education" ? "edu" : "work"];
    var editor = editors[kind].load(index == null ? {} : list[index], index, viewOnly);
    if (index != null) segmentMarks(editor, index, viewOnly);
    editor.show();
  }

  /** The reviewer's reasons and the open problems of a segment, at their fields in its dialog. */
  function segmentMarks(editor, index, viewOnly) {
    var form = editor.form;
    var at = editor.kind + "." + index;
    var left = placeReasons(form, reasons([at]).map(function (r) {
      return r.field === at ? { field: at + ".segment", reason: r.reason } : r;
    }), at + ".");
    left.forEach(function (r) {
      var slot = form.querySelector('.return-reason[data-for="segment"]');
      slot.textContent += (slot.textContent ? "；" : "审核退回：") + C.pathLabel(r.field) + "：" + r.reason;
    });
    var known = (S.stepErrors[editor.kind] || []).filter(function (p) { return under(p.field, at); });
    if (!known.length && !viewOnly) {
      known = problems([at]).filter(function (p) { return p.code !== "PROOF_REQUIRED"; });
    }
    var unplaced = placeProblems(form, known, at + ".");
    if (unplaced.length) {
      AUSM.showAlert(form, null, "error", listHtml(unplaced.map(function (p) { return esc(p.message); })));
    }
  }

  /** The step is saved whole: this segment in its place, the others as they are. */
  function saveSegment(editor, button) {
    var kind = editor.kind;
    var form = editor.form;
    var key = kind === "education" ? "edu" : "work";
    var seg = editor.read();
    var i = editor.current.index == null ? S[key].length : editor.current.index;
    var list = S[key].slice();
    list[i] = seg;
    clearMarks(form);
    AUSM.clearAlert(form);
    var local = editor.requiredErrors();
    if (Object.keys(local).length) { editor.showErrors(local); return; }
    AUSM.setBusy(button, true, "保存中…");
    AUSM.api("PUT", "/api/v1/collection/steps/" + kind, { segments: outgoing(list) }).then(function (c) {
      AUSM.setBusy(button, false);
      setCollection(c);
      delete S.stepErrors[kind];
      editor.close();
      renderStep();
      var saved = (c[kind] || [])[i];
      var failed = kind === "education" && saved && saved.checks && Object.keys(saved.checks).some(function (k) {
        return saved.checks[k].status !== "verified";
      });
      toast(failed ? "已保存；学信网核验未通过，请上传对应的证书" : "已保存");
    }, function (err) {
      AUSM.setBusy(button, false);
      if (err.status !== 422) {
        AUSM.showErrors(form, err);
        if (err.status === 409) refused(kind, err);
        return;
      }
      var all = errorProblems(err);
      var prefix = kind + "." + i;
      var mine = all.filter(function (p) { return under(p.field, prefix); });
      var pairs = all.filter(function (p) { return /OVERLAP|UNTIL_NOW_MULTIPLE/.test(p.code || ""); });
      if (mine.length || pairs.length) {
        var unplaced = placeProblems(form, mine, prefix + ".");
        pairs.filter(function (p) { return mine.indexOf(p) < 0; }).forEach(function (p) {
          var slot = form.querySelector('.field-error[data-for="start_date"]');
          if (slot && !slot.textContent) AUSM.setFieldError(form, "start_date", p.message);
          else unplaced.push(p);
        });
        var others = all.filter(function (p) { return mine.indexOf(p) < 0 && pairs.indexOf(p) < 0; }).concat(unplaced);
        AUSM.showAlert(form, null, "error", esc(AUSM.errorText(err)) + "，本段尚未保存。" +
          (others.length ? listHtml(others.map(function (p) { return esc(p.message); })) : ""));
        editor.focusFirstError();
        return;
      }
      // Only rules of the whole step (or of other segments) are broken: keep this segment here, unsaved.
      S[key] = list;
      S.dirty[kind] = true;
      S.stepErrors[kind] = all;
      editor.close();
      renderStep();
    });
  }

  /* --- step: 会计管理部门 ------------------------------------------------------------------ */

  var deptForm = el("department-form");
  var deptSelects = [el("dept-0"), el("dept-1"), el("dept-2")];
  var PLACEHOLDERS = ["请选择省（自治区、直辖市）", "请选择市（地、州）或区县", "请选择区县"];
  var deptReady = null;

  function fillSelect(select, list, level) {
    select.innerHTML = '<option value="">' + PLACEHOLDERS[level] + "</option>" + list.map(function (d) {
      return '<option value="' + esc(d.code) + '" data-name="' + esc(d.name) + '">' + esc(d.division_name) + "</option>";
    }).join("");
  }

  /** Show the children of level's choice; `path` preselects deeper levels. */
  function pickLevel(level, path) {
    for (var k = level + 1; k < 3; k++) {
      deptSelects[k].innerHTML = "";
      el("dept-field-" + k).hidden = true;
    }
    var code = deptSelects[level].value;
    if (!code || level === 2) return Promise.resolve();
    return C.departmentChildren(code).then(function (list) {
      if (!list.length) return;
      var next = deptSelects[level + 1];
      fillSelect(next, list, level + 1);
      el("dept-field-" + (level + 1)).hidden = false;
      if (path && path.length) {
        next.value = path[0].code;
        return pickLevel(level + 1, path.slice(1));
      }
    });
  }

  /** The deepest choice, once no deeper level is waiting to be chosen. */
  function chosenDepartment() {
    var code = "";
    for (var k = 0; k < 3; k++) {
      if (el("dept-field-" + k) && k > 0 && el("dept-field-" + k).hidden) break;
      if (!deptSelects[k].value) return "";
      code = deptSelects[k].value;
    }
    return code;
  }

  function showChosen() {
    var code = chosenDepartment();
    el("department_code").value = code;
    var picked = deptSelects.filter(function (s, k) { return s.value && (k === 0 || !el("dept-field-" + k).hidden); })
      .map(function (s) { return s.options[s.selectedIndex]; });
    var last = picked[picked.length - 1];
    el("dept-chosen").innerHTML = code ? "所选会计管理部门：<strong>" + esc(last.getAttribute("data-name")) + "</strong>（" +
      esc(picked.map(function (o) { return o.text; }).join(" / ")) + "）" : "";
  }

  deptSelects.forEach(function (select, level) {
    select.addEventListener("change", function () {
      AUSM.setFieldError(deptForm, "department_code", "");
      pickLevel(level).then(function () {
        showChosen();
        var code = chosenDepartment();
        if (!code || S.readonly) return;
        // Saved at once: the department decides the photo rule and the reviewer, so the checks below change.
        AUSM.api("PUT", "/api/v1/collection/steps/department", { department_code: code }).then(function (c) {
          setCollection(c);
          renderNav();
          renderChecklist();
        }, function (err) {
          AUSM.setFieldError(deptForm, "department_code", ((err.body || {}).errors || {}).department_code || AUSM.errorText(err));
        });
      });
    });
  });

  function renderDepartment() {
    clearMarks(deptForm);
    AUSM.clearAlert(deptForm);
    deptSelects.forEach(function (s) { s.disabled = S.readonly; });
    el("pledge-area").hidden = S.readonly;
    el("pledge").checked = false;
    var path = S.c.department_path || [];
    if (!deptReady) {
      deptReady = C.departmentChildren(null).then(function (list) { fillSelect(deptSelects[0], list, 0); }, function (err) {
        deptReady = null;
        deptSelects[0].innerHTML = '<option value="">加载失败，请刷新页面</option>';
        AUSM.setFieldError(deptForm, "department_code", "会计管理部门列表加载失败：" + AUSM.errorText(err));
      });
    }
    deptReady.then(function () {
      if (path.length && chosenDepartment() !== path[path.length - 1].code) {
        deptSelects[0].value = path[0].code;
        return pickLevel(0, path.slice(1));
      }
    }).then(showChosen);
    placeReasons(deptForm, reasons(["department_code"]), "");
    renderChecklist();
  }

  function renderChecklist(list) {
    var box = el("pre-submit");
    if (S.readonly) {
      box.innerHTML = '<p class="muted">已提交审核。</p>';
      return;
    }
    var open = (list || S.c.problems || []).filter(function (p) { return p.field !== "pledge" && p.field !== "department_code"; });
    if (!open.length) {
      box.innerHTML = '<div class="alert alert-success" data-testid="pre-submit-ok">系统检查已通过：各步骤信息完整，证明材料齐全，可以提交审核。</div>';
      return;
    }
    var groups = {};
    open.forEach(function (p) {
      var step = C.stepOf(p.field) || "notice";
      (groups[step] = groups[step] || []).push(p);
    });
    box.innerHTML = '<div class="alert alert-warn" data-testid="pre-submit-problems"><strong>提交前请完善以下 ' + open.length + " 项：</strong>" +
      C.STEPS.filter(function (s) { return groups[s.step]; }).map(function (s) {
        return '<div class="check-group"><div class="check-group-head">' + esc(s.label) +
          ' <button type="button" class="btn-link" data-go="' + s.step + '">去修改</button></div>' +
          listHtml(groups[s.step].map(function (p) { return esc(p.message); })) + "</div>";
      }).join("") + "</div>";
  }

  submitBtn.addEventListener("click", function () {
    AUSM.clearErrors(deptForm);
    var code = chosenDepartment();
    var pledge = el("pledge").checked;
    var bad = false;
    if (!code) { AUSM.setFieldError(deptForm, "department_code", "请选择所在会计管理部门（省、市、区县）"); bad = true; }
    if (!pledge) { AUSM.setFieldError(deptForm, "pledge", "请勾选“承诺所提供信息真实有效”"); bad = true; }
    var open = (S.c.problems || []).filter(function (p) { return p.field !== "pledge" && p.field !== "department_code"; });
    if (open.length) {
      renderChecklist();
      AUSM.showAlert(deptForm, "还有 " + open.length + " 项需要完善，请按“提交前检查”中的提示修改后再提交。", "error");
      el("pre-submit").scrollIntoView({ behavior: "smooth", block: "center" });
      return;
    }
    if (bad) {
      AUSM.showAlert(deptForm, "请选择会计管理部门并勾选承诺后提交", "error");
      return;
    }
    AUSM.setBusy(submitBtn, true, "提交中…");
    AUSM.api("POST", "/api/v1/collection/submission", { pledge: true, department_code: code }).then(function (c) {
      AUSM.setBusy(submitBtn, false);
      setCollection(c);
      show("result");
      toast("已提交审核");
    }, function (err) {
      AUSM.setBusy(submitBtn, false);
      if (err.status === 422) {
        var list = errorProblems(err);
        placeProblems(deptForm, list.filter(function (p) { return p.field === "pledge" || p.field === "department_code"; }), "");
        renderChecklist(list);
        AUSM.showAlert(deptForm, "提交未成功：还有需要完善的内容，请按“提交前检查”中的提示修改后再提交。", "error");
        AUSM.api("GET", "/api/v1/collection").then(function (c) { S.c = c; renderNav(); });
      } else if (err.status === 409) {
        refused("department", err);
      } else {
        AUSM.showErrors(deptForm, err);
      }
    });
  });

  /* --- step: 审核告知 ---------------------------------------------------------------------- */

  function renderResult() {
    var c = S.c;
    var boxes = {
      approved: ["ok", "✓", "审核通过", "您的信息采集已审核通过。"],
      submitted: ["warn", "…", "审核中", "您的信息采集已提交，正在由所属会计管理部门审核，请耐心等待审核结果。"],
      returned: ["err", "!", "已退回", "您的信息采集未通过审核，请按以下退回原因修改后重新提交审核。"],
      draft: ["none", "i", "尚未提交", "完成各步骤后，在“会计管理部门”步骤勾选承诺并提交审核。"]
    };
    var b = boxes[c.status] || boxes.draft;
    var path = (c.department_path || []).map(function (d) { return d.name; }).join(" / ");
    var html = '<div class="status-box status-' + b[0] + '" data-testid="result-box"><div class="dot" aria-hidden="true">' + b[1] + "</div><div>" +
      '<h3 class="status-text" data-testid="result-status">' + b[2] + "</h3><p>" + esc(b[3]) + "</p></div></div>";
    html += '<dl class="kv two result-kv">' +
      "<dt>审核状态</dt><dd>" + '<span class="badge ' + (STATUS_BADGE[c.status] || "") + '">' + esc(c.status_label) + "</span></dd>" +
      '<dt>会计管理部门</dt><dd data-testid="result-department">' + esc((c.department && c.department.name) || "未选择") + "</dd>" +
      "<dt>部门层级</dt><dd>" + esc(path || "—") + "</dd>" +
      "<dt>采集范围</dt><dd>" + esc(c.scope_label || "—") + "</dd>" +
      "<dt>提交时间</dt><dd>" + esc(c.submitted_at ? AUSM.fmtTime(c.submitted_at) : "—") + "</dd>" +
      "<dt>审核时间</dt><dd>" + esc(c.decided_at ? AUSM.fmtTime(c.decided_at) : "—") + "</dd></dl>";
    if (c.status === "returned") {
      var all = c.return_reasons || {};
      html += '<h3 class="sub-title">退回原因</h3><ul class="reason-list" data-testid="result-reasons">' + Object.keys(all).map(function (k) {
        var step = C.stepOf(k) || "notice";
        return '<li data-testid="result-reason"><span class="reason-field">' + esc(C.pathLabel(k)) + "</span>" +
          '<span class="reason-text">' + esc(all[k]) + '</span><button type="button" class="btn btn-sm" data-go="' + step + '">去修改</button></li>';
      }).join("") + "</ul>";
    } else if (c.status === "draft") {
      html += '<p><button type="button" class="btn btn-primary" data-go="department">去提交审核</button></p>';
    }
    el("result-body").innerHTML = html;
  }

  init();
})();
