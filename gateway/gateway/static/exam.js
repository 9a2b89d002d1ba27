/* 会计专业技术资格考试, the candidate's pages: exam list, province table, 阅读须知, the enrollment's steps and
 * 审核告知, the registration form's verification. Everything shown comes from /api/v1 (labels included); the
 * page only decides which step to show. Found by [data-exam-page]; no inline script (strict CSP). */
(function () {
  "use strict";
  var esc = AUSM.esc;
  var API = "/api/v1";

  function alertBox(el, message, kind) {
    el.hidden = !message;
    if (message) AUSM.showAlert(el, message, kind || "error");
  }

  function cell(html) { return "<td>" + html + "</td>"; }

  function statusBadge(e) {
    var kind = { paid: "badge-ok", approved: "badge-info", returned: "badge-warn", submitted: "badge-info",
      rejected: "badge-err", abandoned: "badge-err", deleted: "badge-err" }[e.status] || "";
    return '<span class="badge ' + kind + '" data-testid="status-label">' + esc(e.status_label) + "</span>";
  }

  /* --- 选择考试 ------------------------------------------------------------------------------- */
  function listPage() {
    AUSM.api("GET", API + "/exams").then(function (exams) {
      var body = document.getElementById("exam-body");
      body.innerHTML = exams.length ? exams.map(function (x) {
        return '<tr data-testid="exam-row">' + cell(esc(x.name)) + cell(esc(x.level_label)) +
          cell('<a class="btn btn-sm btn-primary" href="/exam/' + esc(x.id) + '/provinces" data-testid="exam-enter">进入</a>') + "</tr>";
      }).join("") : '<tr><td colspan="3" class="empty">暂无考试</td></tr>';
    }, function (err) { alertBox(document.getElementById("exam-alert"), AUSM.errorText(err)); });
    if (document.body.getAttribute("data-caller") !== "person") return;
    AUSM.api("GET", API + "/exam/enrollments").then(function (items) {
      if (!items.length) return;
      document.getElementById("my-enrollments").hidden = false;
      document.getElementById("my-enrollments-body").innerHTML = items.map(function (e) {
        return '<tr data-testid="my-enrollment">' + cell(esc(e.year + "年" + e.level_label)) + cell(esc(e.region_name)) +
          cell(esc(e.enrollment_no || "—")) + cell(statusBadge(e)) +
          cell('<a href="/exam/enrollments/' + esc(e.id) + '" data-testid="my-enrollment-open">查看</a>') + "</tr>";
      }).join("");
    });
  }

  /* --- 省份选择 ------------------------------------------------------------------------------- */
  function provincesPage(root) {
    var examId = root.getAttribute("data-exam-id");
    AUSM.api("GET", API + "/exams/" + encodeURIComponent(examId) + "/provinces").then(function (table) {
      document.getElementById("exam-name").textContent = table.exam.name;
      document.getElementById("province-body").innerHTML = table.rows.map(function (r) {
        var enter = r.can_enter
          ? '<a class="btn btn-sm btn-primary" href="/exam/' + esc(examId) + "/provinces/" + esc(r.region_code) +
            '/notice" data-testid="enter-' + esc(r.region_code) + '">' + esc(r.state_label) + "</a>"
          : '<span class="muted" data-testid="state-' + esc(r.region_code) + '">' + esc(r.state_label) + "</span>";
        return '<tr data-region="' + esc(r.region_code) + '">' + cell(esc(r.region_name)) +
          cell('<span class="nowrap">' + esc(r.registration.text) + "</span>") +
          cell('<span class="nowrap">' + esc(r.payment.text) + "</span>") +
          cell('<button type="button" class="btn-link" data-phone="' + esc(r.phone) + '" data-name="' + esc(r.region_name) +
            '" data-testid="phone-' + esc(r.region_code) + '">' + esc(r.phone) + "</button>") +
          cell(r.notice_url ? '<a href="' + esc(r.notice_url) + '" target="_blank" rel="noopener">' + esc(r.notice_url) + "</a>" : "—") +
          cell(enter) + "</tr>";
      }).join("");
      root.querySelectorAll("[data-phone]").forEach(function (b) {
        b.addEventListener("click", function () {
          document.getElementById("phone-dialog-text").textContent = b.getAttribute("data-name") + "咨询电话：" + b.getAttribute("data-phone");
          AUSM.openDialog("phone-dialog");
        });
      });
    }, function (err) { alertBox(document.getElementById("province-alert"), AUSM.errorText(err)); });
    if (document.body.getAttribute("data-caller") !== "person") return;
    AUSM.api("GET", API + "/exam/enrollments").then(function (items) {
      var active = items.filter(function (e) {
        return e.exam_id === examId && ["deleted", "abandoned", "rejected"].indexOf(e.status) < 0;
      })[0];
      if (!active) return;
      var box = document.getElementById("active-enrollment");
      box.hidden = false;
      box.innerHTML = "您已在" + esc(active.region_name) + "报名本次考试（" + esc(active.status_label) +
        "）。每名考生只能选择一个省份。 <a href=\"/exam/enrollments/" + esc(active.id) + '" data-testid="active-open">继续报名</a>';
    });
  }

  /* --- 阅读须知 ------------------------------------------------------------------------------- */
  function noticePage(root) {
    var examId = root.getAttribute("data-exam-id"), region = root.getAttribute("data-region");
    var form = document.getElementById("notice-form");
    var accept = form.querySelector('[type="submit"]');
    var version = null;
    accept.disabled = true;                      // until the notice (and its version) is on the page
    AUSM.api("GET", API + "/exams/" + encodeURIComponent(examId) + "/provinces/" + encodeURIComponent(region)).then(function (r) {
      accept.disabled = false;
      document.getElementById("notice-region").textContent = r.exam.name + " · " + r.region_name;
      var notice = r.notice || { title: "阅读须知", body: "", version: null };
      version = notice.version;
      document.getElementById("notice-title").textContent = notice.title;
      document.getElementById("notice-body").textContent = notice.body;
      document.getElementById("notice-version").textContent = "第" + notice.version + "版，发布于 " + AUSM.fmtTime(notice.published_at);
    }, function (err) { AUSM.showErrors(form, err); });
    AUSM.bindForm(form, {
      url: API + "/exam/enrollments",
      transform: function (data) {
        return { exam_id: examId, region_code: region, notice_version: version, agree: !!data.agree, acknowledged: true };
      },
      validate: function (data) { return data.agree ? null : { agree: "请选择“完全同意”" }; },
      onSuccess: function (e) { location.assign("/exam/enrollments/" + e.id); },
      onError: function (err) {
        var id = err.body && err.body.enrollment_id;
        if (id) AUSM.showAlert(form, null, "error", esc(err.body.message) + ' <a href="/exam/enrollments/' + esc(id) + '">查看原报名</a>');
      }
    });
  }

  /* --- the enrollment's steps ---------------------------------------------------------------- */
  function enrollmentPage(root) {
    var id = root.getAttribute("data-enrollment-id");
    var base = API + "/exam/enrollments/" + encodeURIComponent(id);
    var state = { e: null, region: null, editing: false };
    var alertEl = document.getElementById("enr-alert");
    var SECTIONS = ["announcement", "route", "info", "proofs", "confirm", "result"];
    var BAR = { announcement: 1, route: 1, info: 1, proofs: 2, confirm: 3 };

    function show(name) {
      SECTIONS.forEach(function (s) { document.getElementById("sec-" + s).hidden = s !== name; });
      var step = BAR[name] || state.e.step;
      AUSM.examSteps(step);
      ({ announcement: renderAnnouncement, route: renderRoute, info: renderInfo, proofs: renderProofs,
        confirm: renderConfirm, result: renderResult })[name]();
      window.scrollTo(0, 0);
    }

    function sectionFor(e) {
      if (e.status === "draft") return ["announcement", "announcement", "route", "info", "proofs", "confirm"][Math.min(e.draft_step, 5)];
      if (e.status === "returned" && state.editing) return "info";
      return "result";
    }

    function load(e) {
      state.e = e;
      var who = e.person || {};
      document.getElementById("enr-title").textContent = e.exam.name + " 报名信息填写";
      document.getElementById("enr-who").textContent = "姓名：" + (who.name || "") + "　证件号码：" + (who.id_number || "") +
        "　报考地区：" + e.region_name + "　报考级别：" + e.level_label;
      document.getElementById("restart").hidden = ["draft", "submitted", "returned", "approved"].indexOf(e.status) < 0;
      show(sectionFor(e));
    }

    function fail(err, form) {
      if (form) AUSM.showErrors(form, err); else alertBox(alertEl, AUSM.errorText(err));
    }

    function call(method, path, body, form) {
      alertBox(alertEl, "");
      return AUSM.api(method, base + path, body).then(load, function (err) { fail(err, form); throw err; });
    }

    function region() {
      if (state.region) return Promise.resolve(state.region);
      return AUSM.api("GET", API + "/exams/" + state.e.exam_id + "/provinces/" + state.e.region_code).then(function (r) {
        state.region = r;
        return r;
      });
    }

    function renderAnnouncement() {
      region().then(function (r) {
        var a = r.announcement || { title: "通知公告", body: "", version: null };
        document.getElementById("ann-title").textContent = a.title;
        document.getElementById("ann-body").textContent = a.body;
        state.announcementVersion = a.version;
      });
    }

    function renderRoute() {
      var e = state.e, options = e.options || {};
      document.getElementById("route-info").innerHTML = "报考级别：<strong>" + esc(e.level_label) + "</strong>　报考省份：<strong>" +
        esc(e.region_name) + "</strong>　资格审核方式：" + esc(e.review_mode_label);
      document.getElementById("route-list").innerHTML = (options.routes || []).map(function (r) {
        var note = r.outcome === "eligible" ? '<span class="badge badge-ok">符合</span>' :
          r.outcome === "pending" ? '<span class="badge badge-info">填写报名信息后核验</span>' :
          (r.may_proceed ? '<span class="badge badge-warn">可报名，考后审核时核验</span>' : '<span class="badge badge-err">不符合</span>');
        var detail = (r.reasons || []).concat(r.fixes || []).concat(r.warnings || []).map(function (t) {
          return "<li>" + esc(t) + "</li>";
        }).join("");
        return '<label class="route-option" data-testid="route-' + esc(r.route) + '"><input type="radio" name="route" value="' +
          esc(r.route) + '"' + (e.route === r.route ? " checked" : "") + "> " + esc(r.label) + " " + note +
          (detail ? '<ul class="route-why" data-testid="route-why-' + esc(r.route) + '">' + detail + "</ul>" : "") + "</label>";
      }).join("") || '<p class="muted">请先填写学历和会计工作信息后，系统将核验报考条件</p>';
      var locality = document.getElementById("locality-field");
      locality.hidden = options.region_match !== false;
      document.getElementById("locality_reason").innerHTML = '<option value="">请选择</option>' +
        (options.locality_reasons || []).map(function (o) {
          return '<option value="' + esc(o.code) + '"' + ((e.locality || {}).reason === o.code ? " selected" : "") + ">" + esc(o.label) + "</option>";
        }).join("");
    }

    function optionList(list, chosen, blank) {
      return (blank ? '<option value="">' + blank + "</option>" : "") + (list || []).map(function (o) {
        return '<option value="' + esc(o.code) + '"' + (o.code === chosen ? " selected" : "") + ">" + esc(o.label) + "</option>";
      }).join("");
    }

    function renderInfo() {
      var e = state.e, options = e.options || {}, sites = options.sites || [];
      var cities = [];
      sites.forEach(function (s) { if (!cities.some(function (c) { return c.code === s.city_code; })) cities.push({ code: s.city_code, label: s.city_name }); });
      var citySel = document.getElementById("city"), siteSel = document.getElementById("site_id");
      var chosen = (e.site || {}).city_code || (cities[0] || {}).code;
      citySel.innerHTML = optionList(cities, chosen);
      function fillSites() {
        siteSel.innerHTML = '<option value="">请选择报名点</option>' + sites.filter(function (s) { return s.city_code === citySel.value; }).map(function (s) {
          return '<option value="' + esc(s.id) + '"' + ((e.site || {}).id === s.id ? " selected" : "") + (s.seats_left > 0 ? "" : " disabled") +
            ">" + esc(s.name) + "（剩余名额 " + s.seats_left + "）</option>";
        }).join("");
      }
      citySel.onchange = fillSites;
      fillSites();
      var taken = (e.subjects || []).map(function (s) { return s.code; });
      document.getElementById("subject-list").innerHTML = (options.subjects || []).map(function (s) {
        var carried = (options.carried || []).indexOf(s.code) >= 0;
        return '<label class="check-line"><input type="checkbox" name="subjects" value="' + esc(s.code) + '"' +
          (taken.indexOf(s.code) >= 0 || (!taken.length && !carried && e.level === "junior") ? " checked" : "") + (carried ? " disabled" : "") +
          ' data-testid="subject-' + esc(s.code) + '"> ' + esc(s.name) + "（报名费 " + esc(s.fee_yuan || "—") + " 元）" +
          (carried ? "（上一年度已合格）" : "") + "</label>";
      }).join("");
      var who = e.person || {};
      document.getElementById("person-box").innerHTML = "证件类型：" + esc(who.id_type_label || "") + "　证件号码：" + esc(who.id_number || "") +
        "　考生姓名：" + esc(who.name || "") + "　性别：" + esc(AUSM.genderLabel(who.gender)) + "　出生日期：" + esc(who.birth_date || "");
      var fromCollection = e.source === "collection";
      document.getElementById("source-note").textContent = fromCollection
        ? "以下信息来自您已审核通过的信息采集，不能在此修改（如需修改请使用“信息变更”）。姓名和证件号码来自实名认证信息。"
        : "您尚未完成信息采集（或未审核通过），请如实填写以下信息；姓名和证件号码来自实名认证信息。";
      document.getElementById("profile-box").innerHTML = fromCollection ? profileTables(e.profile || {}, e.photo) : "";
      document.getElementById("entered-box").hidden = fromCollection;
      if (!fromCollection) {
        var entered = e.entered || {};
        document.getElementById("e-education_level").innerHTML = optionList(options.education_levels, entered.education_level, "请选择");
        document.getElementById("e-degree").innerHTML = optionList(options.degrees, entered.degree, "请选择");
        document.getElementById("e-study_mode").innerHTML = optionList(options.study_modes, entered.study_mode, "请选择");
        ["school", "major", "graduated_on", "employer", "accounting_started_on", "accounting_ended_on"].forEach(function (k) {
          document.getElementById("e-" + k).value = entered[k] || "";
        });
      }
      showReasons(document.getElementById("info-form"));
    }

    function labelOf(list, code) {
      var found = (list || []).filter(function (o) { return o.code === code; })[0];
      return found ? found.label : (code || "");
    }

    function profileTables(p, photo) {
      var levels = (state.e.options || {}).education_levels;
      var edu = (p.education || []).map(function (s) {
        return "<tr>" + cell(esc(s.school)) + cell(esc(labelOf(levels, s.education_level))) + cell(esc(s.major)) +
          cell(esc((s.start_date || "") + " 至 " + (s.end_date || "至今"))) + "</tr>";
      }).join("");
      var work = (p.work || []).map(function (s) {
        return "<tr>" + cell(esc(s.employer)) + cell(esc((s.start_date || "") + " 至 " + (s.end_date || "至今"))) +
          cell(s.has_accounting_work ? "是" : "否") + "</tr>";
      }).join("");
      return (photo && photo.url ? '<img class="exam-photo" src="' + esc(photo.url) + '" alt="报名照片" data-testid="profile-photo">' : "") +
        '<h3 class="sub-title">学历信息</h3><div class="table-wrap"><table class="data" data-testid="profile-education"><thead><tr><th>学校</th><th>学历</th><th>专业</th><th>时间</th></tr></thead><tbody>' +
        edu + '</tbody></table></div><h3 class="sub-title">工作信息</h3><div class="table-wrap"><table class="data" data-testid="profile-work"><thead><tr><th>工作单位</th><th>时间</th><th>会计工作</th></tr></thead><tbody>' +
        work + "</tbody></table></div><p class=\"small muted\">会计管理部门：" + esc(p.department_name || "") + "</p>";
    }

    function showReasons(form) {
      var reasons = state.e.return_reasons || {};
      Object.keys(reasons).forEach(function (k) { AUSM.setFieldError(form, k, "退回原因：" + reasons[k]); });
    }

    function renderProofs() {
      var e = state.e, list = document.getElementById("proof-list");
      var slots = Object.keys(e.required_proofs || {});
      document.getElementById("proof-hint").textContent = slots.length ? "请上传以下材料（按文件内容检查格式和大小）" : "本省无需上传证明材料，请直接进入下一步";
      list.innerHTML = slots.map(function (slot) {
        var have = slot === "photo" ? e.photo : (e.proofs || {})[slot];
        var reason = (e.return_reasons || {})[slot];
        return '<form class="upload-card" data-slot="' + esc(slot) + '" data-testid="proof-' + esc(slot) + '"><h3>' + esc(e.required_proofs[slot]) + "</h3>" +
          (have ? '<p class="small"><a href="' + esc(have.url) + '" target="_blank" rel="noopener" data-testid="proof-link-' + esc(slot) + '">已上传</a></p>' : '<p class="small muted">未上传</p>') +
          (reason ? '<p class="return-reason" data-testid="proof-reason-' + esc(slot) + '">退回原因：' + esc(reason) + "</p>" : "") +
          '<input type="file" name="file" data-upload-purpose="' + (slot === "photo" ? "photo" : "proof") + '" data-upload-region="' + esc(e.region_code) +
          '" data-label="' + esc(e.required_proofs[slot]) + '" data-testid="proof-file-' + esc(slot) + '"><input type="hidden" name="slot" value="' + esc(slot) + '">' +
          '<div class="field-error" data-for="file"></div><div class="field-error" data-for="' + esc(slot) + '"></div>' +
          '<button type="submit" class="btn btn-sm" data-testid="proof-upload-' + esc(slot) + '">上传</button></form>';
      }).join("");
      list.querySelectorAll("form").forEach(function (form) {
        AUSM.uploadInput(form.querySelector('input[type="file"]'));
        AUSM.bindForm(form, { url: base + "/files", multipart: true, busyText: "上传中…",
          validate: function () { return form.querySelector('input[type="file"]').files.length ? null : { file: "请选择文件" }; },
          onSuccess: function (result) { state.e = result; show("proofs"); AUSM.toast("已上传"); } });
      });
    }

    function kv(label, value, testid) {
      return "<div><dt>" + esc(label) + '</dt><dd data-testid="' + (testid || "") + '">' + esc(value == null ? "" : value) + "</dd></div>";
    }

    function renderConfirm() {
      var e = state.e;
      document.getElementById("confirm-box").innerHTML = "<dl class=\"result-kv\">" + kv("报考省份", e.region_name) + kv("报考级别", e.level_label) +
        kv("报考条件", (e.eligibility || {}).label || "") + kv("报名点", e.site ? e.site.city_name + " " + e.site.name : "", "confirm-site") +
        kv("报考科目", (e.subjects || []).map(function (s) { return s.name; }).join("、"), "confirm-subjects") +
        kv("报名费", e.amount_yuan + " 元", "confirm-amount") + kv("姓名", (e.person || {}).name) +
        kv("证件号码", (e.person || {}).id_number) + "</dl>";
      var elig = e.eligibility || {};
      var warnings = (elig.outcome === "short" ? elig.reasons || [] : []).concat(elig.warnings || []);
      var box = document.getElementById("confirm-warnings");
      box.hidden = !warnings.length;
      box.textContent = warnings.join("；") + (warnings.length && e.review_mode === "post_exam" ? "。考后资格审核时将核验，审核不通过的考试成绩无效。" : "");
    }

    function renderResult() {
      var e = state.e;
      document.getElementById("result-box").innerHTML = kv("报名注册号", e.enrollment_no || "—", "enrollment-no") +
        kv("受理部门", e.accepting_department, "accepting-department") + kv("审核状态", e.status_label, "result-status") +
        kv("办理提示", e.guidance, "guidance") + kv("报考科目", (e.subjects || []).map(function (s) { return s.name; }).join("、")) +
        kv("报名费", e.amount_yuan + " 元") + kv("缴费时间", e.payment_window.text);
      var w = document.getElementById("result-warnings");
      w.hidden = !(e.warnings || []).length || !e.payable;
      w.innerHTML = "<strong>缴费前请注意：</strong><ul>" + (e.warnings || []).map(function (t) { return "<li>" + esc(t) + "</li>"; }).join("") + "</ul>";
      var reasons = Object.keys(e.return_reasons || {});
      var r = document.getElementById("result-reasons");
      r.hidden = !reasons.length || e.status !== "returned";
      r.innerHTML = "<strong>退回原因：</strong><ul>" + reasons.map(function (k) { return "<li>" + esc(e.return_reasons[k]) + "</li>"; }).join("") + "</ul>";
      var pdf = document.getElementById("form-pdf");
      pdf.hidden = !e.form_available;
      pdf.href = base + "/form.pdf";
      document.getElementById("edit-enrollment").hidden = e.status !== "returned";
      var pay = document.getElementById("pay-link");
      pay.hidden = !e.payable;
      pay.href = "/exam/enrollments/" + encodeURIComponent(id) + "/payment";
      var textbook = document.getElementById("textbook");
      textbook.hidden = !e.textbook_qr;
      if (e.textbook_qr) document.getElementById("textbook-qr").src = e.textbook_qr;
      var q = document.getElementById("questionnaire");
      q.href = e.questionnaire_url || "#";
      q.hidden = !e.questionnaire_url;
      var scores = document.getElementById("scores");
      scores.hidden = !(e.scores || []).length;
      document.getElementById("score-body").innerHTML = (e.scores || []).map(function (s) {
        return "<tr>" + cell(esc(s.name)) + cell(esc(s.score)) + cell(s.voided ? "成绩无效" : (s.passed ? "合格" : "不合格")) + "</tr>";
      }).join("");
      document.getElementById("post-review-form").hidden = e.post_review_status !== "awaiting" || !(e.scores || []).length;
    }

    AUSM.bindForm(document.getElementById("ann-form"), { url: base + "/announcement",
      transform: function () { return { announcement_version: state.announcementVersion, acknowledged: true }; },
      onSuccess: load });
    AUSM.bindForm(document.getElementById("route-form"), { url: base + "/route", method: "PUT",
      validate: function (data) { return data.route ? null : { route: "请选择报考条件" }; },
      transform: function (data) { return { route: data.route, locality_reason: data.locality_reason || null }; },
      onSuccess: load });
    AUSM.bindForm(document.getElementById("info-form"), { url: base + "/info", method: "PUT",
      transform: function (data, form) {
        var subjects = Array.prototype.map.call(form.querySelectorAll('input[name="subjects"]:checked'), function (i) { return i.value; });
        var entered = {};
        Object.keys(data).forEach(function (k) { if (k.indexOf("entered.") === 0) entered[k.slice(8)] = data[k]; });
        return { site_id: data.site_id, subjects: subjects, entered: entered };
      },
      onSuccess: function (e) { state.editing = false; state.e = e; show("proofs"); } });
    document.getElementById("proofs-next").addEventListener("click", function () {
      var missing = Object.keys(state.e.missing_proofs || {});
      if (missing.length) { alertBox(alertEl, "请上传：" + missing.map(function (k) { return state.e.missing_proofs[k]; }).join("、")); return; }
      show("confirm");
    });
    document.getElementById("submit-enrollment").addEventListener("click", function (ev) {
      var button = ev.currentTarget;
      AUSM.setBusy(button, true, "提交中…");
      call("POST", "/submission").then(function () { AUSM.setBusy(button, false); }, function () { AUSM.setBusy(button, false); });
    });
    root.querySelectorAll("[data-goto]").forEach(function (b) {
      b.addEventListener("click", function () { show(b.getAttribute("data-goto")); });
    });
    document.getElementById("edit-enrollment").addEventListener("click", function () { state.editing = true; show("info"); });
    document.getElementById("restart").addEventListener("click", function () { AUSM.openDialog("restart-dialog"); });
    AUSM.bindForm(document.getElementById("restart-form"), { url: base + "/deletion",
      onSuccess: function (e) { AUSM.closeDialog("restart-dialog"); location.assign("/exam/" + e.exam_id + "/provinces"); } });
    AUSM.bindForm(document.getElementById("post-review-form"), { url: base + "/post-review", multipart: true,
      onSuccess: function (e) { load(e); AUSM.toast("考后资格审核材料已提交"); } });
    AUSM.api("GET", base).then(load, function (err) { fail(err); });
  }

  /* --- 报名表核验 ------------------------------------------------------------------------------ */
  function verifyPage(root) {
    var box = document.getElementById("verify-result");
    var code = new URLSearchParams(location.search).get("code") || "";
    AUSM.api("GET", API + "/exam/verify/" + encodeURIComponent(root.getAttribute("data-enrollment-no")) + "?code=" + encodeURIComponent(code)).then(function (v) {
      box.innerHTML = '<p class="alert alert-success" data-testid="verify-ok">该报名表真实有效</p><dl class="result-kv">' +
        "<div><dt>报名注册号</dt><dd>" + esc(v.enrollment_no) + "</dd></div><div><dt>考试</dt><dd>" + esc(v.exam_name) + "</dd></div>" +
        "<div><dt>姓名</dt><dd>" + esc(v.name) + "</dd></div><div><dt>证件号码</dt><dd>" + esc(v.id_number) + "</dd></div>" +
        "<div><dt>报考省份</dt><dd>" + esc(v.region_name) + '</dd></div><div><dt>状态</dt><dd data-testid="verify-status">' + esc(v.status_label) + "</dd></div></dl>";
    }, function (err) { box.innerHTML = '<p class="alert alert-error" data-testid="verify-fail">' + esc(AUSM.errorText(err)) + "</p>"; });
  }

  AUSM.ready(function () {
    var root = document.querySelector("[data-exam-page]");
    if (!root) return;
    ({ list: listPage, provinces: provincesPage, notice: noticePage, enrollment: enrollmentPage, verify: verifyPage })[
      root.getAttribute("data-exam-page")](root);
  });
})();
