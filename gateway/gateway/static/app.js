/* 全国会计人员统一服务管理平台: the pages' shared widgets. Vanilla JS, no build step.
 *
 * AUSM.api(method, url, body)          fetch JSON/FormData with the CSRF header; throws {status, body}
 * AUSM.bindForm(form, options)         submit through the API, busy state, field errors, form alert
 * AUSM.captcha(root)                   [data-captcha]: image captcha, click to refresh
 * AUSM.smsButton(button)               [data-sms]: "获取验证码" with a 180 s countdown
 * AUSM.rarePicker(button)              [data-rare-for]: 生僻字 panel that inserts at the cursor
 * AUSM.passwordHint(input, list)       [data-password-hint]: live password checklist (hints only)
 * AUSM.idType(select)                  [data-id-type]: types and labels from identity's options, the number's
 *                                      placeholder, the nationality field (select[data-nationalities], searchable
 *                                      through input[data-filter-for])
 * AUSM.fieldCheck(input)               [data-check]: the server's rule for the field when the person leaves it
 * AUSM.lookupEmployer(button)          [data-employer-lookup]: 获取单位信息 by the form's credit code
 * [data-reload]                        a button that reloads the page
 * Elements with these data attributes are set up automatically when the page has loaded.
 */
(function () {
  "use strict";

  var AUSM = (window.AUSM = window.AUSM || {});

  /* The exam journey's step bar (templates/exam/_steps.html): steps before `step` done, `step` current. */
  AUSM.examSteps = function (step) {
    document.querySelectorAll("[data-exam-steps] [data-step]").forEach(function (li) {
      var n = Number(li.getAttribute("data-step"));
      li.className = n < step ? "done" : (n === step ? "current" : "");
      if (n === step) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
  };

  AUSM.SMS_INTERVAL = 180;

  // Rare characters found in Chinese personal names (BMP, CJK Extension A and Extension B).
  AUSM.RARE_CHARS = [
    "㛃", "㐱", "䶮", "𠇔", "𡒄", "𪚥", "𠮷", "𤭢", "龑", "喆", "堃", "玥", "翀", "珺", "昇", "甦",
    "犇", "淼", "焱", "垚", "鑫", "飏", "燚", "赟", "旻", "昀", "晗", "晟", "曌", "瞾", "煜", "熠",
    "燊", "璟", "瑄", "琰", "琬", "瑀", "珏", "玙", "珩", "璘", "琛", "祎", "禛", "祺", "钰", "锟",
    "镕", "彧", "骞", "骐", "颢", "頔", "婧", "嫣", "妤", "姝", "奭", "亓", "仝", "隗", "禤", "甯",
    "逄", "冼", "芃", "蒨", "弢", "韡", "沄", "湉", "泓", "淏", "濛"
  ];

  var STATUS_MESSAGES = {
    0: "网络连接失败，请检查网络后重试",
    400: "请求格式不正确",
    401: "请先登录",
    403: "您无权进行此操作",
    404: "页面或记录不存在",
    409: "操作冲突，请刷新后重试",
    413: "上传的文件过大",
    422: "提交的信息有误，请按提示修改",
    429: "操作过于频繁，请稍后再试"
  };

  /* --- small helpers ------------------------------------------------------------- */

  AUSM.ready = function (fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  };

  AUSM.cookie = function (name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return "";
  };

  AUSM.esc = function (value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function toDate(value) {
    if (!value) return null;
    var d = value instanceof Date ? value : new Date(value);
    return isNaN(d.getTime()) ? null : d;
  }

  /** Wall-clock parts in Beijing time (UTC+8, no daylight saving), whatever the browser's zone. */
  function beijingParts(d) {
    var b = new Date(d.getTime() + 8 * 3600 * 1000);
    return { y: b.getUTCFullYear(), mo: b.getUTCMonth() + 1, d: b.getUTCDate(),
             h: b.getUTCHours(), mi: b.getUTCMinutes(), s: b.getUTCSeconds() };
  }

  /** "2025-03-01 14:05:09", Beijing time. */
  AUSM.fmtTime = function (value) {
    var d = toDate(value);
    if (!d) return value || "";
    var p = beijingParts(d);
    return p.y + "-" + pad(p.mo) + "-" + pad(p.d) + " " + pad(p.h) + ":" + pad(p.mi) + ":" + pad(p.s);
  };

  /** "14:05", or "3月2日 14:05" when the moment is not today (Beijing time). */
  AUSM.fmtHM = function (value) {
    var d = toDate(value);
    if (!d) return "";
    var p = beijingParts(d), today = beijingParts(new Date());
    var hm = pad(p.h) + ":" + pad(p.mi);
    if (p.y !== today.y || p.mo !== today.mo || p.d !== today.d) hm = p.mo + "月" + p.d + "日 " + hm;
    return hm;
  };

  AUSM.genderLabel = function (g) {
    var map = { M: "男", F: "女", male: "男", female: "女", "1": "男", "2": "女", "男": "男", "女": "女" };
    return g == null || g === "" ? "—" : (map[g] || g);
  };

  AUSM.REALNAME_LABELS = { none: "未实名认证", pending: "审核中", verified: "已实名认证" };
  AUSM.REQUEST_STATUS = {
    submitted: "待审核", approved: "已通过", returned: "已退回", pending: "认证中", failed: "未通过"
  };
  AUSM.METHOD_LABELS = { alipay: "支付宝实名认证", online: "线上实名认证", password: "密码", wechat: "微信",
    change_password: "修改密码（核对当前密码）" };

  /** Only same-site paths are followed after login. */
  AUSM.safeNext = function (next, fallback) {
    if (typeof next === "string" && /^\/(?![\/\\])/.test(next)) return next;
    return fallback || "/";
  };

  AUSM.toast = function (message, ms) {
    var el = document.createElement("div");
    el.className = "toast";
    el.setAttribute("role", "status");
    el.setAttribute("data-testid", "toast");
    el.textContent = message;
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, ms || 2600);
  };

  /** The wait a 429 answer asks for, in words: "请于 10:32 后重试" or "请 45 秒后重试". */
  AUSM.retryHint = function (body) {
    if (!body) return "";
    var until = toDate(body.locked_until);
    if (until) return "请于 " + AUSM.fmtHM(until) + " 后重试";
    var seconds = Number(body.retry_after);
    if (seconds > 0) {
      if (seconds < 120) return "请 " + Math.ceil(seconds) + " 秒后重试";
      return "请于 " + AUSM.fmtHM(new Date(Date.now() + seconds * 1000)) + " 后重试";
    }
    return "";
  };

  // A message that already says when to try again ("请于 13:12 后重试", "请45秒后再重新获取", "请稍后再试").
  var STATES_WAIT = /\d\s*(秒|分钟|小时)后|\d{1,2}:\d{2}\s*后|后再|后重试|明日再试/;

  /** The message of an error answer, plus the wait it asks for when the message does not say it already. */
  AUSM.errorText = function (err) {
    var body = (err && err.body) || {};
    var message = body.message || STATUS_MESSAGES[err && err.status] || "系统繁忙，请稍后再试";
    var hint = AUSM.retryHint(body);
    if (hint && !STATES_WAIT.test(message)) message = message.replace(/[。.!！]$/, "") + "，" + hint;
    return message;
  };

  /* --- API ----------------------------------------------------------------------- */

  function errorBody(status, data) {
    if (data && typeof data === "object" && typeof data.message === "string") {
      if (!data.errors || typeof data.errors !== "object") data.errors = {};
      return data;
    }
    var message = STATUS_MESSAGES[status] || (status >= 500 ? "系统繁忙，请稍后再试" : "请求失败（" + status + "）");
    return { code: "HTTP_" + status, message: message, errors: {} };
  }

  function parse(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  AUSM.api = function (method, url, body) {
    method = (method || "GET").toUpperCase();
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET" && method !== "HEAD") options.headers["X-CSRF-Token"] = AUSM.cookie("ausm_csrf");
    if (typeof FormData !== "undefined" && body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined && body !== null) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var data = parse(text);
        if (!response.ok) throw { status: response.status, body: errorBody(response.status, data) };
        return data;
      });
    }, function () {
      throw { status: 0, body: errorBody(0, null) };
    });
  };

  /** multipart upload with progress (fetch cannot report upload progress). */
  AUSM.upload = function (method, url, formData, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method || "POST", url);
      xhr.withCredentials = true;
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", AUSM.cookie("ausm_csrf"));
      if (onProgress && xhr.upload) {
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
        });
      }
      xhr.onload = function () {
        var data = parse(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject({ status: xhr.status, body: errorBody(xhr.status, data) });
      };
      xhr.onerror = function () { reject({ status: 0, body: errorBody(0, null) }); };
      xhr.send(formData);
    });
  };

  /* --- form errors --------------------------------------------------------------- */

  function fieldControl(form, name) {
    return form.querySelector('[name="' + name + '"]:not([type="hidden"])');
  }

  function errorSlot(form, name) {
    return form.querySelector('.field-error[data-for="' + name + '"]');
  }

  function formAlert(form) {
    var el = form.querySelector(".form-alert");
    if (!el) {
      el = document.createElement("div");
      el.className = "form-alert alert";
      el.setAttribute("role", "alert");
      el.setAttribute("aria-live", "assertive");
      el.setAttribute("data-testid", "form-alert");
      form.insertBefore(el, form.firstChild);
    }
    return el;
  }

  /** kind: error | success | info | warn; html is trusted markup built by the page itself. */
  AUSM.showAlert = function (target, message, kind, html) {
    var el = target.classList && target.classList.contains("form-alert") ? target :
      (target.tagName === "FORM" ? formAlert(target) : target);
    el.className = el.className.replace(/\balert-\w+\b/g, "").trim() + " alert-" + (kind || "error");
    if (!/\balert\b/.test(el.className)) el.className += " alert";
    el.hidden = false;
    if (html) el.innerHTML = html;
    else el.textContent = message || "";
    return el;
  };

  AUSM.clearAlert = function (target) {
    var el = target.tagName === "FORM" ? target.querySelector(".form-alert") : target;
    if (el) { el.textContent = ""; el.className = el.className.replace(/\balert-\w+\b/g, "").trim(); }
  };

  AUSM.setFieldError = function (form, name, message) {
    var slot = errorSlot(form, name);
    var control = fieldControl(form, name);
    if (slot) {
      slot.textContent = message || "";
      if (!slot.id) slot.id = "err-" + (form.id || "f") + "-" + name;
    }
    if (control) {
      if (message) {
        control.setAttribute("aria-invalid", "true");
        if (slot) control.setAttribute("aria-describedby", slot.id);
      } else {
        control.removeAttribute("aria-invalid");
      }
    }
    return !!slot;
  };

  AUSM.clearErrors = function (form) {
    form.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (el) { el.removeAttribute("aria-invalid"); });
    AUSM.clearAlert(form);
  };

  /** Show an API error: the message above the form, each errors[field] beside its input. */
  AUSM.showErrors = function (form, err) {
    var body = (err && err.body) || {};
    var errors = body.errors || {};
    var unplaced = [];
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var message = Array.isArray(errors[name]) ? errors[name].join("；") : String(errors[name]);
      if (!AUSM.setFieldError(form, name, message)) unplaced.push(message);
      var control = fieldControl(form, name) || (name === "captcha" && fieldControl(form, "captcha_answer"));
      if (name === "captcha" && control) control.setAttribute("aria-invalid", "true");
      if (!first && control) first = control;
    });
    var text = AUSM.errorText(err);
    var html = AUSM.esc(text);
    if (unplaced.length) {
      html += "<ul>" + unplaced.filter(function (m) { return m !== text; })
        .map(function (m) { return "<li>" + AUSM.esc(m) + "</li>"; }).join("") + "</ul>";
    }
    var loginPage = /^\/(staff\/)?login$/.test(location.pathname);
    if (err && err.status === 401 && body.code === "NOT_AUTHENTICATED" && !loginPage) {
      var login = /^\/staff(\/|$)/.test(location.pathname) ? "/staff/login" : "/login";
      html += ' <a href="' + login + "?next=" + encodeURIComponent(location.pathname + location.search) +
        '" data-testid="relogin">重新登录</a>';
    }
    AUSM.showAlert(form, null, "error", html);
    if (first && typeof first.focus === "function") first.focus();
  };

  function fieldLabel(form, control) {
    var label = control.id && form.querySelector('label[for="' + control.id + '"]');
    return (control.getAttribute("data-label") || (label && label.textContent) || control.getAttribute("aria-label") || "")
      .replace(/[*＊:：\s]/g, "");
  }

  /** Empty required inputs, before bothering the server (hidden, disabled and locked ones left out). */
  AUSM.requiredErrors = function (form) {
    var errors = {};
    form.querySelectorAll("[required]").forEach(function (control) {
      if (control.disabled || control.hasAttribute("data-locked") || errors[control.name] || control.closest("[hidden]")) return;
      var empty = control.type === "file" ? !control.files.length : !String(control.value).trim();
      if (!empty) return;
      var verb = control.type === "file" ? "请上传" : (control.tagName === "SELECT" || control.type === "date" ? "请选择" : "请输入");
      errors[control.name] = control.getAttribute("data-required-message") || verb + fieldLabel(form, control);
    });
    return errors;
  };
  var checkRequired = AUSM.requiredErrors;

  /** The first field with a problem: focused when it can be, else scrolled into view. */
  AUSM.focusFirstError = function (form) {
    var slot = Array.prototype.filter.call(form.querySelectorAll(".field-error"), function (e) { return e.textContent; })[0];
    var first = form.querySelector('[aria-invalid="true"]:not(:disabled)');
    if (first) first.focus();
    if (slot && (!first || !(slot.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_PRECEDING))) {
      slot.scrollIntoView({ block: "center" });
    } else if (!slot && !first) {
      var alert = form.querySelector(".form-alert");
      if (alert) alert.scrollIntoView({ block: "nearest" });
    }
  };

  function showLocalErrors(form, errors, message) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      AUSM.setFieldError(form, name, errors[name]);
      var control = fieldControl(form, name);
      if (!first && control) first = control;
    });
    AUSM.showAlert(form, message || "请按提示完善填写的信息", "error");
    if (first) first.focus();
  }

  /** The form's fields as strings (files and disabled fields left out), trimmed except passwords. */
  AUSM.formData = function (form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit" || el.type === "button") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      data[el.name] = el.type === "password" ? el.value : String(el.value).trim();
    });
    return data;
  };

  AUSM.setBusy = function (button, busy, text) {
    if (!button) return;
    if (busy) {
      if (!button.hasAttribute("data-idle-label")) button.setAttribute("data-idle-label", button.innerHTML);
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.innerHTML = '<span class="spinner" aria-hidden="true"></span> ' + AUSM.esc(text || "提交中…");
    } else {
      if (button.hasAttribute("data-idle-label")) button.innerHTML = button.getAttribute("data-idle-label");
      button.removeAttribute("data-idle-label");
      button.removeAttribute("aria-busy");
      button.disabled = false;
    }
  };

  function refreshCaptchas(form) {
    form.querySelectorAll("[data-captcha]").forEach(function (root) {
      if (root._captcha) root._captcha.refresh();
    });
  }

  /**
   * options: url (string or fn(data)), method ("POST"), transform(data, form) -> body,
   * validate(data, form) -> {field: message} | null, multipart (send FormData with files),
   * onSuccess(result, form, body), onError(err, form), busyText.
   */
  AUSM.bindForm = function (form, options) {
    options = options || {};
    form.setAttribute("novalidate", "");
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      AUSM.clearErrors(form);
      var data = AUSM.formData(form);
      var errors = checkRequired(form);
      if (!Object.keys(errors).length && options.validate) errors = options.validate(data, form) || {};
      if (Object.keys(errors).length) { showLocalErrors(form, errors); return; }
      var button = event.submitter || form.querySelector('[type="submit"]');
      if (!options.multipart || !AUSM.checkFormUploads) { send(data, button); return; }
      // Files are checked against their purpose's policy (static/uploads.js) before any byte is sent.
      busy = true;
      AUSM.checkFormUploads(form).then(function (uploadErrors) {
        busy = false;
        if (Object.keys(uploadErrors).length) { showLocalErrors(form, uploadErrors); return; }
        send(data, button);
      });
    });

    function send(data, button) {
      var body = options.multipart ? new FormData(form) : data;
      if (options.transform) body = options.transform(body, form);
      var url = typeof options.url === "function" ? options.url(data, form) : options.url;
      var method = (options.method || "POST").toUpperCase();
      var busyText = options.busyText || "提交中…";
      busy = true;
      AUSM.setBusy(button, true, busyText);
      var request = options.multipart
        ? AUSM.upload(method, url, body, function (pct) {
          if (button) button.innerHTML = '<span class="spinner" aria-hidden="true"></span> ' + busyText + " " + pct + "%";
        })
        : AUSM.api(method, url, body);
      request.then(function (result) {
        busy = false;
        AUSM.setBusy(button, false);
        if (options.onSuccess) return options.onSuccess(result, form, body);
      }, function (err) {
        busy = false;
        AUSM.setBusy(button, false);
        if (!err || !err.body) { console.error(err); err = { status: 0, body: errorBody(0, null) }; }
        AUSM.showErrors(form, err);
        refreshCaptchas(form);           // a captcha serves one try, right or wrong
        if (options.onError) options.onError(err, form);
      });
    }
    return form;
  };

  /* --- image captcha ------------------------------------------------------------- */

  AUSM.captcha = function (root) {
    if (root._captcha) return root._captcha;
    var button = root.querySelector(".captcha-img");
    var idInput = root.querySelector('input[name="captcha_id"]');
    var answer = root.querySelector('input[name="captcha_answer"]');
    var timer = null;
    var loading = false;

    function refresh() {
      if (loading) return Promise.resolve();
      loading = true;
      clearTimeout(timer);
      button.innerHTML = '<span class="spinner" aria-hidden="true"></span>';
      if (answer) answer.value = "";
      return AUSM.api("POST", "/api/v1/captcha").then(function (r) {
        loading = false;
        idInput.value = r.captcha_id;
        button.innerHTML = "";
        var img = document.createElement("img");
        img.src = r.image;
        img.alt = "图片验证码，点击换一张";
        img.setAttribute("data-testid", "captcha-image");
        button.appendChild(img);
        if (r.expires_in) timer = setTimeout(refresh, Math.max(r.expires_in - 10, 10) * 1000);
      }, function (err) {
        loading = false;
        idInput.value = "";
        button.textContent = "加载失败，点击重试";
        var form = root.closest("form");
        if (form) AUSM.setFieldError(form, "captcha", "图片验证码加载失败：" + AUSM.errorText(err));
      });
    }

    button.addEventListener("click", function () { refresh(); if (answer) answer.focus(); });
    root._captcha = { refresh: refresh };
    refresh();
    return root._captcha;
  };

  /* --- SMS code button ----------------------------------------------------------- */

  AUSM.smsButton = function (button) {
    if (button._sms) return button._sms;
    var form = button.form || button.closest("form");
    var phoneName = button.getAttribute("data-phone-field") || "phone";
    var codeName = button.getAttribute("data-code-field") || "sms_code";
    var purpose = button.getAttribute("data-purpose");
    var idle = button.textContent.trim() || "获取验证码";
    var status = form.querySelector('.sms-status[data-for="' + codeName + '"]');
    var timer = null;

    function setStatus(text, isError, phone) {
      if (!status) return;
      status.classList.toggle("is-error", !!isError);
      status.textContent = text;
      if (phone && document.body.getAttribute("data-sandbox") === "1") {
        var link = document.createElement("a");
        link.href = "/sandbox/sms?phone=" + encodeURIComponent(phone);
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "（沙箱：查看短信）";
        link.setAttribute("data-testid", "sandbox-sms-link");
        status.appendChild(document.createTextNode(" "));
        status.appendChild(link);
      }
    }

    function countdown(seconds) {
      clearInterval(timer);
      var until = Date.now() + seconds * 1000;
      button.disabled = true;
      function tick() {
        var left = Math.ceil((until - Date.now()) / 1000);
        if (left <= 0) {
          clearInterval(timer);
          button.disabled = false;
          button.textContent = "重新获取验证码";
          return;
        }
        button.textContent = left + "秒后重新获取";
      }
      tick();
      timer = setInterval(tick, 1000);
    }

    var own = button.hasAttribute("data-sms-own");      // to the logged-in person's registered phone

    button.addEventListener("click", function () {
      var input = form.elements[phoneName];
      var phone = own ? "" : (input ? String(input.value).replace(/[\s-]/g, "") : "");
      AUSM.setFieldError(form, phoneName, "");
      if (!own && !phone) {
        AUSM.setFieldError(form, phoneName, "请先输入手机号码");
        if (input) input.focus();
        return;
      }
      button.disabled = true;
      button.textContent = "发送中…";
      setStatus("", false);
      var request = own ? AUSM.api("POST", "/api/v1/me/sms-codes", { purpose: purpose })
        : AUSM.api("POST", "/api/v1/sms-codes", { phone: phone, purpose: purpose });
      request.then(function (r) {
        countdown(r.resend_after || AUSM.SMS_INTERVAL);
        if (r.status === "failed") {
          setStatus("发送失败，请检查手机号", true, phone);
        } else {
          var minutes = Math.round((r.expires_in || 180) / 60);
          setStatus("已发送 " + AUSM.fmtHM(r.sent_at || new Date()) + "（" + (r.phone || "") + "），验证码" +
            minutes + "分钟内有效", false, phone);
          var code = form.elements[codeName];
          if (code) code.focus();
        }
      }, function (err) {
        var body = err.body || {};
        if (err.status === 429 && Number(body.retry_after) > 0) countdown(Number(body.retry_after));
        else { button.disabled = false; button.textContent = idle; }
        if (body.errors && body.errors[phoneName]) AUSM.setFieldError(form, phoneName, body.errors[phoneName]);
        setStatus(AUSM.errorText(err), true);
      });
    });

    button._sms = { countdown: countdown };
    return button._sms;
  };

  /* --- rare-character picker ----------------------------------------------------- */

  AUSM.rarePicker = function (button) {
    if (button._rare) return button._rare;
    var form = button.form || button.closest("form") || document;
    var input = form.querySelector('[name="' + button.getAttribute("data-rare-for") + '"]');
    var wrap = button.closest(".rare-wrap") || button.parentNode;
    var panel = null;
    var selection = null;

    function remember() {
      if (input && typeof input.selectionStart === "number") selection = [input.selectionStart, input.selectionEnd];
    }
    if (input) ["keyup", "click", "select", "blur", "input"].forEach(function (e) { input.addEventListener(e, remember); });

    function insert(ch) {
      var value = input.value;
      var start = selection ? selection[0] : value.length;
      var end = selection ? selection[1] : value.length;
      input.value = value.slice(0, start) + ch + value.slice(end);
      var pos = start + ch.length;
      input.focus();
      input.setSelectionRange(pos, pos);
      selection = [pos, pos];
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function build() {
      panel = document.createElement("div");
      panel.className = "rare-panel";
      panel.id = "rare-panel-" + input.name;
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-label", "选择生僻字");
      panel.setAttribute("data-testid", "rare-panel");
      panel.hidden = true;
      var head = document.createElement("div");
      head.className = "rare-head";
      head.innerHTML = '<span>点击生僻字插入到光标处</span><button type="button" class="btn-link" data-rare-close>关闭</button>';
      panel.appendChild(head);
      var grid = document.createElement("div");
      grid.className = "rare-grid";
      AUSM.RARE_CHARS.forEach(function (ch) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = ch;
        b.setAttribute("data-char", ch);
        b.title = "U+" + ch.codePointAt(0).toString(16).toUpperCase();
        b.setAttribute("aria-label", "插入 " + ch + "（" + b.title + "）");
        b.addEventListener("click", function () { insert(ch); close(); });
        grid.appendChild(b);
      });
      panel.appendChild(grid);
      head.querySelector("[data-rare-close]").addEventListener("click", function () { close(); button.focus(); });
      panel.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { close(); button.focus(); }
      });
      wrap.appendChild(panel);
      button.setAttribute("aria-controls", panel.id);
    }

    function open() {
      if (!panel) build();
      panel.hidden = false;
      button.setAttribute("aria-expanded", "true");
      var first = panel.querySelector(".rare-grid button");
      if (first) first.focus();
    }

    function close() {
      if (!panel) return;
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
    }

    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () { if (panel && !panel.hidden) close(); else open(); });
    document.addEventListener("click", function (e) {
      if (panel && !panel.hidden && !panel.contains(e.target) && e.target !== button) close();
    });
    button._rare = { open: open, close: close, insert: insert };
    return button._rare;
  };

  /* --- password hints ------------------------------------------------------------ */

  AUSM.passwordHint = function (input, list) {
    var rules = [
      ["len", "8～20位", function (v) { return v.length >= 8 && v.length <= 20; }],
      ["alpha", "含字母", function (v) { return /[A-Za-z]/.test(v); }],
      ["digit", "含数字", function (v) { return /\d/.test(v); }],
      ["special", "含特殊字符", function (v) { return /[^A-Za-z0-9]/.test(v); }]
    ];
    list.innerHTML = "";
    var items = rules.map(function (rule) {
      var li = document.createElement("li");
      li.textContent = rule[1];
      li.setAttribute("data-rule", rule[0]);
      list.appendChild(li);
      return li;
    });
    function update() {
      rules.forEach(function (rule, i) { items[i].classList.toggle("ok", rule[2](input.value)); });
    }
    input.addEventListener("input", update);
    update();
  };

  /* --- dialogs ------------------------------------------------------------------- */

  AUSM.openDialog = function (dialog) {
    if (typeof dialog === "string") dialog = document.getElementById(dialog);
    if (!dialog) return;
    if (typeof dialog.showModal === "function") { if (!dialog.open) dialog.showModal(); }
    else dialog.setAttribute("open", "");
  };

  AUSM.closeDialog = function (dialog) {
    if (typeof dialog === "string") dialog = document.getElementById(dialog);
    if (!dialog) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
  };

  /** A confirmation in the page's own dialog; resolves true or false. */
  AUSM.confirm = function (message, okText, danger) {
    return new Promise(function (resolve) {
      var dialog = document.createElement("dialog");
      dialog.setAttribute("data-testid", "confirm-dialog");
      dialog.innerHTML =
        '<div class="dialog-head"><h2>请确认</h2></div>' +
        '<div class="dialog-body"><p>' + AUSM.esc(message) + "</p></div>" +
        '<div class="dialog-foot"><button type="button" class="btn" data-testid="confirm-cancel">取消</button>' +
        '<button type="button" class="btn ' + (danger ? "btn-danger" : "btn-primary") + '" data-testid="confirm-ok">' +
        AUSM.esc(okText || "确定") + "</button></div>";
      document.body.appendChild(dialog);
      var done = false;
      function finish(value) {
        if (done) return;
        done = true;
        AUSM.closeDialog(dialog);
        dialog.remove();
        resolve(value);
      }
      dialog.querySelector('[data-testid="confirm-ok"]').addEventListener("click", function () { finish(true); });
      dialog.querySelector('[data-testid="confirm-cancel"]').addEventListener("click", function () { finish(false); });
      dialog.addEventListener("cancel", function () { finish(false); });
      AUSM.openDialog(dialog);
      dialog.querySelector('[data-testid="confirm-ok"]').focus();
    });
  };

  AUSM.lightbox = function (src, alt) {
    var box = document.createElement("div");
    box.className = "lightbox";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", alt || "查看大图");
    box.setAttribute("data-testid", "lightbox");
    box.tabIndex = -1;
    var img = document.createElement("img");
    img.src = src;
    img.alt = alt || "";
    box.appendChild(img);
    function close() { box.remove(); document.removeEventListener("keydown", onKey); }
    function onKey(e) { if (e.key === "Escape") close(); }
    box.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    // A modal <dialog> sits in the top layer: the picture must go inside it to be seen above it.
    var openDialogs = document.querySelectorAll("dialog[open]");
    (openDialogs.length ? openDialogs[openDialogs.length - 1] : document.body).appendChild(box);
    box.focus();
  };

  /* --- tabs ---------------------------------------------------------------------- */

  /** role=tablist with role=tab buttons whose aria-controls name the panels; onChange(tab). */
  AUSM.tabs = function (list, onChange) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
    function panelOf(t) {
      return t.getAttribute("aria-controls") && document.getElementById(t.getAttribute("aria-controls"));
    }
    function select(tab, silent) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        var panel = panelOf(t);
        if (panel && !on && panel !== panelOf(tab)) panel.hidden = true;
      });
      if (panelOf(tab)) panelOf(tab).hidden = false;
      if (!silent && onChange) onChange(tab);
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (e) {
        var next = null;
        if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
        if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
        if (next) { e.preventDefault(); next.focus(); select(next); }
      });
    });
    return { select: select };
  };

  /* --- employer lookup ------------------------------------------------------------ */

  /**
   * [data-employer-lookup] in a form: 获取单位信息 by the form's credit_code; fills employer, employer_type, industry
   * and address (read-only or disabled fields stay as they are) and says what happened in [data-lookup-status].
   */
  AUSM.lookupEmployer = function (button) {
    var form = button.form || button.closest("form");
    var status = form.querySelector("[data-lookup-status]");
    var input = form.elements.credit_code;
    var code = input.value.replace(/\s+/g, "").toUpperCase();
    AUSM.setFieldError(form, "credit_code", "");
    status.textContent = "";
    status.className = "lookup-status small";
    if (!code) {
      AUSM.setFieldError(form, "credit_code", "请先填写" + (input.getAttribute("data-label") || "统一社会信用代码"));
      input.focus();
      return;
    }
    if (!input.readOnly) input.value = code;
    AUSM.setBusy(button, true, "查询中…");
    AUSM.api("GET", "/api/v1/employers/" + encodeURIComponent(code)).then(function (r) {
      AUSM.setBusy(button, false);
      [["employer", r.name], ["employer_type", r.employer_type], ["industry", r.industry], ["address", r.address]].forEach(function (x) {
        var control = form.elements[x[0]];
        if (!control) return;
        if (x[1] && !control.readOnly && !control.disabled) control.value = x[1];
        AUSM.setFieldError(form, x[0], "");
      });
      status.classList.add("ok");
      status.textContent = "已获取单位信息：" + r.name + "，请核对单位类型、所属行业和地址。";
    }, function (err) {
      AUSM.setBusy(button, false);
      if (err.status === 404) {
        status.classList.add("warn");
        status.textContent = AUSM.errorText(err);
        if (form.elements.employer) form.elements.employer.focus();
      } else {
        AUSM.setFieldError(form, "credit_code", ((err.body || {}).errors || {}).credit_code || AUSM.errorText(err));
      }
    });
  };

  /* --- identity options: ID types, nationalities, the password policy ------------------ */

  var identityOptions = null;
  /** GET /api/v1/identity/options once per page: the labels every page shows come from there. */
  AUSM.identityOptions = function () {
    if (!identityOptions) {
      identityOptions = AUSM.api("GET", "/api/v1/identity/options");
      identityOptions.catch(function () { identityOptions = null; });
    }
    return identityOptions;
  };

  function fillOptions(select, items, placeholder) {
    var keep = select.value;
    select.innerHTML = "";
    if (placeholder) select.appendChild(new Option(placeholder, ""));
    items.forEach(function (item) {
      var option = new Option(item.text, item.value);
      Object.keys(item.data || {}).forEach(function (k) { option.setAttribute("data-" + k, item.data[k]); });
      select.appendChild(option);
    });
    if (keep && Array.prototype.some.call(select.options, function (o) { return o.value === keep; })) select.value = keep;
  }

  /** [data-id-type=NUMBER_ID]: the types and their labels from the options; the number's placeholder follows the
   * chosen type; a type that needs a nationality shows and enables the form's nationality field. */
  AUSM.idType = function (select) {
    var number = document.getElementById(select.getAttribute("data-id-type"));
    var form = select.form || document;
    var natField = form.querySelector("#nationality-field");
    var nat = natField && natField.querySelector("select");
    function update() {
      var option = select.options[select.selectedIndex];
      if (number) number.placeholder = (option && option.getAttribute("data-placeholder")) || "请输入证件号码";
      if (natField) {
        var needs = !!option && option.getAttribute("data-needs-nationality") === "1";
        natField.hidden = !needs;
        nat.disabled = !needs;
        natField.querySelectorAll("input").forEach(function (i) { i.disabled = !needs; });
      }
    }
    select.addEventListener("change", update);
    AUSM.identityOptions().then(function (o) {
      fillOptions(select, o.id_types.map(function (t) {
        return { value: t.code, text: t.label, data: { placeholder: t.placeholder, "needs-nationality": t.needs_nationality ? "1" : "0" } };
      }));
      update();
    }, function (err) {
      AUSM.setFieldError(form, "id_type", "证件类型加载失败：" + AUSM.errorText(err));
    });
  };

  /** select[data-nationalities]: every nationality, in pinyin order of its Chinese name. */
  AUSM.nationalities = function (select) {
    var collator = window.Intl && Intl.Collator ? new Intl.Collator("zh-CN") : null;
    AUSM.identityOptions().then(function (o) {
      var list = o.nationalities.slice();
      if (collator) list.sort(function (a, b) { return collator.compare(a.name, b.name); });
      fillOptions(select, list.map(function (c) {
        return { value: c.code, text: c.name + "（" + c.code + "）", data: { search: (c.name + " " + c.name_en + " " + c.code).toLowerCase() } };
      }), "请选择国籍");
    });
  };

  /** input[data-filter-for=SELECT_ID]: typing narrows the select's options (by any word in their data-search or
   * text) and chooses the first one left, so "冰岛", "iceland" or "ISL" picks 冰岛. */
  AUSM.selectFilter = function (input) {
    var select = document.getElementById(input.getAttribute("data-filter-for"));
    var status = document.getElementById(input.getAttribute("aria-describedby") || "");
    // The best of the options left: its code typed in full, then a name that starts with what was typed.
    function score(o, query) {
      if (o.value.toLowerCase() === query) return 3;
      var names = (o.getAttribute("data-search") || o.text.toLowerCase()).split(" ");
      if (names[0].indexOf(query) === 0) return 2;
      return (o.getAttribute("data-search") || "").indexOf(" " + query) >= 0 ? 1 : 0;
    }
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var words = query.split(/\s+/).filter(Boolean);
      var best = null, bestScore = -1, shown = 0;
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.value) return;
        var hay = o.getAttribute("data-search") || o.text.toLowerCase();
        var match = words.every(function (w) { return hay.indexOf(w) >= 0; });
        o.hidden = !match;
        if (!match) return;
        shown += 1;
        var sc = score(o, query);
        if (sc > bestScore) { best = o; bestScore = sc; }
      });
      if (words.length && best && select.value !== best.value) {
        select.value = best.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      if (status) status.textContent = words.length ? (shown ? "找到 " + shown + " 个国家或地区" : "没有找到，请换个写法（中文名、英文名或三位字母代码）") : "";
    });
  };

  /** [data-password-policy]: the policy's words as identity states them. */
  AUSM.passwordPolicy = function (el) {
    AUSM.identityOptions().then(function (o) { el.textContent = o.password_policy; });
  };

  /* --- field checks: the server's rules when a person leaves a field ------------------ */

  /**
   * input[data-check] (the field's name, or data-check="kind.field"): when its value changed and the person leaves
   * it, POST /api/v1/field-checks with the fields named in data-check-with as context; the answer's message is
   * shown at the field. Changing a context field checks again the fields that depend on it.
   */
  AUSM.fieldCheck = function (input) {
    if (input._check) return input._check;
    var form = input.form || input.closest("form");
    var name = input.name;
    var field = input.getAttribute("data-check") || name;
    var withNames = (input.getAttribute("data-check-with") || "").split(",").filter(Boolean);
    var seq = 0, checked = false;
    function context() {
      var out = {};
      withNames.forEach(function (n) {
        var c = form.elements[n];
        if (!c) return;
        if (c.type === "checkbox") { if (c.checked) out[n] = "1"; return; }
        if (!c.disabled && c.value !== "") out[n] = c.type === "password" ? c.value : String(c.value).trim();
      });
      return out;
    }
    function run() {
      var value = input.type === "password" ? input.value : String(input.value).trim();
      if (!value) return Promise.resolve(null);
      var mine = ++seq;
      checked = true;
      input.setAttribute("aria-busy", "true");
      return AUSM.api("POST", "/api/v1/field-checks", { field: field, value: value, context: context() }).then(function (r) {
        if (mine !== seq) return r;
        input.removeAttribute("aria-busy");
        AUSM.setFieldError(form, name, r.ok ? "" : r.message);
        input.setAttribute("data-check-state", r.ok ? "ok" : "error");
        return r;
      }, function () {
        input.removeAttribute("aria-busy");    // no answer: the submission will check
        return null;
      });
    }
    input.addEventListener("change", run);
    withNames.forEach(function (n) {
      var c = form.elements[n];
      if (c && c.addEventListener) c.addEventListener("change", function () { if (checked) run(); });
    });
    input._check = { run: run };
    return input._check;
  };

  /* --- automatic set-up ---------------------------------------------------------- */

  AUSM.ready(function () {
    document.querySelectorAll("[data-captcha]").forEach(AUSM.captcha);
    document.querySelectorAll("select[data-id-type]").forEach(AUSM.idType);
    document.querySelectorAll("select[data-nationalities]").forEach(AUSM.nationalities);
    document.querySelectorAll("input[data-filter-for]").forEach(AUSM.selectFilter);
    document.querySelectorAll("[data-password-policy]").forEach(AUSM.passwordPolicy);
    document.querySelectorAll("[data-check]").forEach(AUSM.fieldCheck);
    document.querySelectorAll("[data-sms]").forEach(AUSM.smsButton);
    document.querySelectorAll("[data-rare-for]").forEach(AUSM.rarePicker);
    document.querySelectorAll("[data-password-hint]").forEach(function (list) {
      var form = list.closest("form") || document;
      var input = form.querySelector('[name="' + list.getAttribute("data-password-hint") + '"]');
      if (input) AUSM.passwordHint(input, list);
    });
    document.querySelectorAll("[data-toggle-password]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-toggle-password"));
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.textContent = show ? "隐藏" : "显示";
        button.setAttribute("aria-pressed", show ? "true" : "false");
      });
    });
    document.querySelectorAll("[data-logout]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        AUSM.api("DELETE", "/api/v1/sessions/current").then(function () {
          location.assign(button.getAttribute("data-logout") || "/");
        }, function (err) {
          button.disabled = false;
          AUSM.toast("退出失败：" + AUSM.errorText(err));
        });
      });
    });
    document.querySelectorAll("[data-coming]").forEach(function (el) {
      el.addEventListener("click", function (e) {
        e.preventDefault();
        AUSM.toast((el.getAttribute("data-coming") || "该功能") + "即将开放，敬请期待");
      });
    });
    document.addEventListener("click", function (e) {
      if (!e.target.closest) return;
      if (e.target.closest("[data-reload]")) location.reload();
      var lookup = e.target.closest("[data-employer-lookup]");
      if (lookup) AUSM.lookupEmployer(lookup);
    });
    document.querySelectorAll("dialog [data-close]").forEach(function (button) {
      button.addEventListener("click", function () { AUSM.closeDialog(button.closest("dialog")); });
    });
  });
})();
