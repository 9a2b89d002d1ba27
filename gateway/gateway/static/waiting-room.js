/* The waiting page (templates/waiting_room.html): counts the estimated wait down every second and asks
   /waiting-room/status when the server said to (Retry-After); once admitted, loads the page the candidate asked for. */
(function () {
  "use strict";
  var box = document.querySelector("[data-testid=waiting-room]");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var eta = parseInt(box.getAttribute("data-eta"), 10) || 0;
  var position = parseInt(box.getAttribute("data-position"), 10) || 0;
  var nextPoll = parseInt(box.getAttribute("data-retry-after"), 10) || 1;
  var perSecond = eta > 0 ? position / eta : 0;   // the line's pace as last told: places per second

  function estimate() {   // between polls the place moves on with the countdown
    if (perSecond > 0) position = Math.max(1, Math.min(position, Math.ceil(eta * perSecond)));
  }

  function waitText(seconds) {
    if (seconds <= 0) return "即将进入";
    if (seconds < 60) return "约 " + seconds + " 秒";
    return "约 " + Math.ceil(seconds / 60) + " 分钟";
  }

  function show() {
    box.querySelector("[data-testid=waiting-position]").textContent = String(position);
    box.querySelector("[data-testid=waiting-ahead]").textContent = String(Math.max(0, position - 1));
    box.querySelector("[data-testid=waiting-eta]").textContent = waitText(eta);
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.admitted) { window.location.reload(); return; }
        position = s.position; eta = s.eta_seconds; nextPoll = s.retry_after || 1;
        perSecond = eta > 0 ? position / eta : 0;
        show();
      })
      .catch(function () { nextPoll = 5; });
  }

  show();
  window.setInterval(function () {
    if (eta > 0) eta -= 1;
    nextPoll -= 1;
    if (nextPoll <= 0) { nextPoll = 1000; poll(); } else { estimate(); show(); }
  }, 1000);
})();
