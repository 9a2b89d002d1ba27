/* The education / work segment editor, and the labels of the record's fields.
 *
 * AUSM.segments.editor(dialog, config)   templates/_segments.html's <dialog data-segment-editor="education|work">,
 *                                         used by 信息采集 (static/collection.js) and 信息变更 (static/changes.js)
 * AUSM.segments.FIELDS / PROOFS / label  field labels of the record (basic, education, work, posts, proofs),
 *                                         shared with the review page (static/reviews.js)
 * AUSM.segments.optionLabel / optionsHtml  choices from GET /api/v1/collection/options (the one source of labels)
 *
 * The editor fills the dialog's choices, loads a segment, keeps the form consistent (至今 closes the end date,
 * 学位“无” the degree number, 是否有会计工作经历 the posts table), checks the required fields and reads the segment
 * back (获取单位信息 is AUSM.lookupEmployer of static/app.js). What saving means is the page's: config.onSubmit.
 */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var SEG = (AUSM.segments = AUSM.segments || {});

  /* --- labels -------------------------------------------------------------------------------- */

  // [field, label, options list]: the order the record is shown in.
  SEG.FIELDS = {
    basic: [["political_status", "政治面貌", "political_statuses"], ["ethnicity", "民族", "ethnicities"],
            ["email", "邮箱"], ["address", "通讯地址"], ["postcode", "邮编"]],
    education: [["study_mode", "培养方式", "study_modes"], ["school", "学校名称"], ["start_date", "入学时间"],
                ["end_date", "毕业时间"], ["education_level", "学历", "education_levels"], ["degree", "学位", "degrees"],
                ["major", "所学专业"], ["education_cert_no", "学历证书编号"], ["degree_cert_no", "学位证书编号"],
                ["studied_abroad", "留学经历"]],
    work: [["start_date", "工作开始时间"], ["end_date", "工作结束时间"], ["employer", "单位名称"],
           ["credit_code", "统一社会信用代码"], ["employer_type", "单位类型", "employer_types"],
           ["industry", "所属行业", "industries"], ["address", "工作单位地址"], ["phone", "工作单位电话"],
           ["has_accounting_work", "是否有会计工作经历"], ["posts", "会计工作经历"], ["title", "会计专业职务", "titles"],
           ["title_date", "会计专业职务聘任时间"]],
    post: [["post_level", "会计人员岗位层级", "accounting_post_levels"], ["post", "从事会计工作岗位", "accounting_posts"],
           ["start_date", "会计工作开始时间"], ["end_date", "会计工作结束时间"]]
  };
  SEG.PROOFS = {
    photo: "证件照片", identity_proof: "身份证或居住证", education_certificate: "学历证书", degree_certificate: "学位证书",
    abroad_certificate: "教育部留学服务中心认证书", accounting_proof: "会计工作经历证明",
    title_proof: "会计专业职务聘任文件或证明", employment_proof: "现工作单位证明（在职证明）"
  };
  SEG.NOUNS = { education: "教育经历", work: "工作经历" };

  /** The label of a field of part (basic, education, work, post), proofs included; the field itself if unknown. */
  SEG.label = function (part, field) {
    var found = (SEG.FIELDS[part] || []).filter(function (f) { return f[0] === field; })[0];
    if (found) return found[1];
    if (part === "basic" && field === "alt_id_type") return "其他证件类型";
    if (part === "basic" && field === "alt_id_number") return "其他证件号码";
    return SEG.PROOFS[field] || field;
  };

  SEG.optionLabel = function (options, list, code) {
    if (code == null || code === "") return "";
    var items = (options && options[list]) || [];
    for (var i = 0; i < items.length; i++) if (items[i].code === code) return items[i].label;
    return code;
  };

  /** <option>s of an options list; placeholder null leaves the empty choice out. */
  SEG.optionsHtml = function (options, list, placeholder) {
    var items = (options && options[list]) || [];
    return (placeholder !== null ? '<option value="">' + esc(placeholder || "请选择") + "</option>" : "") +
      items.map(function (o) { return '<option value="' + esc(o.code) + '">' + esc(o.label) + "</option>"; }).join("");
  };

  /* --- the editor ------------------------------------------------------------------------------ */

  var CHOICES = {
    education: [["study_mode", "study_modes", "请选择培养方式"], ["education_level", "education_levels", "请选择学历"],
                ["degree", "degrees", "请选择学位"]],
    work: [["employer_type", "employer_types", "请选择单位类型"], ["industry", "industries", "请选择所属行业"]]
  };
  var TEXT = {
    education: ["study_mode", "school", "start_date", "education_level", "degree", "major", "education_cert_no", "degree_cert_no"],
    work: ["start_date", "employer", "credit_code", "employer_type", "industry", "address", "phone", "title", "title_date"]
  };

  function clone(v) { return JSON.parse(JSON.stringify(v == null ? null : v)); }
  function today() { return AUSM.fmtTime(new Date()).slice(0, 10); }

  /**
   * config: editVerb ("编辑" | "变更"), lockImported (fields a segment lists in `locked` are shown, not editable),
   * onSubmit(editor, button), onChange(editor) after the form changed.
   */
  SEG.editor = function (dialog, config) {
    config = config || {};
    var kind = dialog.getAttribute("data-segment-editor");
    var form = dialog.querySelector("form");
    var fieldset = form.querySelector("fieldset");
    var heading = dialog.querySelector(".dialog-head h2");
    var saveButton = form.querySelector('.dialog-foot [type="submit"]');
    var cancelButton = form.querySelector(".dialog-foot [data-close]");
    var postsBody = form.querySelector("[data-posts]");
    var postAdd = form.querySelector("[data-post-add]");
    var options = {};
    var ed = { kind: kind, form: form, dialog: dialog, current: null };

    form.querySelectorAll('input[type="date"]').forEach(function (input) { input.max = today(); });

    /** The choices, once the options have come from the API. */
    ed.setOptions = function (opts) {
      options = opts || {};
      CHOICES[kind].forEach(function (c) { form.elements[c[0]].innerHTML = SEG.optionsHtml(options, c[1], c[2]); });
      if (kind === "work") form.elements.title.innerHTML = '<option value="">无</option>' + SEG.optionsHtml(options, "titles", null);
    };

    /** Put segment (index null: a new one) into the form; show() opens the dialog. */
    ed.load = function (seg, index, viewOnly) {
      seg = clone(seg) || {};
      ed.current = { index: index, base: seg, viewOnly: !!viewOnly };
      heading.textContent = (viewOnly ? "查看" : index == null ? "新增" : config.editVerb || "编辑") + SEG.NOUNS[kind] +
        (index == null ? "" : "（第" + (index + 1) + "段）");
      form.reset();
      AUSM.clearErrors(form);
      form.querySelectorAll(".return-reason").forEach(function (e) { e.textContent = ""; });
      form.querySelectorAll(".is-returned").forEach(function (e) { e.classList.remove("is-returned"); });
      TEXT[kind].forEach(function (k) { form.elements[k].value = seg[k] || ""; });
      form.elements.end_date.value = seg.end_date || "";
      form.elements.until_now.checked = index != null && (seg.until_now || !seg.end_date);
      if (kind === "education") {
        form.elements.studied_abroad.checked = !!seg.studied_abroad;
      } else {
        form.querySelectorAll('input[name="has_accounting_work"]').forEach(function (r) {
          r.checked = index != null && r.value === (seg.has_accounting_work ? "yes" : "no");
        });
        renderPosts(seg.posts || []);
        var status = form.querySelector("[data-lookup-status]");
        status.textContent = "";
        status.className = "lookup-status small";
      }
      lock(config.lockImported ? seg.locked || [] : []);
      fieldset.disabled = !!viewOnly;
      saveButton.hidden = !!viewOnly;
      cancelButton.textContent = viewOnly ? "关闭" : "取消";
      ed.sync();
      return ed;
    };

    ed.show = function () {
      AUSM.openDialog(dialog);
      var first = form.querySelector("select:not(:disabled), input:not([readonly]):not(:disabled)");
      if (first && !ed.current.viewOnly) first.focus();
    };

    ed.close = function () { AUSM.closeDialog(dialog); };

    /** Imported from the old provincial platform: shown, not editable. */
    function lock(locked) {
      var note = form.querySelector(".locked-note");
      if (note) note.hidden = !locked.length;
      form.querySelectorAll(".field.locked").forEach(function (f) { f.classList.remove("locked"); });
      form.querySelectorAll("[data-locked]").forEach(function (c) {
        c.disabled = false;
        c.readOnly = false;
        c.removeAttribute("data-locked");
      });
      locked.forEach(function (k) {
        var field = form.querySelector('.field[data-field="' + k + '"]');
        if (field) field.classList.add("locked");
        var controls = Array.prototype.slice.call(form.querySelectorAll('[name="' + k + '"]'));
        if (k === "end_date") controls.push(form.elements.until_now);
        controls.forEach(function (c) {
          c.setAttribute("data-locked", "1");
          if (c.tagName === "SELECT" || c.type === "checkbox" || c.type === "radio") c.disabled = true;
          else c.readOnly = true;
        });
      });
    }

    /** 至今 closes the end date; 学位“无” the degree number; 是否有会计工作经历 opens the posts table. */
    ed.sync = function () {
      var until = form.elements.until_now;
      form.elements.end_date.disabled = until.checked;
      if (until.checked) form.elements.end_date.value = "";
      if (kind === "education") {
        var none = form.elements.degree.value === "none";
        form.elements.degree_cert_no.disabled = none;
        if (none) form.elements.degree_cert_no.value = "";
      } else {
        var show = hasAccountingWork();
        form.querySelector("[data-posts-wrap]").hidden = !show;
        postAdd.hidden = !show || (ed.current && ed.current.viewOnly);
        if (show && !postsBody.children.length) renderPosts([{}]);
        postsBody.querySelectorAll("select, input").forEach(function (c) { c.disabled = !show || c.hasAttribute("data-off"); });
        syncPosts();
      }
      if (config.onChange) config.onChange(ed);
    };

    function hasAccountingWork() {
      var yes = form.querySelector('input[name="has_accounting_work"]:checked');
      return !!yes && yes.value === "yes";
    }

    /* --- accounting posts (work) --- */

    function postRow(p, k) {
      var n = "posts." + k + ".";
      var max = today();
      function cell(name, control) {
        return "<td>" + control + '<div class="field-error" data-for="' + n + name + '"></div>' +
          '<div class="return-reason" data-for="' + n + name + '"></div></td>';
      }
      var which = "第" + (k + 1) + "条会计工作经历的";
      return '<tr data-post="' + k + '" data-testid="post-row">' +
        cell("post_level", '<select name="' + n + 'post_level" required aria-label="会计人员岗位层级" data-label="' + which +
          '会计人员岗位层级" data-testid="post-post_level">' + SEG.optionsHtml(options, "accounting_post_levels", "请选择") + "</select>") +
        cell("post", '<select name="' + n + 'post" required aria-label="从事会计工作岗位" data-label="' + which +
          '从事会计工作岗位" data-testid="post-post">' + SEG.optionsHtml(options, "accounting_posts", "请选择") + "</select>") +
        cell("start_date", '<input type="date" name="' + n + 'start_date" required min="1930-01-01" max="' + max +
          '" aria-label="会计工作开始时间" data-label="' + which + '开始时间" data-testid="post-start_date">') +
        cell("end_date", '<div class="input-group"><input type="date" name="' + n + 'end_date" required min="1930-01-01" max="' + max +
          '" aria-label="会计工作结束时间" data-required-message="请选择' + which + '结束时间，仍在从事的请勾选“至今”" data-testid="post-end_date">' +
          '<label class="check inline"><input type="checkbox" name="' + n + 'until_now" data-testid="post-until_now"> 至今</label></div>') +
        '<td><button type="button" class="btn-link" data-remove-post="' + k + '" data-testid="post-remove">删除</button></td></tr>';
    }

    function renderPosts(posts) {
      postsBody.innerHTML = posts.map(postRow).join("");
      posts.forEach(function (p, k) {
        var n = "posts." + k + ".";
        form.elements[n + "post_level"].value = p.post_level || "";
        form.elements[n + "post"].value = p.post || "";
        form.elements[n + "start_date"].value = p.start_date || "";
        form.elements[n + "end_date"].value = p.end_date || "";
        form.elements[n + "until_now"].checked = !!p.until_now || (!!p.start_date && !p.end_date);
      });
      syncPosts();
    }

    function syncPosts() {
      postsBody.querySelectorAll("tr[data-post]").forEach(function (row) {
        var k = row.getAttribute("data-post");
        var until = form.elements["posts." + k + ".until_now"];
        var end = form.elements["posts." + k + ".end_date"];
        if (until.checked) { end.value = ""; end.setAttribute("data-off", ""); end.disabled = true; }
        else { end.removeAttribute("data-off"); end.disabled = until.disabled; }
      });
    }

    function gatherPosts() {
      var out = [];
      postsBody.querySelectorAll("tr[data-post]").forEach(function (row) {
        var n = "posts." + row.getAttribute("data-post") + ".";
        var until = form.elements[n + "until_now"].checked;
        out.push({ post_level: form.elements[n + "post_level"].value, post: form.elements[n + "post"].value,
                   start_date: form.elements[n + "start_date"].value || null,
                   end_date: until ? null : form.elements[n + "end_date"].value || null, until_now: until });
      });
      return out;
    }

    if (kind === "work") {
      postAdd.addEventListener("click", function () {
        var posts = gatherPosts();
        posts.push({});
        renderPosts(posts);
        var selects = postsBody.querySelectorAll("select");
        if (selects.length) selects[selects.length - 2].focus();
      });
      postsBody.addEventListener("click", function (e) {
        var b = e.target.closest("[data-remove-post]");
        if (!b) return;
        var posts = gatherPosts();
        posts.splice(Number(b.getAttribute("data-remove-post")), 1);
        renderPosts(posts.length ? posts : [{}]);
      });
    }

    /* --- reading back --- */

    /** The segment as the form has it (over the loaded one: the server's own keys stay, proofs and checks go). */
    ed.read = function () {
      var base = (ed.current && ed.current.base) || {};
      var locked = config.lockImported ? base.locked || [] : [];
      var seg = clone(base);
      delete seg.proofs;
      delete seg.checks;
      var text = function (k) { return String(form.elements[k].value || "").trim(); };
      TEXT[kind].forEach(function (k) { if (locked.indexOf(k) < 0) seg[k] = text(k); });
      if (locked.indexOf("end_date") < 0) {
        seg.until_now = form.elements.until_now.checked;
        seg.end_date = seg.until_now ? null : text("end_date") || null;
      }
      seg.start_date = seg.start_date || null;
      if (kind === "education") {
        seg.studied_abroad = form.elements.studied_abroad.checked;
        if (seg.degree === "none") seg.degree_cert_no = "";
      } else {
        if (locked.indexOf("credit_code") < 0) seg.credit_code = seg.credit_code.replace(/\s+/g, "").toUpperCase();
        seg.title_date = seg.title_date || null;
        seg.title = seg.title || null;
        seg.has_accounting_work = hasAccountingWork();
        seg.posts = seg.has_accounting_work ? gatherPosts() : [];
      }
      return seg;
    };

    /** Empty required fields, all at once, before asking the server (which checks every rule). */
    ed.requiredErrors = function () {
      var errors = AUSM.requiredErrors(form);
      if (kind === "work" && !form.querySelector('input[name="has_accounting_work"]:checked')) {
        errors.has_accounting_work = "请选择是否有会计工作经历";
      }
      return errors;
    };

    /** Local errors at their fields, a summary above, the first one focused. */
    ed.showErrors = function (errors) {
      Object.keys(errors).forEach(function (name) { AUSM.setFieldError(form, name, errors[name]); });
      AUSM.showAlert(form, "请按提示完善填写的信息", "error");
      AUSM.focusFirstError(form);
    };

    ed.focusFirstError = function () { AUSM.focusFirstError(form); };

    form.addEventListener("change", function (e) { if (e.target.type !== "file") ed.sync(); });
    form.addEventListener("input", function (e) {
      if (e.target.name && e.target.type !== "file") AUSM.setFieldError(form, e.target.name, "");
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (config.onSubmit) config.onSubmit(ed, e.submitter || saveButton);
    });
    dialog.addEventListener("close", function () { ed.current = null; });
    return ed;
  };
})();
