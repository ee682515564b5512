/* The article form as a writing tool (a static, same-origin file: the admin's CSP allows no inline script).
 *
 * - Live length of the headline (Google shows about 110 characters) and the dek (the meta description, ~160).
 * - The body editor: spellcheck on, an accessible name, a live word count and reading time.
 * - Never lose typing: a warning before leaving with unsaved changes; a copy in this browser's
 *   localStorage, offered back after a crash or a closed tab; unpublished articles autosave to the
 *   server (articles/desk_views.py) as a revision, which never publishes anything.
 * - "X is also editing this article": a light poll of the presence endpoint.
 */
(function () {
  "use strict";

  const LIMITS = {
    headline: [110, "Google shows about 110 characters of a headline"],
    dek: [160, "the dek is the search description; Google shows about 160 characters"],
  };
  const WORDS_PER_MINUTE = 230; // adults' silent reading of non-fiction (Brysbaert 2019: 238)
  const AUTOSAVE_EVERY = 20000; // ms
  const STORE_PREFIX = "newsroom:desk:";

  let form = null;
  let editor = null; // the Tiptap editor of the body, once ready
  let dirty = false; // unsaved changes in the form
  let autosaveDirty = false; // changes not yet autosaved to the server
  let submitting = false;
  let storeTimer = null; // the local copy is written half a second after the last change

  const graphemes = "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  const words = "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

  function length(text) {
    return graphemes ? Array.from(graphemes.segment(text)).length : Array.from(text).length;
  }

  function wordCount(text) {
    if (!words) return text.split(/\s+/).filter(Boolean).length;
    let count = 0;
    for (const segment of words.segment(text)) if (segment.isWordLike) count += 1;
    return count;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function describe(input, node) {
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    input.setAttribute("aria-describedby", [...ids, node.id].join(" "));
  }

  // --- Counters ---------------------------------------------------------------------------------

  function counter(name) {
    const input = document.getElementById(`id_${name}`);
    if (!input) return;
    const [limit, why] = LIMITS[name];
    const out = el("p", { id: `id_${name}_count`, class: "help desk-count" });
    (input.closest(".flex-container") || input).after(out);
    describe(input, out);
    const update = () => {
      const n = length(input.value);
      out.textContent = `${n} / ${limit} characters (${why})` + (n > limit ? `: ${n - limit} over.` : ".");
      out.classList.toggle("desk-over", n > limit);
    };
    input.addEventListener("input", update);
    update();
  }

  // --- The body editor --------------------------------------------------------------------------

  function bodyText() {
    if (editor) return editor.getText({ blockSeparator: "\n" });
    const textarea = document.getElementById("id_body");
    return textarea ? new DOMParser().parseFromString(textarea.value, "text/html").body.textContent : "";
  }

  function bodyHTML() {
    const textarea = document.getElementById("id_body");
    return textarea ? textarea.value : "";
  }

  function editorReady(tiptap) {
    // Module scripts may build the editor before DOMContentLoaded; the form is parsed by then.
    form = form || document.getElementById("article_form");
    if (!form) return;
    editor = tiptap;
    const dom = editor.view.dom;
    dom.setAttribute("spellcheck", "true");
    dom.setAttribute("role", "textbox");
    dom.setAttribute("aria-multiline", "true");
    const label = document.querySelector("label[for=id_body]");
    if (label) {
      label.id = label.id || "id_body_label";
      dom.setAttribute("aria-labelledby", label.id);
    }
    const stats = el("p", { id: "id_body_stats", class: "help desk-count" });
    const container = dom.closest(".flex-container") || dom.closest(".prose-editor");
    container.after(stats);
    describe(dom, stats);
    const update = () => {
      const n = wordCount(bodyText());
      const minutes = Math.max(1, Math.round(n / WORDS_PER_MINUTE));
      stats.textContent = `${n} ${n === 1 ? "word" : "words"} · about ${minutes} min read`;
    };
    editor.on("update", update);
    update();
    offerLocalCopy();
  }

  // --- Never lose typing ------------------------------------------------------------------------

  function storeKey() {
    return STORE_PREFIX + location.pathname;
  }

  function snapshot() {
    const value = (id) => (document.getElementById(id) || {}).value || "";
    return { headline: value("id_headline"), dek: value("id_dek"), body: bodyHTML() };
  }

  function keepLocalCopy() {
    if (submitting) return;
    try {
      localStorage.setItem(storeKey(), JSON.stringify({ ...snapshot(), at: Date.now() }));
    } catch (error) {
      // Storage full or disabled (private mode): the beforeunload warning still protects the text.
    }
  }

  function dropLocalCopy() {
    clearTimeout(storeTimer);
    try {
      localStorage.removeItem(storeKey());
    } catch (error) {
      /* nothing kept */
    }
  }

  function readLocalCopy() {
    try {
      return JSON.parse(localStorage.getItem(storeKey()) || "null");
    } catch (error) {
      return null;
    }
  }

  function offerLocalCopy() {
    const copy = readLocalCopy();
    if (!copy) return;
    const now = snapshot();
    const differs = ["headline", "dek", "body"].filter((name) => (copy[name] || "") !== now[name]);
    if (!differs.length) {
      dropLocalCopy();
      return;
    }
    const when = new Date(copy.at).toLocaleString();
    const box = el("div", { class: "desk-notice desk-local-copy", role: "status" });
    box.append(el("p", {}, `This browser kept unsaved changes to this form from ${when} (${differs.join(", ")}).`));
    const restore = el("button", { type: "button", class: "button" }, "Restore them");
    const discard = el("button", { type: "button", class: "button" }, "Discard them");
    box.append(restore, " ", discard);
    form.prepend(box);
    restore.addEventListener("click", () => {
      for (const name of ["headline", "dek"]) {
        const input = document.getElementById(`id_${name}`);
        if (input && copy[name] !== undefined) {
          input.value = copy[name];
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
      if (editor) editor.commands.setContent(copy.body || "", { emitUpdate: true });
      changed();
      box.replaceChildren(el("p", {}, "Restored. Check the text, then save."));
    });
    discard.addEventListener("click", () => {
      dropLocalCopy();
      box.remove();
    });
  }

  function changed() {
    dirty = true;
    autosaveDirty = true;
    clearTimeout(storeTimer);
    storeTimer = setTimeout(keepLocalCopy, 500);
  }

  function warnBeforeLeaving(event) {
    if (!dirty || submitting) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the dialog
  }

  // --- Autosave and presence --------------------------------------------------------------------

  function csrfToken() {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function status(text, kind) {
    let box = document.getElementById("desk-autosave-status");
    if (!box) {
      box = el("p", { id: "desk-autosave-status", class: "desk-count", role: "status" });
      const submitRow = form.querySelector(".submit-row");
      (submitRow || form).before(box);
    }
    box.textContent = text;
    box.classList.toggle("desk-over", kind === "error");
  }

  let autosaveStopped = false;

  let inFlight = null; // the autosave request under way, if any

  function autosave(url) {
    if (!autosaveDirty || autosaveStopped || submitting || inFlight) return inFlight;
    inFlight = sendAutosave(url).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  async function sendAutosave(url) {
    const seen = form.querySelector("input[name=seen_version]");
    autosaveDirty = false;
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ ...snapshot(), version: Number(seen.value) }),
    }).catch(() => null);
    if (!response) {
      autosaveDirty = true;
      status("Not autosaved: the server cannot be reached. This browser keeps a copy.", "error");
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      seen.value = answer.version; // the form now stands on the autosaved version
      status(`Autosaved at ${new Date().toLocaleTimeString()} (not published).`);
    } else {
      autosaveStopped = response.status === 409 || response.status === 403;
      autosaveDirty = !autosaveStopped;
      status(answer.error || "Not autosaved.", "error");
    }
  }

  function waitForAutosave(event) {
    // A save sent while an autosave is under way would carry the version before it, and be refused
    // as stale: send it once the autosave has answered (and moved the form's version on).
    if (!inFlight) return;
    event.preventDefault();
    const button = event.submitter;
    inFlight.then(() => form.requestSubmit(button));
  }

  function presence(url) {
    const notice = el("div", { id: "desk-presence", class: "desk-notice", role: "status" });
    form.prepend(notice);
    const poll = async () => {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin" }).catch(() => null);
      const answer = response && response.ok ? await response.json() : { others: [] };
      const others = answer.others || [];
      notice.hidden = !others.length;
      notice.textContent = others.length
        ? `${others.join(", ")} ${others.length === 1 ? "is" : "are"} also editing this article. ` +
          "If they save first, your save is refused and shows what they changed."
        : "";
      setTimeout(poll, (answer.poll || 15) * 1000);
    };
    poll();
    window.addEventListener("pagehide", () => {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      body.append("leaving", "1");
      navigator.sendBeacon(url, body);
    });
  }

  // --- The Schedule… button needs a time --------------------------------------------------------

  function scheduleNeedsTime(event) {
    const button = event.submitter;
    if (!button || button.value !== "schedule") return;
    const date = document.getElementById("id_published_at_0");
    if (date && !date.value) {
      event.preventDefault();
      submitting = false;
      status("To schedule, set the publication time (date and time) first.", "error");
      date.focus();
    }
  }

  // --- Names for every control (Django's tabular inlines, split date/time and select2 lack them) ----

  function labelId(label) {
    if (!label.id) label.id = `${label.htmlFor || "desk"}_label`;
    return label.id;
  }

  function nameSplitDateTimes(root) {
    // <p class="datetime">Date: <input> <br> Time: <input></p>: the words become real labels.
    for (const p of root.querySelectorAll("p.datetime")) {
      for (const input of p.querySelectorAll("input[id]")) {
        const text = input.previousSibling;
        if (!text || text.nodeType !== Node.TEXT_NODE || !text.textContent.trim()) continue;
        const label = el("label", { for: input.id }, text.textContent.trim());
        text.replaceWith(" ", label, " ");
      }
    }
  }

  function nameTabularCells(root) {
    for (const table of root.querySelectorAll(".inline-group .tabular table")) {
      const headers = Array.from(table.querySelectorAll("thead th"));
      const rows = Array.from(table.querySelectorAll("tbody tr.form-row:not(.empty-form)"));
      for (const th of headers) {
        if (!th.textContent.trim()) th.append(el("span", { class: "visually-hidden" }, "Row"));
      }
      rows.forEach((row, index) => {
        Array.from(row.children).forEach((cell, column) => {
          const header = headers[column] ? headers[column].textContent.replace("?", "").trim() : "";
          if (!header) return;
          const name = `${header}, row ${index + 1}`;
          for (const control of cell.querySelectorAll("input:not([type=hidden]), select, textarea")) {
            if (!control.labels || !control.labels.length) control.setAttribute("aria-label", name);
          }
          for (const combo of cell.querySelectorAll(".select2-selection[role=combobox]")) {
            combo.setAttribute("aria-label", name);
            combo.removeAttribute("aria-labelledby");
          }
        });
      });
    }
  }

  function nameSelect2(root) {
    // select2 names its combobox by the chosen value alone; name it by the field's label and the value.
    for (const select of root.querySelectorAll("select.admin-autocomplete[id]")) {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const box = select.parentElement.querySelector(".select2-selection[role=combobox]");
      const rendered = box && box.querySelector(".select2-selection__rendered");
      if (!label || !box || !rendered) continue;
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
      box.setAttribute("aria-labelledby", `${labelId(label)} ${rendered.id}`);
    }
  }

  function nameControls() {
    nameSplitDateTimes(form);
    nameSelect2(form);
    nameTabularCells(form);
  }

  // --- Start ------------------------------------------------------------------------------------

  document.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea.id === "id_body") editorReady(event.detail.editor);
  });

  document.addEventListener("DOMContentLoaded", () => {
    form = form || document.getElementById("article_form");
    if (!form) return;
    document.body.classList.add("desk-writing");
    counter("headline");
    counter("dek");
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", (event) => {
      submitting = true;
      scheduleNeedsTime(event);
      if (!event.defaultPrevented) waitForAutosave(event);
      if (!event.defaultPrevented) dropLocalCopy();
    });
    window.addEventListener("beforeunload", warnBeforeLeaving);
    // After Django's own DOMContentLoaded handlers (select2, calendars) have built their widgets.
    setTimeout(nameControls, 0);
    document.addEventListener("formset:added", () => setTimeout(nameControls, 0));
    const config = document.getElementById("desk-config");
    if (config && config.dataset.presenceUrl) presence(config.dataset.presenceUrl);
    if (config && config.dataset.autosaveUrl) {
      const url = config.dataset.autosaveUrl;
      // Not on leaving the page: a reload could then show the form before the autosave lands.
      setInterval(() => autosave(url), AUTOSAVE_EVERY);
      form.addEventListener("desk:autosave", () => autosave(url)); // lets a test ask for one now
    }
    if (!document.getElementById("id_body")) offerLocalCopy();
  });
})();
