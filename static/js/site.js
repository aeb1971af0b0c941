// Progressive enhancement only: every feature here also works (or is hidden) without it.
(() => {
  "use strict";
  const root = document.documentElement;

  // Text size: remembered per browser, applied to <html> so every rem follows.
  const SIZE_KEY = "newsroom:text-size";
  const SIZES = [90, 100, 112, 125, 140];
  const stored = Number(localStorage.getItem(SIZE_KEY));
  let size = SIZES.includes(stored) ? stored : 100;
  const applySize = () => { root.style.fontSize = size === 100 ? "" : `${size}%`; };
  applySize();
  document.querySelectorAll(".text-size").forEach((group) => {
    group.hidden = false;
    group.addEventListener("click", (event) => {
      const step = Number(event.target.closest("[data-font-step]")?.dataset.fontStep || 0);
      const next = SIZES[SIZES.indexOf(size) + step];
      if (!next) return;
      size = next;
      localStorage.setItem(SIZE_KEY, String(size));
      applySize();
    });
  });

  // Copy the short link.
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    if (!navigator.clipboard) return;
    button.hidden = false;
    const status = button.parentElement.querySelector(".copy-status");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        status.textContent = "نشانی کپی شد.";
      } catch {
        status.textContent = "کپی نشد؛ نشانی را خودتان انتخاب کنید.";
      }
    });
  });

  // The comment form's signed time, fetched when the reader starts writing: the page is shared
  // and cached, so a time printed in it says nothing about when this reader opened it.
  // (Without JS, the first send comes back once, re-signed, to be sent again.)
  document.querySelectorAll("form.comment-form[data-token]").forEach((form) => {
    const time = form.querySelector('input[name="timestamp"]');
    const hash = form.querySelector('input[name="security_hash"]');
    if (!time || !hash || time.value) return;
    let asked = false;
    form.addEventListener("focusin", async () => {
      if (asked) return;
      asked = true;
      try {
        const response = await fetch(form.dataset.token, {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        time.value = data.timestamp;
        hash.value = data.security_hash;
      } catch {
        asked = false; // try again on the next focus; without it the form still works
      }
    });
  });

  // «آیا این خبر مفید بود؟» in place; without JS the same form posts and comes back.
  document.querySelectorAll("form.helpful").forEach((form) => {
    const status = form.querySelector(".helpful-status");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData(form);
      if (event.submitter) body.set(event.submitter.name, event.submitter.value);
      try {
        const response = await fetch(form.action, {
          method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        const data = await response.json();
        form.querySelector('[data-votes="yes"]').textContent = `(${data.yes})`;
        form.querySelector('[data-votes="no"]').textContent = `(${data.no})`;
        status.textContent = data.message;
        if (response.ok) form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      } catch {
        form.submit();
      }
    });
  });

  // «پاسخ» in place: the form below names the comment being answered (without JS the link
  // opens a page with the form for that comment).
  const form = document.querySelector("form.comment-form");
  const parentInput = form?.querySelector('input[name="parent"]');
  const replying = form?.querySelector(".replying-to");
  const setParent = (id, name) => {
    parentInput.value = id;
    replying.querySelector(".replying-name").textContent = name;
    replying.hidden = !id;
    replying.querySelector(".cancel-reply").hidden = !id;
  };
  if (form && parentInput && replying) {
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a.reply-link[data-parent]");
      if (!link) return;
      event.preventDefault();
      setParent(link.dataset.parent, link.dataset.parentName);
      form.scrollIntoView({ block: "start" });
      form.querySelector("textarea")?.focus();
    });
    replying.querySelector(".cancel-reply").addEventListener("click", () => {
      setParent("", "");
      form.querySelector("textarea")?.focus();
    });
  }

  // «دیدگاه‌های بیشتر» in place: the next comment page's threads are appended to the list, the
  // link moves on to the page after, and a live region says how many came.
  const more = document.querySelector("a[data-more]");
  if (more) {
    const list = more.closest("section").querySelector("ol.comment-list:not(.waiting-list)");
    const status = document.createElement("p");
    status.className = "visually-hidden more-status";
    status.setAttribute("role", "status");
    more.parentElement.after(status);
    more.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        const response = await fetch(more.href, { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const items = page.querySelectorAll(".comment-page ol.comment-list:not(.waiting-list) > li");
        const first = items[0];
        items.forEach((item) => list.append(document.adoptNode(item)));
        const next = page.querySelector(".comment-page a[data-more]");
        if (next) more.href = next.href; else more.parentElement.remove();
        status.textContent = `${items.length.toLocaleString("fa-IR")} دیدگاه دیگر آمد.`;
        if (first) { first.tabIndex = -1; first.focus(); }
      } catch {
        window.location.href = more.href; // the page itself still works
      }
    });
  }
})();
