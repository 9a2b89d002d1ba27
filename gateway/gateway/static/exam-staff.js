/* 会计专业技术资格考试, the staff pages: 考试报名设置, 资格审核 (with 考后资格审核) and 成绩导入.
 * Found by [data-exam-staff]; labels and choices come from the API; no inline script (strict CSP). */
(function () {
  "use strict";
  var esc = AUSM.esc;
  var API = "/api/v1";

  function cell(html) { return "<td>" + html + "</td>"; }

  /** The exam and region selects; onChange(examId, regionCode) whenever either changes. */
  function picker(onChange) {
    var examSel = document.getElementById("pick-exam"), regionSel = document.getElementById("pick-region");
    return AUSM.api("GET", API + "/staff/exam/overview").then(function (o) {
      examSel.innerHTML = o.exams.map(function (x) { return '<option value="' + esc(x.id) + '">' + esc(x.name) + "</option>"; }).join("");
      function regions() {
        return AUSM.api("GET", API + "/exams/" + examSel.value + "/provinces").then(function (t) {
          var rows = o.national ? t.rows : t.rows.filter(function (r) { return r.region_code === o.department_code; });
          regionSel.innerHTML = rows.map(function (r) { return '<option value="' + esc(r.region_code) + '">' + esc(r.region_name) + "</option>"; }).join("");
          if (regionSel.value) onChange(examSel.value, regionSel.value);
        });
      }
      examSel.addEventListener("change", regions);
      regionSel.addEventListener("change", function () { onChange(examSel.value, regionSel.value); });
      return regions().then(function () { return o; });
    });
  }

  function beijing(iso) { return AUSM.fmtTime(iso); }

  /* --- 考试报名设置 ----------------------------------------------------------------------------- */
  function settingsPage() {
    var current = {};
    var windowForm = document.getElementById("window-form");

    function render(r) {
      current.region = r;
      var f = windowForm.elements;
      f.registration_opens_at.value = beijing(r.registration.opens_at);
      f.registration_closes_at.value = beijing(r.registration.closes_at);
      f.payment_opens_at.value = beijing(r.payment.opens_at);
      f.payment_closes_at.value = beijing(r.payment.closes_at);
      f.review_mode.value = r.review_mode;
      f.phone.value = r.phone;
      f.notice_url.value = r.notice_url;
      f.textbook_url.value = r.textbook_url;
      f.questionnaire_url.value = r.questionnaire_url;
      document.getElementById("fee-fields").innerHTML = r.fees.map(function (fee) {
        return '<div class="field"><label for="fee-' + esc(fee.code) + '">' + esc(fee.name) + '</label><input id="fee-' + esc(fee.code) +
          '" name="fee.' + esc(fee.code) + '" inputmode="decimal" value="' + esc(fee.fee_yuan || "") + '" data-testid="fee-' + esc(fee.code) +
          '"><div class="field-error" data-for="fees.' + esc(fee.code) + '"></div></div>';
      }).join("");
      var lines = [];
      Object.keys(r.required_proofs || {}).forEach(function (route) {
        r.required_proofs[route].forEach(function (p) { lines.push(route + " | " + p.slot + " | " + p.label); });
      });
      f.proofs_text.value = lines.join("\n");
      document.getElementById("notice-body-list").innerHTML = (r.notices || []).map(function (n) {
        return "<tr>" + cell(esc(n.kind_label)) + cell("第" + n.version + "版") + cell(esc(n.title)) + cell(esc(beijing(n.published_at))) + "</tr>";
      }).join("");
      document.getElementById("site-body").innerHTML = (r.sites || []).map(function (s) {
        return '<tr data-testid="site-row">' + cell(esc(s.city_name)) + cell(esc(s.name)) + cell(s.quota) + cell(s.taken) + cell(s.active ? "开放" : "停用") +
          cell('<input type="number" min="' + s.taken + '" value="' + s.quota + '" aria-label="' + esc(s.name) + '名额" data-site="' + esc(s.id) +
            '"> <button type="button" class="btn btn-sm" data-save-site="' + esc(s.id) + '">保存</button>') + "</tr>";
      }).join("");
      document.querySelectorAll("[data-save-site]").forEach(function (b) {
        b.addEventListener("click", function () {
          var site = r.sites.filter(function (s) { return s.id === b.getAttribute("data-save-site"); })[0];
          var quota = Number(document.querySelector('[data-site="' + site.id + '"]').value);
          AUSM.api("POST", API + "/staff/exam/" + current.exam + "/regions/" + current.code + "/sites",
            { id: site.id, city_code: site.city_code, city_name: site.city_name, name: site.name, address: site.address, quota: quota, active: site.active })
            .then(function () { AUSM.toast("已保存"); load(); }, function (err) { AUSM.toast(AUSM.errorText(err)); });
        });
      });
    }

    function load() {
      return AUSM.api("GET", API + "/staff/exam/" + current.exam + "/regions/" + current.code).then(render, function (err) {
        AUSM.showErrors(windowForm, err);
      });
    }

    picker(function (exam, code) { current.exam = exam; current.code = code; load(); }).then(function (o) {
      document.getElementById("plan-card").hidden = !o.national;
    });
    AUSM.bindForm(windowForm, { method: "PUT",
      url: function () { return API + "/staff/exam/" + current.exam + "/regions/" + current.code; },
      transform: function (data) {
        var fees = {}, proofs = {};
        Object.keys(data).forEach(function (k) {
          if (k.indexOf("fee.") === 0 && data[k] !== "") fees[k.slice(4)] = Math.round(Number(data[k]) * 100);
        });
        (data.proofs_text || "").split("\n").forEach(function (line) {
          var parts = line.split("|").map(function (p) { return p.trim(); });
          if (parts.length === 3 && parts[0]) (proofs[parts[0]] = proofs[parts[0]] || []).push({ slot: parts[1], label: parts[2] });
        });
        return { registration_opens_at: data.registration_opens_at, registration_closes_at: data.registration_closes_at,
          payment_opens_at: data.payment_opens_at, payment_closes_at: data.payment_closes_at, review_mode: data.review_mode,
          phone: data.phone, notice_url: data.notice_url, textbook_url: data.textbook_url, questionnaire_url: data.questionnaire_url,
          fees: fees, required_proofs: proofs };
      },
      onSuccess: function (r) { render(r); AUSM.showAlert(windowForm, "已保存", "success"); } });
    AUSM.bindForm(document.getElementById("notice-form"), {
      url: function () { return API + "/staff/exam/" + current.exam + "/regions/" + current.code + "/notices"; },
      onSuccess: function (n, form) { AUSM.showAlert(form, "已发布第" + n.version + "版", "success"); load(); } });
    AUSM.bindForm(document.getElementById("site-form"), {
      url: function () { return API + "/staff/exam/" + current.exam + "/regions/" + current.code + "/sites"; },
      transform: function (data) { return { city_code: data.city_code, city_name: data.city_name, name: data.name, quota: Number(data.quota) }; },
      onSuccess: function (s, form) { form.reset(); AUSM.showAlert(form, "已新增报名点：" + s.name, "success"); load(); } });
    AUSM.bindForm(document.getElementById("plan-form"), { url: API + "/staff/exam/plans",
      transform: function (data) { return { year: Number(data.year), level: data.level }; },
      onSuccess: function (p, form) { AUSM.showAlert(form, "已保存：" + p.name, "success"); } });
  }

  /* --- 资格审核 ----------------------------------------------------------------------------------- */
  function reviewsPage() {
    var status = "submitted", detailId = null;
    var detail = document.getElementById("detail");

    function list() {
      AUSM.api("GET", API + "/staff/exam/enrollments?status=" + status).then(function (items) {
        document.getElementById("queue-body").innerHTML = items.length ? items.map(function (e) {
          return '<tr data-testid="queue-row">' + cell(esc(e.enrollment_no || "")) + cell(esc(e.name)) + cell(esc(e.id_number)) +
            cell(esc(e.year + "年" + e.level_label + " · " + e.region_name)) + cell(esc(e.status_label)) + cell(esc(e.post_review_status === "submitted" ? "待审核" : "")) +
            cell('<button type="button" class="btn btn-sm" data-open="' + esc(e.id) + '" data-testid="queue-open">审核</button>') + "</tr>";
        }).join("") : '<tr><td colspan="7" class="empty">暂无记录</td></tr>';
        document.querySelectorAll("[data-open]").forEach(function (b) {
          b.addEventListener("click", function () { open(b.getAttribute("data-open")); });
        });
      });
    }

    function kv(label, value, testid) {
      return "<div><dt>" + esc(label) + '</dt><dd data-testid="' + (testid || "") + '">' + esc(value == null ? "" : value) + "</dd></div>";
    }

    function reasonItems(e) {
      var items = [["route", "报考条件"], ["site_id", "报名点"], ["subjects", "报考科目"]];
      Object.keys(e.required_proofs || {}).forEach(function (slot) { items.push([slot, e.required_proofs[slot]]); });
      if (e.source === "entered") {
        [["entered.education_level", "学历层次"], ["entered.school", "毕业院校"], ["entered.graduated_on", "毕业时间"],
          ["entered.accounting_started_on", "会计工作开始时间"]].forEach(function (i) { items.push(i); });
      }
      return items.map(function (i) {
        return '<div class="reason-item"><label for="r-' + esc(i[0]) + '">' + esc(i[1]) + '</label><input id="r-' + esc(i[0]) +
          '" data-reason="' + esc(i[0]) + '" maxlength="500" placeholder="退回原因（可选）" data-testid="reason-' + esc(i[0]) + '"></div>';
      }).join("");
    }

    function render(e) {
      detailId = e.id;
      detail.hidden = false;
      var p = e.person || {}, elig = e.eligibility || {};
      document.getElementById("detail-title").textContent = "报名详情：" + (e.enrollment_no || "");
      document.getElementById("detail-kv").innerHTML = kv("姓名", p.name, "detail-name") + kv("证件号码", p.id_number) + kv("手机号码", p.phone) +
        kv("报考", e.exam.name + " · " + e.region_name) + kv("报考条件", elig.label) + kv("条件核验", (elig.reasons || []).concat(elig.warnings || []).join("；") || "符合") +
        kv("报名点", e.site ? e.site.city_name + " " + e.site.name : "") + kv("科目", (e.subjects || []).map(function (s) { return s.name; }).join("、")) +
        kv("信息来源", e.source_label) + kv("属地", (e.locality || {}).matches === false ? "异地报考：" + e.locality.reason_label : "本地") +
        kv("状态", e.status_label, "detail-status");
      var files = [];
      if (e.photo) files.push('<a href="' + esc(e.photo.url) + '" target="_blank" rel="noopener">报名照片</a>');
      Object.keys(e.proofs || {}).forEach(function (k) {
        if (e.proofs[k]) files.push('<a href="' + esc(e.proofs[k].url) + '" target="_blank" rel="noopener" data-testid="detail-proof-' + esc(k) + '">' + esc(e.proofs[k].label || k) + "</a>");
      });
      var edu = ((e.profile || {}).education || []).map(function (s) { return esc(s.school + " " + s.major + "（" + (s.end_date || "在读") + "）"); });
      document.getElementById("detail-proofs").innerHTML = "<p>证明材料：" + (files.join("　") || "无") + "</p><p>教育经历：" + (edu.join("；") || esc(JSON.stringify(e.entered || {}))) + "</p>";
      var decision = document.getElementById("decision-form");
      decision.hidden = e.status !== "submitted";
      document.getElementById("reason-items").innerHTML = reasonItems(e);
      var post = document.getElementById("post-form");
      post.hidden = e.post_review_status !== "submitted";
      document.getElementById("post-materials").innerHTML = e.post_review_materials ?
        '考后审核材料：<a href="' + esc(e.post_review_materials.url) + '" target="_blank" rel="noopener">查看</a>' : "";
      detail.scrollIntoView();
    }

    function open(id) { AUSM.api("GET", API + "/staff/exam/enrollments/" + id).then(render, function (err) { AUSM.toast(AUSM.errorText(err)); }); }

    document.querySelectorAll("#queue-tabs [data-status]").forEach(function (tab) {
      tab.addEventListener("click", function () {
        document.querySelectorAll("#queue-tabs [data-status]").forEach(function (t) { t.setAttribute("aria-selected", t === tab ? "true" : "false"); });
        status = tab.getAttribute("data-status");
        detail.hidden = true;
        list();
      });
    });
    var chosen = null;
    ["decision-form", "post-form"].forEach(function (formId) {
      document.getElementById(formId).querySelectorAll('button[name="decision"]').forEach(function (b) {
        b.addEventListener("click", function () { chosen = b.value; });
      });
    });
    AUSM.bindForm(document.getElementById("decision-form"), {
      url: function () { return API + "/staff/exam/enrollments/" + detailId + "/decision"; },
      transform: function (data, form) {
        var reasons = {};
        form.querySelectorAll("[data-reason]").forEach(function (i) { if (i.value.trim()) reasons[i.getAttribute("data-reason")] = i.value.trim(); });
        return { decision: chosen, reasons: reasons };
      },
      onSuccess: function (e) { render(e); AUSM.toast("已" + e.status_label); list(); } });
    AUSM.bindForm(document.getElementById("post-form"), {
      url: function () { return API + "/staff/exam/enrollments/" + detailId + "/post-review-decision"; },
      transform: function (data) { return { decision: chosen, reason: data.reason || "" }; },
      onSuccess: function (e) { render(e); AUSM.toast(e.post_review_label); list(); } });
    list();
  }

  /* --- 成绩导入 ----------------------------------------------------------------------------------- */
  function scoresPage() {
    var current = {};
    picker(function (exam, code) { current.exam = exam; current.code = code; });
    AUSM.bindForm(document.getElementById("score-form"), { multipart: true,
      url: function () { return API + "/staff/exam/" + current.exam + "/regions/" + current.code + "/scores"; },
      onSuccess: function (report) {
        document.getElementById("score-report").hidden = false;
        document.getElementById("score-summary").textContent = "导入成功 " + report.saved + " 行（" + report.people + " 名考生），未导入 " + report.refused + " 行";
        document.getElementById("score-errors").innerHTML = report.errors.map(function (e) {
          return '<tr data-testid="score-error">' + cell("第" + e.line + "行") + cell(esc(e.field)) + cell(esc(e.message)) + "</tr>";
        }).join("");
      } });
  }

  AUSM.ready(function () {
    var root = document.querySelector("[data-exam-staff]");
    if (!root) return;
    ({ settings: settingsPage, reviews: reviewsPage, scores: scoresPage })[root.getAttribute("data-exam-staff")]();
  });
})();
