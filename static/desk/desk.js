/* The moderation desk in place: row buttons and keys post to the admin's endpoints without a
   page load. Everything here enhances plain forms that work alone (no JavaScript needed). */
(function () {
  "use strict";

  var KEYS = { KeyA: "approved", KeyR: "rejected", KeyS: "spam" };
  var live, token, rows, current = -1, chain = Promise.resolve();

  function announce(text) {
    // Cleared first, so the same sentence twice is announced twice.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function rowOf(pk) {
    var card = document.getElementById("c" + pk);
    return card ? card.closest("tr") : null;
  }

  function focusRow(index) {
    if (index < 0 || index >= rows.length) return;
    if (rows[current]) rows[current].classList.remove("desk-current");
    current = index;
    rows[current].classList.add("desk-current");
    rows[current].focus();
  }

  function nextWaiting(from) {
    for (var i = from + 1; i < rows.length; i++) {
      if (rows[i].dataset.status === "pending" && !rows[i].classList.contains("desk-busy")) return i;
    }
    for (var j = 0; j < from; j++) {
      if (rows[j].dataset.status === "pending" && !rows[j].classList.contains("desk-busy")) return j;
    }
    return -1;
  }

  function setStatus(row, data) {
    if (!row || !data.status) return;
    row.dataset.status = data.status;
    var cell = row.querySelector(".desk-status");
    cell.dataset.status = data.status;
    cell.textContent = data.label;
    row.querySelectorAll("button[formaction]").forEach(function (button) {
      button.setAttribute("formaction", button.getAttribute("formaction")
        .replace(/seen=[a-z]+/, "seen=" + data.status));
    });
  }

  function updateBadge(data) {
    if (typeof data.pending !== "number") return;
    document.querySelectorAll(".desk-badge").forEach(function (badge) {
      badge.querySelector(".desk-badge-count").textContent = data.pending_text;
      badge.hidden = data.pending === 0;
    });
  }

  function post(url, body) {
    body.append("csrfmiddlewaretoken", token);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error(response.status === 403
          ? "اجازهٔ این کار را ندارید یا نشست شما پایان یافته است؛ صفحه را دوباره باز کنید."
          : "پاسخ سرور خوانده نشد؛ صفحه را دوباره باز کنید.");
      }
      return response.json();
    });
  }

  // One request at a time, in the order the editor acted: the undo list stays in order.
  function queue(task) {
    chain = chain.then(task).catch(function (error) { announce(error.message); });
    return chain;
  }

  function decide(row, status) {
    if (!row || row.classList.contains("desk-busy")) return;
    var button = row.querySelector("button[value='" + status + "']");
    var url = button.getAttribute("formaction");
    var index = rows.indexOf(row);
    row.classList.add("desk-busy");
    var following = nextWaiting(index);
    if (following !== -1) focusRow(following);
    queue(function () {
      var body = new FormData();
      body.append("status", status);
      return post(url, body).then(function (data) {
        setStatus(row, data);
        updateBadge(data);
        announce(data.message);
      }).finally(function () { row.classList.remove("desk-busy"); });
    });
  }

  function undo(url) {
    queue(function () {
      return post(url, new FormData()).then(function (data) {
        var row = rowOf(data.pk);
        setStatus(row, data);
        updateBadge(data);
        announce(data.message);
        if (row) focusRow(rows.indexOf(row));
      });
    });
  }

  function closeReply(row, restoreFocus) {
    var box = row.querySelector(".desk-reply-form");
    if (box) box.remove();
    if (restoreFocus) focusRow(rows.indexOf(row));
  }

  function saveReply(row, textarea) {
    var card = row.querySelector(".desk-card");
    var body = new FormData();
    body.append("reply", textarea.value);
    body.append("reply_seen", textarea.dataset.seen);
    queue(function () {
      return post(card.dataset.replyUrl, body).then(function (data) {
        announce(data.message);
        if (!data.ok) return;
        var shown = card.querySelector(".desk-reply span");
        if (!shown && data.reply) {
          var block = document.createElement("div");
          block.className = "desk-reply";
          var title = document.createElement("strong");
          title.textContent = "پاسخ تحریریه:";
          shown = document.createElement("span");
          shown.dir = "auto";
          block.append(title, " ", shown);
          card.querySelector(".desk-meta").after(block);
        }
        if (shown) shown.textContent = data.reply;
        card.dataset.reply = data.reply;
        closeReply(row, true);
      });
    });
  }

  function openReply(row) {
    if (!row || row.querySelector(".desk-reply-form")) return;
    var card = row.querySelector(".desk-card");
    var id = "reply-" + card.dataset.comment;
    var box = document.createElement("div");
    box.className = "desk-reply-form";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "پاسخ تحریریه (ذخیره: کنترل+اینتر، انصراف: اسکیپ)";
    var textarea = document.createElement("textarea");
    textarea.id = id;
    textarea.rows = 3;
    textarea.dir = "auto";
    textarea.value = card.dataset.reply || "";
    textarea.dataset.seen = card.dataset.reply || "";
    var save = document.createElement("button");
    save.type = "button";
    save.className = "desk-button";
    save.textContent = "ذخیرهٔ پاسخ";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "desk-button";
    cancel.textContent = "انصراف";
    save.addEventListener("click", function () { saveReply(row, textarea); });
    cancel.addEventListener("click", function () { closeReply(row, true); });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        saveReply(row, textarea);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeReply(row, true);
      }
    });
    box.append(label, textarea, save, cancel);
    card.append(box);
    textarea.focus();
  }

  function typing(target) {
    // A ticked row checkbox keeps the keys working; text fields and menus do not.
    return target.closest("input:not([type=checkbox]), textarea, select, [contenteditable=true]");
  }

  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    var row = rows[current];
    var code = event.code;
    if (code === "KeyJ" || code === "ArrowDown") {
      focusRow(Math.min(current + 1, rows.length - 1));
    } else if (code === "KeyK" || code === "ArrowUp") {
      focusRow(Math.max(current - 1, 0));
    } else if (KEYS[code]) {
      decide(row, KEYS[code]);
    } else if (code === "KeyE") {
      openReply(row);
    } else if (code === "KeyZ") {
      undo(document.querySelector(".desk-undo").action);
    } else {
      return;
    }
    event.preventDefault();
  }

  function start() {
    live = document.getElementById("desk-live");
    var field = document.querySelector("#changelist-form [name=csrfmiddlewaretoken]");
    if (!live || !field) return;
    token = field.value;
    rows = Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"))
      .filter(function (row) { return row.querySelector(".desk-card"); });
    rows.forEach(function (row, index) {
      row.tabIndex = -1;
      row.dataset.status = row.querySelector(".desk-status").dataset.status;
      row.addEventListener("click", function (event) {
        var button = event.target.closest("button[formaction]");
        if (button) {
          event.preventDefault();
          current = index;
          decide(row, button.value);
        } else if (event.target.closest(".desk-reply-button")) {
          event.preventDefault();
          focusRow(index);
          openReply(row);
        }
      });
      row.addEventListener("focusin", function () {
        if (rows[current]) rows[current].classList.remove("desk-current");
        current = index;
        row.classList.add("desk-current");
      });
    });
    document.querySelector(".desk-undo").addEventListener("submit", function (event) {
      event.preventDefault();
      undo(event.target.action);
    });
    document.addEventListener("keydown", onKey);
    var first = nextWaiting(-1);
    var active = document.activeElement;
    if (first !== -1 && (!active || active === document.body)) focusRow(first);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
