/* 会计人员继续教育 (manual 004 §8): 查看继续教育情况 (the yearly table and a year's detail) and 管理继续教育申请
 * (the list and the form of every 继续教育形式). Found by [data-cpe]; 年度 and credits come from the service;
 * no inline script (strict CSP). */
(function () {
  "use strict";
  var esc = AUSM.esc;
  var API = "/api/v1/cpe";

  function cell(html) { return "<td>" + html + "</td>"; }
  function num(x) { return x === null || x === undefined ? "" : String(Math.round(Number(x) * 10) / 10); }
  function statusBox(el, y) {
    el.hidden = false;
    el.className = "alert " + (y.met ? "alert-success" : "alert-warn");
    el.textContent = y.message;
  }

  /* --- 查看继续教育情况 ---------------------------------------------------------------------------- */
  function yearsPage() {
    AUSM.api("GET", API + "/years").then(function (years) {
      var body = document.getElementById("years-body");
      var withCredits = years.filter(function (y) { return y.total > 0 || y === years[0]; });
      body.innerHTML = withCredits.map(function (y, i) {
        return '<tr data-testid="cpe-year-row" data-year="' + y.year + '">' + cell(i + 1) + cell(y.year) + cell(num(y.total)) +
          cell(num(y.public)) + cell(num(y.professional)) +
          cell('<a href="/cpe/years/' + y.year + '" data-testid="cpe-year-view">查看</a>') + "</tr>";
      }).join("") || '<tr><td colspan="6" class="empty">暂无数据</td></tr>';
      document.getElementById("years-count").textContent = "共 " + withCredits.length + " 条";
      if (years.length) statusBox(document.getElementById("current-status"), years[0]);
    }, function (err) { AUSM.toast(AUSM.errorText(err)); });
  }

  function yearPage(root) {
    var year = root.getAttribute("data-year");
    AUSM.api("GET", API + "/years/" + year).then(function (y) {
      statusBox(document.getElementById("year-status"), y);
      document.getElementById("sum-total").textContent = num(y.total);
      document.getElementById("sum-professional").textContent = num(y.professional);
      document.getElementById("sum-public").textContent = num(y.public);
      document.getElementById("sum-required").textContent = "总学分不少于" + num(y.required_total) + "，专业科目不少于" + num(y.required_professional);
      document.getElementById("entries-body").innerHTML = y.entries.map(function (e, i) {
        return '<tr data-testid="cpe-entry-row">' + cell(i + 1) + cell(esc(e.passed_at)) + cell(num(e.total)) + cell(num(e.professional)) +
          cell(num(e.public)) + cell(esc(e.method_label)) + cell(esc(e.reason)) + "</tr>";
      }).join("") || '<tr><td colspan="7" class="empty">暂无数据</td></tr>';
      document.getElementById("entries-count").textContent = "共 " + y.entries.length + " 条";
    }, function (err) { AUSM.showAlert(document.getElementById("year-status"), AUSM.errorText(err), "error"); });
  }

  /* --- 管理继续教育申请 ---------------------------------------------------------------------------- */
  function subjectOf(a) {
    var d = a.data || {};
    return d.title || d.name || d.subject || d.course || d.institution || d.place || "";
  }

  function applicationsPage() {
    var alertBox = document.getElementById("list-alert");
    function load() {
      return AUSM.api("GET", API + "/applications").then(function (list) {
        document.getElementById("applications-body").innerHTML = list.map(function (a, i) {
          var actions = ['<a href="/cpe/applications/' + a.id + '" data-testid="cpe-app-open">' + (a.editable ? "修改" : "查看") + "</a>"];
          if (a.withdrawable) actions.push('<button type="button" class="btn-link" data-withdraw="' + a.id + '" data-testid="cpe-app-withdraw">撤回</button>');
          var status = esc(a.status_label) + (a.return_reason ? '<div class="muted cpe-reason">退回原因：' + esc(a.return_reason) + "</div>" : "");
          return '<tr data-testid="cpe-app-row" data-status="' + a.status + '" data-form="' + a.form + '">' + cell(i + 1) + cell(esc(a.form_label)) +
            cell(esc(subjectOf(a))) + cell(a.year) + cell(num(a.credits)) + cell(status) + cell(esc(a.updated_at)) + cell(actions.join(" ")) + "</tr>";
        }).join("") || '<tr><td colspan="8" class="empty">暂无数据</td></tr>';
        document.querySelectorAll("[data-withdraw]").forEach(function (b) {
          b.addEventListener("click", function () {
            AUSM.confirm("确定撤回该申请吗？", "撤回").then(function (ok) {
              if (!ok) return;
              AUSM.api("POST", API + "/applications/" + b.getAttribute("data-withdraw") + "/withdrawal").then(function () {
                AUSM.toast("已撤回"); load();
              }, function (err) { AUSM.showAlert(alertBox, AUSM.errorText(err), "error"); });
            });
          });
        });
      }, function (err) { AUSM.showAlert(alertBox, AUSM.errorText(err), "error"); });
    }
    if (/submitted=1/.test(location.search)) AUSM.showAlert(alertBox, "已提交审核，待会计管理部门审核通过后计入对应年度的继续教育学分。", "success");
    load();
  }

  /* --- the form of each 继续教育形式 ----------------------------------------------------------------- */
  var FIELDS = {
    training: [["start_date", "培训开始时间", "date"], ["end_date", "培训结束时间", "date"], ["institution", "培训机构名称", "text"]],
    public_training: [["start_date", "培训开始时间", "date"], ["end_date", "培训结束时间", "date"], ["institution", "培训单位名称", "text"]],
    paper: [["published_on", "论文发表时间", "date"], ["title", "论文题目", "text"], ["authors", "论文作者", "text"],
      ["journal", "期刊名称", "text"], ["issue", "期刊期数", "text"], ["journal_no_kind", "期刊刊号", "radio", "journal_no_kinds"],
      ["journal_no", "刊号", "text"], ["author_rank", "作者位次", "select", "author_ranks"]],
    conference: [["start_date", "会议开始时间", "date"], ["end_date", "会议结束时间", "date"], ["days", "与会天数", "number"],
      ["place", "会议地点", "text"], ["content", "会议内容", "textarea"]],
    book: [["published_month", "著作出版年月", "month"], ["title", "著作名称", "text"], ["authors", "著作作者", "text"],
      ["author_rank", "作者位次", "select", "author_ranks"], ["publisher", "出版社（填写全称）", "text"], ["isbn", "书号", "text"]],
    exam: [["exam_type", "考试类型", "select", "exam_types"], ["subject", "考试科目", "text"], ["exam_date", "考试时间", "date"],
      ["score", "考试成绩", "number"]],
    degree_course: [["enrolled_on", "入学时间", "date"], ["passed_on", "成绩合格时间", "date"], ["school", "所在院校", "text"],
      ["major", "所学专业", "text"], ["course", "所学课程", "text"], ["course_score", "课程成绩", "text"], ["education", "学历", "select", "educations"]],
    research_project: [["completed_on", "结项时间", "date"], ["started_on", "立项时间", "date"], ["name", "课题名称", "text"],
      ["number", "课题编号", "text"], ["sponsor", "课题委托单位", "text"], ["undertaker", "课题承接人", "text"],
      ["independent", "是否独立承担", "select", "yesno"], ["host", "是否主持", "select", "yesno"]]
  };
  FIELDS.online_training = FIELDS.offline_training = FIELDS.training;
  var ROW_FIELDS = {
    professional: [["subject_type", "专业科目类型", "select", "subject_types"], ["subject", "专业科目名称", "text"],
      ["sub_subject", "专业科目子科目名称", "text"], ["minutes", "培训时长（分钟）", "number"], ["credits", "获得继续教育学分", "readonly"],
      ["content", "培训内容", "textarea"]],
    public: [["minutes", "培训时长（分钟）", "number"], ["credits", "获得继续教育学分", "readonly"], ["content", "培训内容", "textarea"]]
  };
  var TRAINING = ["online_training", "offline_training", "public_training"];

  function choices(options, key) {
    if (key === "yesno") return [{ code: "true", label: "是" }, { code: "false", label: "否" }];
    return (options[key] || []).map(function (c) { return typeof c === "string" ? { code: c, label: c } : c; });
  }

  function control(options, f, prefix) {
    var name = prefix + f[0], id = "f-" + name.replace(/\./g, "-"), type = f[2];
    var attrs = ' id="' + id + '" name="' + name + '" data-testid="cpe-' + f[0] + '"';
    if (type === "select") {
      return '<select' + attrs + '><option value="">请选择' + esc(f[1]) + "</option>" + choices(options, f[3]).map(function (c) {
        return '<option value="' + esc(c.code) + '">' + esc(c.label) + "</option>";
      }).join("") + "</select>";
    }
    if (type === "radio") {
      return '<div class="row" role="radiogroup" aria-label="' + esc(f[1]) + '">' + choices(options, f[3]).map(function (c, i) {
        return '<label><input type="radio" name="' + name + '" value="' + esc(c.code) + '"' + (i === 0 ? " checked" : "") +
          ' data-testid="cpe-' + f[0] + "-" + esc(c.code) + '"> ' + esc(c.label) + "</label>";
      }).join(" ") + "</div>";
    }
    if (type === "textarea") return "<textarea" + attrs + ' rows="3" maxlength="500" placeholder="请填写' + esc(f[1]) + '"></textarea>';
    if (type === "readonly") return "<input" + attrs + ' readonly data-locked placeholder="由系统按本省折算标准计算">';
    var extra = type === "number" ? ' type="number" min="0" step="' + (f[0] === "score" ? "0.1" : "1") + '"' :
      (type === "date" ? ' type="date"' : (type === "month" ? ' type="month"' : ' type="text" maxlength="200"'));
    var hint = type === "date" || type === "month" ? "请选择" : "请填写";
    return "<input" + attrs + extra + ' placeholder="' + hint + esc(f[1]) + '">';
  }

  function fieldHtml(options, f, prefix, extraClass) {
    var name = prefix + f[0];
    return '<div class="field ' + (extraClass || "") + '" data-field="' + f[0] + '"><label for="f-' + name.replace(/\./g, "-") + '">' +
      (f[2] === "readonly" ? "" : '<span class="req">*</span> ') + esc(f[1]) + "</label>" + control(options, f, prefix) +
      '<div class="field-error" data-for="' + name + '"></div></div>';
  }

  function formPage(root) {
    var form = document.getElementById("cpe-form");
    var select = document.getElementById("f-form");
    var id = root.getAttribute("data-application-id");
    var kind = root.getAttribute("data-kind") || "professional";
    var options = null, current = null, rows = [], rowCredits = [];

    function formCode() { return select.value; }
    function yearInfo() { return (options.forms.filter(function (f) { return f.code === formCode(); })[0]) || {}; }
    function rowKind() { return formCode() === "public_training" ? "public" : "professional"; }

    function renderFields() {
      var code = formCode(), info = yearInfo();
      var defs = FIELDS[code] || [];
      var html = defs.map(function (f) { return fieldHtml(options, f, "data.", f[2] === "textarea" ? "span-2" : ""); });
      var yearField = '<div class="field" data-field="year"><label for="f-year"><span class="req">*</span> ' + esc(info.year_label || "年度") +
        '</label><input id="f-year" name="year_display" readonly data-locked data-testid="cpe-year" placeholder="年度根据' +
        esc((defs.filter(function (f) { return f[0] === info.year_field; })[0] || [0, "日期"])[1]) + '自动生成"></div>';
      var at = defs.map(function (f) { return f[0]; }).indexOf(info.year_field);
      html.splice(at + 1, 0, yearField);
      document.getElementById("form-fields").innerHTML = html.join("");
      var source = form.querySelector('[name="data.' + info.year_field + '"]');
      if (source) source.addEventListener("change", function () {
        var v = source.value;
        document.getElementById("f-year").value = /^\d{4}/.test(v) ? v.slice(0, 4) : "";
      });
      var independent = form.querySelector('[name="data.independent"]');
      if (independent) {
        var host = form.querySelector('[data-field="host"]');
        var sync = function () { host.hidden = independent.value !== "false"; };
        independent.addEventListener("change", sync); sync();
      }
      var training = TRAINING.indexOf(code) >= 0;
      document.getElementById("rows-section").hidden = !training;
      if (training) renderRowsHead();
      renderRows();
      document.getElementById("preview").hidden = true;
    }

    function renderRowsHead() {
      document.getElementById("rows-head").innerHTML = rowKind() === "public" ?
        "<tr><th>序号</th><th>培训内容</th><th>培训时长 (分钟)</th><th>获得继续教育学分</th><th>操作</th></tr>" :
        "<tr><th>#</th><th>培训内容</th><th>专业科目类型</th><th>专业科目名称</th><th>专业科目子科目名称</th><th>培训时长 (分钟)</th><th>获得继续教育学分</th><th>操作</th></tr>";
      document.getElementById("row-fields").innerHTML = ROW_FIELDS[rowKind()].map(function (f) {
        return fieldHtml(options, f, "row.", f[2] === "textarea" ? "span-2" : "");
      }).join("");
    }

    function renderRows() {
      var pub = rowKind() === "public";
      document.getElementById("rows-body").innerHTML = rows.map(function (r, i) {
        var credits = rowCredits[i] !== undefined ? num(rowCredits[i]) : "提交时计算";
        var cells = pub ? [i + 1, esc(r.content), r.minutes, credits] :
          [i + 1, esc(r.content), esc(r.subject_type), esc(r.subject), esc(r.sub_subject), r.minutes, credits];
        return '<tr data-testid="cpe-row">' + cells.map(cell).join("") +
          cell('<button type="button" class="btn-link" data-remove-row="' + i + '">删除</button>') + "</tr>";
      }).join("") || '<tr><td colspan="8" class="empty">暂无数据</td></tr>';
      document.querySelectorAll("[data-remove-row]").forEach(function (b) {
        b.addEventListener("click", function () {
          rows.splice(Number(b.getAttribute("data-remove-row")), 1); rowCredits = []; renderRows(); quietPreview();
        });
      });
    }

    function collect() {
      var data = {};
      (FIELDS[formCode()] || []).forEach(function (f) {
        var value;
        if (f[2] === "radio") {
          var checked = form.querySelector('[name="data.' + f[0] + '"]:checked');
          value = checked ? checked.value : "";
        } else {
          var el = form.querySelector('[name="data.' + f[0] + '"]');
          value = el ? String(el.value).trim() : "";
          if (el && el.closest("[hidden]")) value = "";
        }
        if (value === "") return;
        if (f[3] === "yesno") value = value === "true";
        else if (f[2] === "number" && f[0] !== "score") value = Number(value);
        data[f[0]] = value;
      });
      if (TRAINING.indexOf(formCode()) >= 0) data.rows = rows.slice();
      return { form: formCode(), data: data };
    }

    function fill(a) {
      select.value = a.form;
      renderFields();
      var data = a.data || {};
      (FIELDS[a.form] || []).forEach(function (f) {
        var value = data[f[0]];
        if (value === undefined || value === null) return;
        if (f[2] === "radio") {
          var r = form.querySelector('[name="data.' + f[0] + '"][value="' + value + '"]');
          if (r) r.checked = true;
        } else {
          var el = form.querySelector('[name="data.' + f[0] + '"]');
          if (el) { el.value = String(value); el.dispatchEvent(new Event("change")); }
        }
      });
      rows = (data.rows || []).slice();
      rowCredits = a.row_credits || [];
      renderRows();
      document.getElementById("f-year").value = a.year;
      var reason = document.getElementById("return-reason");
      if (a.return_reason) { reason.hidden = false; reason.textContent = "退回原因：" + a.return_reason + "（请修改后重新提交）"; }
      document.getElementById("attachment-current").innerHTML = a.attachment ?
        '已上传：<a href="' + esc(a.attachment.url) + '" target="_blank" rel="noopener">查看附件</a>（' + a.attachment.pages + "页）" : "";
      select.disabled = true;
      if (!a.editable) {
        form.querySelectorAll("input, select, textarea, button").forEach(function (el) { el.disabled = true; });
        document.querySelector(".form-actions").innerHTML = '<a class="btn" href="/cpe/applications">返回</a> <span class="badge">' + esc(a.status_label) + "</span>";
      }
    }

    function showPreview(p) {
      var box = document.getElementById("preview");
      box.hidden = false;
      box.textContent = p.text;
      rowCredits = p.row_credits || [];
      renderRows();
      document.getElementById("f-year").value = p.year;
    }

    function quietPreview() {
      if (!rows.length) return;
      AUSM.api("POST", API + "/preview", collect()).then(showPreview, function () {});
    }

    function save() {
      var body = collect();
      return (id ? AUSM.api("PUT", API + "/applications/" + id, body) : AUSM.api("POST", API + "/applications", body)).then(function (a) {
        if (!id) { id = a.id; history.replaceState(null, "", "/cpe/applications/" + id); }
        current = a;
        var input = document.getElementById("f-attachment");
        if (!input.files.length) return a;
        var fd = new FormData();
        fd.append("file", input.files[0]);
        return AUSM.api("POST", API + "/applications/" + id + "/attachment", fd).then(function (b) {
          input.value = "";
          document.getElementById("attachment-current").textContent = "已上传（" + b.attachment.pages + "页）";
          current = b;
          return b;
        });
      });
    }

    function failed(err) { AUSM.showErrors(form, err); }

    function checkFile() {
      return AUSM.checkFormUploads(form).then(function (errors) {
        if (Object.keys(errors).length) throw { status: 422, body: { message: errors.attachment, errors: errors } };
      });
    }

    document.getElementById("add-row").addEventListener("click", function () {
      var editor = document.getElementById("row-editor");
      editor.hidden = false;
      editor.querySelectorAll("input, select, textarea").forEach(function (el) { el.value = ""; });
      var first = editor.querySelector("select, input");
      if (first) first.focus();
    });
    document.getElementById("row-cancel").addEventListener("click", function () { document.getElementById("row-editor").hidden = true; });
    document.getElementById("row-ok").addEventListener("click", function () {
      var row = {}, missing = false;
      ROW_FIELDS[rowKind()].forEach(function (f) {
        if (f[2] === "readonly") return;
        var el = form.querySelector('[name="row.' + f[0] + '"]');
        var value = String(el.value).trim();
        AUSM.setFieldError(form, "row." + f[0], value ? "" : (f[2] === "select" ? "请选择" : "请填写") + f[1]);
        if (!value) missing = true;
        row[f[0]] = f[2] === "number" ? Number(value) : value;
      });
      if (missing) return;
      if (!(row.minutes > 0) || Math.floor(row.minutes) !== row.minutes) {
        AUSM.setFieldError(form, "row.minutes", "培训时长（分钟）须为正整数"); return;
      }
      rows.push(row);
      rowCredits = [];
      document.getElementById("row-editor").hidden = true;
      renderRows();
      quietPreview();
    });

    document.getElementById("btn-preview").addEventListener("click", function () {
      AUSM.clearErrors(form);
      AUSM.api("POST", API + "/preview", collect()).then(showPreview, failed);
    });
    document.getElementById("btn-save").addEventListener("click", function (e) {
      AUSM.clearErrors(form);
      var button = e.currentTarget;
      AUSM.setBusy(button, true);
      checkFile().then(save).then(function () {
        AUSM.showAlert(form, "已保存草稿", "success");
      }, failed).then(function () { AUSM.setBusy(button, false); });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      AUSM.clearErrors(form);
      var button = document.getElementById("btn-submit");
      AUSM.setBusy(button, true);
      checkFile().then(save).then(function () {
        return AUSM.api("POST", API + "/applications/" + id + "/submission");
      }).then(function () { location.href = "/cpe/applications?submitted=1"; }, function (err) {
        failed(err);
        AUSM.setBusy(button, false);
      });
    });

    AUSM.api("GET", API + "/options").then(function (o) {
      options = o;
      document.getElementById("attachment-hint").textContent = "";
      var forms = o.forms.filter(function (f) { return id || (kind === "public" ? f.kind === "public" : f.kind === "professional"); });
      select.innerHTML = forms.map(function (f) { return '<option value="' + f.code + '">' + esc(f.label) + "</option>"; }).join("");
      select.addEventListener("change", function () { rows = []; rowCredits = []; renderFields(); });
      if (!id) {
        if (kind === "public") {
          document.getElementById("form-title").textContent = "公需科目继续教育学分申请";
          document.getElementById("form-field").hidden = true;
          document.getElementById("attachment-hint").textContent = "请上传培训单位出具的证明文件";
        }
        renderFields();
        return;
      }
      return AUSM.api("GET", API + "/applications/" + id).then(function (a) {
        current = a;
        if (a.form === "public_training") document.getElementById("form-title").textContent = "公需科目继续教育学分申请";
        fill(a);
      });
    }).catch(failed);
  }

  AUSM.ready(function () {
    var root = document.querySelector("[data-cpe]");
    if (!root) return;
    var page = root.getAttribute("data-cpe");
    if (page === "years") yearsPage();
    else if (page === "year") yearPage(root);
    else if (page === "applications") applicationsPage();
    else if (page === "form") formPage(root);
  });
})();
