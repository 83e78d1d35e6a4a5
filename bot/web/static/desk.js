/* deskbot desk pages: live "next due" countdowns, and on the staff queue live refresh, saved
   views, bulk selection and keyboard shortcuts. No framework, no network but our own server. */
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;

  // ---- countdowns: any element with data-due (ISO) and data-in / data-over templates ----
  function span(seconds) {
    seconds = Math.abs(Math.floor(seconds));
    var d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
    var mm = (m < 10 ? "0" : "") + m;
    if (zh) return d ? d + "天" + h + "小时" : h ? h + "小时" + mm + "分" : m + "分钟";
    return d ? d + "d " + h + "h" : h ? h + "h " + mm + "m" : m + "m";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due][data-in]").forEach(function (el) {
      var left = (Date.parse(el.dataset.due) - now) / 1000;
      if (isNaN(left)) return;
      el.textContent = (left > 0 ? el.dataset.in : el.dataset.over).replace("{span}", span(left));
      el.classList.toggle("late", left <= 0);
      el.classList.toggle("soon", left > 0 && left < 3600);
    });
  }
  tick();
  setInterval(tick, 30000);

  // ---- the queue ----
  var table = document.querySelector("table.queue");
  var bulk = document.getElementById("bulk");
  var current = -1;

  function rows() { return table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr")) : []; }
  function picked() { return table ? table.querySelectorAll("tbody input[type=checkbox]:checked") : []; }
  function updateBulk() {
    if (!bulk) return;
    var n = picked().length;
    bulk.hidden = n === 0;
    var label = bulk.querySelector(".bulk-count");
    if (label) label.textContent = label.dataset.template.replace("{n}", n);
  }
  function mark(index) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (tr, i) { tr.classList.toggle("current", i === current); });
    list[current].scrollIntoView({ block: "nearest" });
  }

  if (table) {
    table.addEventListener("change", function (e) {
      if (e.target.id === "pick-all") {
        table.querySelectorAll("tbody input[type=checkbox]").forEach(function (box) { box.checked = e.target.checked; });
      }
      updateBulk();
    });
    // Live refresh: the rows again every 30 s, unless someone is choosing tickets.
    var refreshed = document.getElementById("refreshed");
    setInterval(function () {
      if (picked().length || document.hidden) return;
      fetch(table.dataset.refresh, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var body = table.querySelector("tbody");
          var key = current >= 0 && rows()[current] ? rows()[current].dataset.key : null;
          if (body.innerHTML.trim() !== html.trim()) body.innerHTML = html;
          if (key) mark(rows().findIndex(function (tr) { return tr.dataset.key === key; }));
          var count = document.querySelector("[data-testid=count]");
          if (count) count.textContent = rows().length;
          if (refreshed) {
            var at = new Date();
            refreshed.textContent = refreshed.dataset.template.replace("{at}", (at.getHours() < 10 ? "0" : "") + at.getHours() + ":" + (at.getMinutes() < 10 ? "0" : "") + at.getMinutes());
          }
          tick();
        })
        .catch(function () { /* offline for a moment: try again next time */ });
    }, 30000);
  }

  // Filters apply as soon as one is chosen.
  var filters = document.getElementById("filters");
  if (filters) {
    filters.addEventListener("change", function () { filters.submit(); });
  }

  // ---- saved views, kept in this browser ----
  var saved = document.getElementById("saved-views");
  if (saved) {
    var store = "deskbot.views";
    var load = function () { try { return JSON.parse(localStorage.getItem(store) || "[]"); } catch (e) { return []; } };
    var render = function () {
      saved.textContent = "";
      load().forEach(function (view, i) {
        var chip = document.createElement("span");
        chip.className = "chip-view";
        var a = document.createElement("a");
        a.href = "/staff" + view.query;
        a.textContent = view.name;
        if (view.query === location.search) a.setAttribute("aria-current", "page");
        var x = document.createElement("button");
        x.type = "button"; x.textContent = "×"; x.title = saved.dataset.labelRemove;
        x.addEventListener("click", function () { var all = load(); all.splice(i, 1); localStorage.setItem(store, JSON.stringify(all)); render(); });
        chip.appendChild(a); chip.appendChild(x); saved.appendChild(chip);
      });
      if (location.search && location.search !== "?") {
        var save = document.createElement("button");
        save.type = "button"; save.className = "link-button"; save.textContent = "+ " + saved.dataset.labelSave;
        save.addEventListener("click", function () {
          var name = window.prompt(saved.dataset.labelName);
          if (!name) return;
          var all = load().filter(function (v) { return v.query !== location.search; });
          all.push({ name: name.slice(0, 40), query: location.search });
          localStorage.setItem(store, JSON.stringify(all)); render();
        });
        saved.appendChild(save);
      }
    };
    render();
  }

  // ---- keyboard shortcuts ----
  var pending = "";
  document.addEventListener("keydown", function (e) {
    var target = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) {
      if (e.key === "Escape") target.blur();
      return;
    }
    var key = e.key;
    if (pending === "g") {
      pending = "";
      if (key === "q") { location.href = "/staff"; e.preventDefault(); }
      return;
    }
    if (key === "g") { pending = "g"; setTimeout(function () { pending = ""; }, 1000); return; }
    if (key === "?") {
      var help = document.getElementById("shortcuts");
      if (help && help.showModal) { help.showModal(); e.preventDefault(); }
      return;
    }
    if (key === "/") {
      var search = document.getElementById("search");
      if (search) { search.focus(); search.select(); e.preventDefault(); }
      return;
    }
    if (table) {
      if (key === "j") { mark(current + 1); e.preventDefault(); return; }
      if (key === "k") { mark(current - 1); e.preventDefault(); return; }
      var row = rows()[current];
      if (row && (key === "Enter" || key === "o")) { row.querySelector("td.subject a").click(); e.preventDefault(); return; }
      if (row && key === "x") {
        var box = row.querySelector("input[type=checkbox]");
        box.checked = !box.checked; updateBulk(); e.preventDefault(); return;
      }
    }
    if (key === "r") {
      var reply = document.getElementById("reply-body");
      if (reply) { reply.focus(); e.preventDefault(); }
      return;
    }
    var button = document.querySelector("button[data-key='" + key + "']:not([disabled])");
    if (button) { button.click(); e.preventDefault(); }
  });
})();
