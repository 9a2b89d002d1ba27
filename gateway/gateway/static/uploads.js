/* Upload slots: a file is checked against its purpose's policy before any byte is sent.
 *
 * The limits and every message come from GET /api/v1/upload-policies (ausm_common/upload_policies.py,
 * the same registry the services enforce); nothing here knows a size or a format of its own.
 *
 * AUSM.uploadPolicies()                 the registry, loaded once: .policy(purpose, regionCode)
 * AUSM.checkUpload(file, policy)        content (magic bytes), size, pixels -> {error, url, width, height}
 * AUSM.checkFormUploads(form)           {field: message} for the [data-upload-purpose] inputs of a form
 * <input type="file" data-upload-purpose="realname_photo" data-upload-region="330000"
 *        data-preview="preview-id">     checked on change, error at its field, preview in #preview-id
 */
(function () {
  "use strict";

  var AUSM = (window.AUSM = window.AUSM || {});
  var loading = null;

  function registry(list) {
    return {
      list: list,
      /** The rule of a purpose in the province of regionCode (any code inside it), else the national one. */
      policy: function (purpose, regionCode) {
        var province = regionCode ? String(regionCode).slice(0, 2) + "0000" : null;
        var national = null, own = null;
        list.forEach(function (p) {
          if (p.purpose !== purpose) return;
          if (p.province === null) national = p;
          else if (p.province === province) own = p;
        });
        return own || national;
      }
    };
  }

  AUSM.uploadPolicies = function () {
    if (!loading) {
      loading = AUSM.api("GET", "/api/v1/upload-policies").then(registry, function (err) {
        loading = null;             // try again next time; the server checks every file anyway
        throw err;
      });
    }
    return loading;
  };

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function head(file) {
    var blob = file.slice(0, 16);
    if (blob.arrayBuffer) return blob.arrayBuffer().then(hex);
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () { resolve(hex(reader.result)); };
      reader.onerror = function () { resolve(""); };
      reader.readAsArrayBuffer(blob);
    });
  }

  function pixels(file, policy) {
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var w = img.naturalWidth, h = img.naturalHeight, error = null;
        if (w * h > policy.max_pixels) error = policy.messages.too_many_pixels;
        else if (w < policy.min_width || h < policy.min_height) {
          error = policy.messages.pixels.replace("{width}", w).replace("{height}", h);
        }
        resolve({ error: error, url: url, width: w, height: h });
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve({ error: policy.messages.corrupt, url: null }); };
      img.src = url;
    });
  }

  /** What the server would say about the file, as far as a page can tell (it checks everything again). */
  AUSM.checkUpload = function (file, policy) {
    return head(file).then(function (magic) {
      var kind = null;
      Object.keys(policy.signatures).forEach(function (k) {
        if (policy.signatures[k].some(function (s) { return magic.indexOf(s) === 0; })) kind = k;
      });
      if (!kind) return { error: policy.messages.type, url: null };
      if (file.size < policy.min_bytes) return { error: policy.messages.too_small, url: null };
      if (file.size > policy.max_bytes) return { error: policy.messages.too_large, url: null };
      if (kind === "pdf") return { error: null, url: null };
      return pixels(file, policy);
    });
  };

  function policyOf(input) {
    return AUSM.uploadPolicies().then(function (r) {
      return r.policy(input.getAttribute("data-upload-purpose"), input.getAttribute("data-upload-region"));
    });
  }

  /** The input's file checked once (the result is kept until another file is picked). */
  function checked(input) {
    var file = input.files && input.files[0];
    if (!file) return Promise.resolve({ error: null, url: null });
    if (input._upload && input._upload.file === file) return input._upload.result;
    var result = policyOf(input).then(function (policy) {
      return policy ? AUSM.checkUpload(file, policy) : { error: null, url: null };
    }, function () { return { error: null, url: null }; });
    input._upload = { file: file, result: result };
    return result;
  }

  AUSM.checkFormUploads = function (form) {
    var inputs = Array.prototype.filter.call(form.querySelectorAll('input[type="file"][data-upload-purpose]'),
      function (input) { return !input.disabled; });
    return Promise.all(inputs.map(checked)).then(function (results) {
      var errors = {};
      results.forEach(function (r, i) { if (r.error) errors[inputs[i].name] = r.error; });
      return errors;
    });
  };

  AUSM.uploadInput = function (input) {
    var form = input.form;
    var preview = input.hasAttribute("data-preview") && document.getElementById(input.getAttribute("data-preview"));
    var tip = preview ? preview.textContent : "";
    input.addEventListener("change", function () {
      if (form) AUSM.setFieldError(form, input.name, "");
      var file = input.files && input.files[0];
      if (!file) { if (preview) preview.textContent = tip; return; }
      if (preview) preview.innerHTML = '<span class="spinner" aria-hidden="true"></span>';
      checked(input).then(function (r) {
        if (preview) {
          preview.innerHTML = "";
          if (r.url) {
            var img = document.createElement("img");
            img.src = r.url;
            img.alt = (input.getAttribute("data-label") || "") + "预览";
            preview.appendChild(img);
          } else {
            preview.textContent = file.name;
          }
        }
        if (r.error && form) AUSM.setFieldError(form, input.name, r.error);
      });
    });
  };

  AUSM.ready(function () {
    document.querySelectorAll('input[type="file"][data-upload-purpose]').forEach(AUSM.uploadInput);
  });
})();
