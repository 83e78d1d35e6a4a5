/* deskbot web chat: plain JS, no build step, no network beyond this origin. */
(function () {
  "use strict";

  var TEXT = {
    en: {
      support: "Support", send: "Send", attach: "Attach a log", cancel: "Cancel", sign_in: "Sign in",
      welcome_title: "How can we help?",
      welcome_text: "Ask about the SDK, paste an error code, or describe a bug — attach logs and we will open a ticket.",
      placeholder: "Ask a question or describe a problem…",
      hint: "Enter to send · Shift+Enter for a new line · logs up to {mb} MB",
      thinking: "Looking in the docs…", sources: "Sources",
      solved: "Solved", open_ticket: "Open a ticket", human: "Talk to a human", go_ahead: "Go ahead",
      new_topic: "New topic", not_it: "Not my problem", status: "Ticket status", contact: "Contact form",
      contact_title: "Contact our support team", contact_text: "No account key? Leave your details and we'll reply by e-mail.",
      contact_name: "Your name", contact_email: "E-mail", contact_company: "Company", contact_message: "What is the problem?",
      contact_send: "Send", assignee: "With",
      ticket: "Ticket", stage: "Stage", priority: "Priority", view_ticket: "View ticket",
      first_response: "First response due by", resolution: "Resolution due by",
      signin_title: "Sign in to open tickets",
      signin_text: "Use the account key from your console (Settings → Support).",
      account_key: "Account key", your_name: "Your name (optional)",
      error: "Something went wrong: ", offline: "Cannot reach the server. Check your connection and try again.",
      too_fast: "You're sending messages too fast — try again in {s} s.",
      too_many_signins: "Too many failed sign-in attempts — try again in {min} min.",
      remove: "Remove", signed_in_as: "Signed in · {account}", copy: "Copy", copied: "Copied",
      suggest: ["How long is a token valid?", "How do I enable screen sharing on Android?", "My Android app crashes when joining a room"]
    },
    zh: {
      support: "技术支持", send: "发送", attach: "上传日志", cancel: "取消", sign_in: "登录",
      welcome_title: "有什么可以帮您？",
      welcome_text: "可以咨询 SDK 用法、粘贴错误码，或描述遇到的问题 —— 附上日志，我们会为您创建工单。",
      placeholder: "输入问题或描述遇到的故障…",
      hint: "Enter 发送 · Shift+Enter 换行 · 日志最大 {mb} MB",
      thinking: "正在查阅文档…", sources: "参考来源",
      solved: "已解决", open_ticket: "创建工单", human: "联系人工", go_ahead: "继续提交",
      new_topic: "新话题", not_it: "不是这个问题", status: "查看进度", contact: "联系表单",
      contact_title: "联系支持团队", contact_text: "没有账户密钥？留下联系方式，我们会通过邮件回复您。",
      contact_name: "您的姓名", contact_email: "邮箱", contact_company: "公司", contact_message: "遇到了什么问题？",
      contact_send: "发送", assignee: "负责人",
      ticket: "工单", stage: "阶段", priority: "优先级", view_ticket: "查看工单",
      first_response: "首次响应截止", resolution: "解决截止",
      signin_title: "登录后可创建工单",
      signin_text: "请使用控制台中的账户密钥（设置 → 支持）。",
      account_key: "账户密钥", your_name: "您的称呼（可选）",
      error: "出错了：", offline: "无法连接服务器，请检查网络后重试。",
      too_fast: "消息发送过于频繁，请 {s} 秒后再试。",
      too_many_signins: "登录失败次数过多，请 {min} 分钟后再试。",
      remove: "移除", signed_in_as: "已登录 · {account}", copy: "复制", copied: "已复制",
      suggest: ["Token 的有效期是多久？", "Android 如何开启屏幕共享？", "Android 加入房间时崩溃"]
    }
  };

  var params = new URLSearchParams(location.search);
  var forced = params.get("lang");
  var lang = forced === "zh" || forced === "en" ? forced
    : ((navigator.languages && navigator.languages[0]) || navigator.language || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en";
  function t(key, values, inLang) {
    var use = inLang || lang;
    var s = (TEXT[use] && TEXT[use][key]) || TEXT.en[key] || key;
    if (values) { Object.keys(values).forEach(function (k) { s = s.replace("{" + k + "}", values[k]); }); }
    return s;
  }

  var app = document.getElementById("chat-app");
  if (!app) { return; }
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  var maxMb = parseInt(app.dataset.maxMb || "20", 10);
  var messages = document.getElementById("messages");
  var input = document.getElementById("input");
  var form = document.getElementById("composer");
  var fileInput = document.getElementById("file");
  var chips = document.getElementById("chips");
  var sendButton = document.getElementById("send");
  var pendingFiles = [];
  var busy = false;
  var counter = 0;

  document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.dataset.i18n); });
  input.placeholder = t("placeholder");
  document.getElementById("hint").textContent = t("hint", { mb: maxMb });
  document.getElementById("attach-label").title = t("attach");
  var suggestions = document.getElementById("suggestions");
  t("suggest").forEach(function (q) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "suggestion"; b.textContent = q;
    b.addEventListener("click", function () { input.value = q; send(); });
    suggestions.appendChild(b);
  });

  // ---- session --------------------------------------------------------------------------
  var store = { get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
                set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } } };
  var resumed = false;
  var sessionId = (function () {
    var id = null;
    try { id = sessionStorage.getItem("deskbot.chat"); } catch (e) { /* ignore */ }
    resumed = !!id;
    if (!id) {
      var bytes = new Uint8Array(12); crypto.getRandomValues(bytes);
      id = "c" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { sessionStorage.setItem("deskbot.chat", id); } catch (e) { /* ignore */ }
    }
    return id;
  })();
  var token = store.get("deskbot.token");
  var hash = new URLSearchParams(location.hash.replace(/^#/, ""));

  function startSession(body) {
    return fetch("/api/session", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (data) {
        if (r.status === 429) { throw new Error(t("too_many_signins", { min: Math.ceil(retryAfter(r, data) / 60) })); }
        if (!r.ok) { throw new Error(data.error || r.statusText); }
        token = data.token; store.set("deskbot.token", token);
        app.dataset.signedIn = data.kind === "customer" ? "true" : "false";
        return data;
      });
    });
  }
  var ready;
  if (hash.get("key")) {
    ready = startSession({ account_key: hash.get("key"), name: hash.get("name") || undefined }).catch(function () { return startSession({}); });
    history.replaceState(null, "", location.pathname + location.search);
  } else if (hash.get("token")) {
    ready = startSession({ token: hash.get("token") }).catch(function () { return startSession({}); });
    history.replaceState(null, "", location.pathname + location.search);
  } else if (app.dataset.signedIn === "true") {
    ready = Promise.resolve(null); token = null;  // the cookie carries the session
  } else if (!token) {
    ready = startSession({}).catch(function () { return null; });
  } else {
    ready = Promise.resolve(null);
  }
  function retryAfter(response, data) {
    var n = parseInt((data && data.retry_after) || response.headers.get("Retry-After"), 10);
    return n > 0 ? n : 1;
  }
  function authHeaders(extra) {
    var h = extra || {};
    if (token) { h.Authorization = "Bearer " + token; }
    return h;
  }

  // ---- safe markdown ----------------------------------------------------------------------
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function safeUrl(u) {
    var raw = u.replace(/&amp;/g, "&");
    return /^(https?:\/\/|\/(?![\/\\])|#)/i.test(raw) ? u : null;  // a browser reads "/\evil" as "//evil"
  }
  function inline(s, msgId) {
    // s is already escaped; only our own tags are added below.
    var codes = [];
    s = s.replace(/`([^`\n]+)`/g, function (_, c) { codes.push(c); return "\u0000" + (codes.length - 1) + "\u0000"; });
    var links = [];
    function link(url, label) {
      var ok = safeUrl(url);
      links.push(ok ? '<a href="' + ok + '" target="_blank" rel="noopener noreferrer">' + label + "</a>" : label);
      return "\u0001" + (links.length - 1) + "\u0001";
    }
    s = s.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, function (m, label, url) { return link(url, label); });
    // A bare address is a link too. It ends at a space, CJK text or full-width punctuation
    // ("见 https://…/collect-logs。可以"), an escaped quote or bracket, and trailing punctuation.
    s = s.replace(/https?:\/\/[^\s<>"\u0001\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+/g, function (m) {
      var url = m.split(/&quot;|&#39;|&lt;|&gt;/)[0].replace(/[.,;:!?)\]]+$/, "");
      return link(url, url) + m.slice(url.length);
    });
    s = s.replace(/\*\*([^*\n]+)\*\*/g, "<strong>$1</strong>");
    s = s.replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,!?:;]|$)/g, "$1<em>$2</em>");
    s = s.replace(/\[(\d{1,2})\](?!\()/g, function (m, n) {
      return '<a class="cite-ref" href="#cite-' + msgId + "-" + n + '">[' + n + "]</a>";
    });
    s = s.replace(/\u0000(\d+)\u0000/g, function (_, i) { return "<code>" + codes[+i] + "</code>"; });
    s = s.replace(/\u0001(\d+)\u0001/g, function (_, i) { return links[+i]; });
    return s;
  }
  function renderMarkdown(text, msgId) {
    var lines = esc(text || "").split("\n");
    var out = [], para = [], list = null, i = 0;
    function flushPara() { if (para.length) { out.push("<p>" + inline(para.join("<br>"), msgId) + "</p>"); para = []; } }
    function flushList() { if (list) { out.push("<" + list.tag + ">" + list.items.map(function (it) { return "<li>" + inline(it, msgId) + "</li>"; }).join("") + "</" + list.tag + ">"); list = null; } }
    while (i < lines.length) {
      var line = lines[i];
      var fence = line.match(/^\s*```\s*([\w+-]*)\s*$/);
      if (fence) {
        flushPara(); flushList();
        var code = []; i++;
        while (i < lines.length && !/^\s*```\s*$/.test(lines[i])) { code.push(lines[i]); i++; }
        out.push('<div class="code"><button type="button" class="copy">' + esc(t("copy")) + '</button><pre><code' +
          (fence[1] ? ' data-lang="' + fence[1] + '"' : "") + ">" + code.join("\n") + "</code></pre></div>");
        i++; continue;
      }
      var h = line.match(/^(#{1,4})\s+(.*)$/);
      var li = line.match(/^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/);
      var q = line.match(/^&gt;\s?(.*)$/);
      if (h) { flushPara(); flushList(); out.push("<h4>" + inline(h[2], msgId) + "</h4>"); }
      else if (li) {
        flushPara();
        var tag = li[1] ? "ol" : "ul";
        if (!list || list.tag !== tag) { flushList(); list = { tag: tag, items: [] }; }
        list.items.push(li[2]);
      } else if (q) { flushPara(); flushList(); out.push("<blockquote>" + inline(q[1], msgId) + "</blockquote>"); }
      else if (!line.trim()) { flushPara(); flushList(); }
      else { flushList(); para.push(line); }
      i++;
    }
    flushPara(); flushList();
    return out.join("");
  }

  // ---- message list -------------------------------------------------------------------------
  function scrollDown() { messages.scrollTop = messages.scrollHeight; }
  function hideWelcome() { var w = document.getElementById("welcome"); if (w) { w.remove(); } }
  function addUser(text, files) {
    hideWelcome();
    var el = document.createElement("div");
    el.className = "msg user";
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    el.appendChild(bubble);
    if (files && files.length) {
      var f = document.createElement("div"); f.className = "files-sent";
      files.forEach(function (file) { var s = document.createElement("span"); s.className = "chip"; s.textContent = file.name; f.appendChild(s); });
      el.appendChild(f);
    }
    messages.appendChild(el); scrollDown();
    return el;
  }
  function addBot() {
    hideWelcome();
    counter += 1;
    var el = document.createElement("div");
    el.className = "msg bot pending";
    el.dataset.id = "m" + counter;
    el.innerHTML = '<div class="avatar" aria-hidden="true"></div><div class="body"><div class="bubble md"><span class="typing">' + esc(t("thinking")) + "</span></div></div>";
    el.querySelector(".avatar").textContent = (app.dataset.org || "d").slice(0, 1);
    messages.appendChild(el); scrollDown();
    return el;
  }
  function fmtDue(iso, tz) {
    try {
      return new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", {
        weekday: "short", hour: "2-digit", minute: "2-digit", day: "numeric", month: "short", timeZone: tz || undefined, timeZoneName: "short"
      }).format(new Date(iso));
    } catch (e) { return iso; }
  }
  function finish(el, reply) {
    var id = el.dataset.id;
    el.classList.remove("pending");
    el.classList.add("kind-" + reply.kind);
    var body = el.querySelector(".body");
    var text = reply.text || "";
    if (reply.citations && reply.citations.length) {
      // The text may end with "[1] heading — url" lines; the list below shows them better.
      var lines = text.split("\n");
      while (lines.length && /^\s*(\[\d+\]\s.*)?$/.test(lines[lines.length - 1])) { lines.pop(); }
      text = lines.join("\n");
    }
    body.querySelector(".bubble").innerHTML = renderMarkdown(text, id);
    if (reply.citations && reply.citations.length) {
      var c = document.createElement("div"); c.className = "citations";
      var title = document.createElement("div"); title.className = "citations-title"; title.textContent = t("sources");
      c.appendChild(title);
      var ol = document.createElement("ol");
      reply.citations.forEach(function (cit, n) {
        var li = document.createElement("li"); li.id = "cite-" + id + "-" + (n + 1);
        var label = (cit.heading || cit.source) + (cit.heading ? " — " + cit.source : "");
        var url = cit.url && /^(https?:\/\/|\/(?![\/\\]))/i.test(cit.url) ? cit.url : null;
        var a = document.createElement(url ? "a" : "span");
        if (url) { a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
        a.textContent = label; a.className = "citation";
        li.appendChild(a); ol.appendChild(li);
      });
      c.appendChild(ol); body.appendChild(c);
    }
    // The card once per ticket change; "added to SUP-…" says it in words.
    if (reply.ticket && reply.kind !== "ticket_updated") { body.appendChild(ticketCard(reply.ticket)); }
    // reply.missing is for integrations: the text already asks for it in the user's words.
    if (reply.actions && reply.actions.length) {
      // Only the newest reply keeps its buttons: older choices no longer apply.
      messages.querySelectorAll(".actions").forEach(function (old) { old.remove(); });
      var row = document.createElement("div"); row.className = "actions";
      reply.actions.forEach(function (action) {
        var b = document.createElement("button"); b.type = "button";
        b.className = "action action-" + action; b.textContent = t(action, null, reply.lang);
        b.addEventListener("click", function () {
          if (action === "sign_in") { openSignin(null); return; }
          if (action === "contact") { openContact(); return; }
          row.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
          b.classList.add("chosen");
          send({ action: action, label: t(action, null, reply.lang) });
        });
        row.appendChild(b);
      });
      body.appendChild(row);
    }
    newTopic.hidden = false;
    scrollDown();
  }
  function ticketCard(tk) {
    var card = document.createElement("a");
    card.className = "ticket-card"; card.href = tk.url; card.target = "_top";
    var head = document.createElement("div"); head.className = "ticket-card-head";
    var key = document.createElement("strong"); key.textContent = tk.key; head.appendChild(key);
    var p = document.createElement("span"); p.className = "pill prio-" + tk.priority.toLowerCase(); p.textContent = tk.priority; head.appendChild(p);
    var st = document.createElement("span"); st.className = "muted"; st.textContent = t("stage") + ": " + (tk.stage_label || tk.stage.replace(/_/g, " ")); head.appendChild(st);
    card.appendChild(head);
    var subj = document.createElement("div"); subj.className = "ticket-card-subject"; subj.textContent = tk.subject; card.appendChild(subj);
    if (tk.assignee) { var w = document.createElement("div"); w.className = "muted"; w.textContent = t("assignee") + ": " + tk.assignee; card.appendChild(w); }
    if (tk.first_response_due) { var d = document.createElement("div"); d.className = "muted"; d.textContent = t("first_response") + " " + (tk.first_response_due_local || fmtDue(tk.first_response_due, tk.timezone)); card.appendChild(d); }
    if (tk.resolution_due) { var r = document.createElement("div"); r.className = "muted"; r.textContent = t("resolution") + " " + (tk.resolution_due_local || fmtDue(tk.resolution_due, tk.timezone)); card.appendChild(r); }
    var go = document.createElement("div"); go.className = "ticket-card-go"; go.textContent = t("view_ticket") + " →"; card.appendChild(go);
    return card;
  }
  function fail(el, message) {
    el.classList.remove("pending"); el.classList.add("kind-error");
    el.querySelector(".bubble").textContent = message;
  }

  // ---- sending ------------------------------------------------------------------------------
  function readSse(response, el) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "", text = "", done = false;
    function handle(block) {
      var name = "message", data = "";
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) { name = line.slice(6).trim(); }
        else if (line.indexOf("data:") === 0) { data += line.slice(5).trim(); }
      });
      if (!data) { return; }
      var payload = JSON.parse(data);
      if (name === "delta") { text += payload.text; el.querySelector(".bubble").innerHTML = renderMarkdown(text, el.dataset.id); scrollDown(); }
      else if (name === "reply") { done = true; finish(el, payload); }
      else if (name === "error") { done = true; fail(el, t("error") + payload.error); }
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { if (buffer.trim()) { handle(buffer); } if (!done) { fail(el, t("offline")); } return; }
        buffer += decoder.decode(chunk.value, { stream: true });
        var parts = buffer.split("\n\n"); buffer = parts.pop();
        parts.forEach(handle);
        return pump();
      });
    }
    return pump();
  }

  function send(opts) {
    opts = opts || {};
    if (busy) { return; }
    var text = opts.action ? "" : input.value.trim();
    var files = opts.action ? [] : pendingFiles.slice();
    if (!text && !files.length && !opts.action) { input.focus(); return; }
    if (files.length && app.dataset.signedIn !== "true") { openSignin(function () { send(opts); }); return; }
    busy = true; sendButton.disabled = true;
    var mine = addUser(opts.label || text, files);
    if (!opts.action) { input.value = ""; autosize(); pendingFiles = []; renderChips(); }
    var el = addBot();
    var accepted = false;
    // The server did not take the message: it goes back into the box (unless the user has
    // started another), so nothing typed or attached is lost.
    function giveBack() {
      mine.remove();
      if (opts.action) { return; }
      if (!input.value.trim()) { input.value = text; autosize(); }
      if (!pendingFiles.length) { pendingFiles = files; renderChips(); }
    }
    ready.then(function () {
      var request;
      if (files.length) {
        var fd = new FormData();
        fd.append("session_id", sessionId);
        fd.append("message", text);
        if (opts.action) { fd.append("action", opts.action); }
        files.forEach(function (f) { fd.append("files", f, f.name); });
        request = fetch("/api/chat", { method: "POST", body: fd, headers: authHeaders({ Accept: "application/json" }), credentials: "same-origin" });
      } else {
        var body = { session_id: sessionId, message: text };
        if (opts.action) { body.action = opts.action; }
        request = fetch("/api/chat", {
          method: "POST", body: JSON.stringify(body), credentials: "same-origin",
          headers: authHeaders({ "Content-Type": "application/json", Accept: "text/event-stream" })
        });
      }
      return request.then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (response.ok && type.indexOf("text/event-stream") === 0) { accepted = true; return readSse(response, el); }
        return response.json().then(function (data) {
          if (response.ok) { accepted = true; finish(el, data); return; }
          giveBack();
          if (response.status === 401) {
            el.remove();
            openSignin(function () { send(opts); });
            return;
          }
          if (response.status === 429) { el.classList.add("rate-limited"); fail(el, t("too_fast", { s: retryAfter(response, data) })); return; }
          fail(el, t("error") + (data.error || response.statusText));
        });
      });
    }).catch(function () { if (!accepted) { giveBack(); } fail(el, t("offline")); })
      .then(function () { busy = false; sendButton.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  var newTopic = document.getElementById("new-topic");
  newTopic.textContent = t("new_topic");
  newTopic.hidden = !resumed;
  newTopic.addEventListener("click", function () { send({ action: "new_topic", label: t("new_topic") }); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  function autosize() { input.style.height = "auto"; input.style.height = Math.min(input.scrollHeight, 180) + "px"; }
  input.addEventListener("input", autosize);

  fileInput.addEventListener("change", function () {
    Array.prototype.forEach.call(fileInput.files, function (f) {
      if (f.size > maxMb * 1024 * 1024) { alert(f.name + ": > " + maxMb + " MB"); return; }
      if (pendingFiles.length < 5) { pendingFiles.push(f); }
    });
    fileInput.value = "";
    renderChips(); input.focus();
  });
  function renderChips() {
    chips.innerHTML = "";
    pendingFiles.forEach(function (f, i) {
      var c = document.createElement("span"); c.className = "chip";
      c.textContent = f.name + " · " + Math.max(1, Math.round(f.size / 1024)) + " KB ";
      var x = document.createElement("button"); x.type = "button"; x.className = "chip-x"; x.textContent = "×";
      x.setAttribute("aria-label", t("remove") + " " + f.name);
      x.addEventListener("click", function () { pendingFiles.splice(i, 1); renderChips(); });
      c.appendChild(x); chips.appendChild(c);
    });
  }
  messages.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.copy");
    if (!b) { return; }
    var code = b.parentNode.querySelector("code");
    if (navigator.clipboard && code) { navigator.clipboard.writeText(code.textContent).then(function () { b.textContent = t("copied"); }); }
  });

  // ---- sign-in dialog -------------------------------------------------------------------------
  var dialog = document.getElementById("signin-dialog");
  var afterSignin = null;
  function openSignin(then) {
    afterSignin = then;
    document.getElementById("signin-error").hidden = true;
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    document.getElementById("signin-key").focus();
  }
  document.getElementById("signin-cancel").addEventListener("click", function () { dialog.close(); });
  document.getElementById("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    startSession({ account_key: document.getElementById("signin-key").value, name: document.getElementById("signin-name").value || undefined })
      .then(function (data) {
        dialog.close(); ready = Promise.resolve(null);
        var next = afterSignin; afterSignin = null;
        if (next) { next(); }
        else if (data && data.account_name) {
          finish(addBot(), { kind: "acknowledged", text: t("signed_in_as", { account: data.account_name }), citations: [], actions: [], missing: [] });
        }
      })
      .catch(function (err) { var box = document.getElementById("signin-error"); box.textContent = err.message; box.hidden = false; });
  });

  // ---- contact form (visitors without an account) ---------------------------------------------
  var contactDialog = document.getElementById("contact-dialog");
  function openContact() {
    document.getElementById("contact-error").hidden = true;
    if (contactDialog.showModal) { contactDialog.showModal(); } else { contactDialog.setAttribute("open", ""); }
    document.getElementById("contact-name").focus();
  }
  document.getElementById("contact-cancel").addEventListener("click", function () { contactDialog.close(); });
  document.getElementById("contact-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = {
      session_id: sessionId, name: document.getElementById("contact-name").value,
      email: document.getElementById("contact-email").value,
      company: document.getElementById("contact-company").value,
      message: document.getElementById("contact-message").value
    };
    ready.then(function () {
      return fetch("/api/contact", {
        method: "POST", body: JSON.stringify(body), credentials: "same-origin",
        headers: authHeaders({ "Content-Type": "application/json", Accept: "application/json" })
      });
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error || r.statusText); }
        contactDialog.close();
        finish(addBot(), { kind: "ticket_opened", text: data.text, citations: [], actions: [], missing: [] });
      });
    }).catch(function (err) { var box = document.getElementById("contact-error"); box.textContent = err.message; box.hidden = false; });
  });

  // ---- what staff say on the ticket appears in the chat ------------------------------------
  var lastAgentAt = "";
  function addAgent(m) {
    hideWelcome();
    if (m.at && m.at > lastAgentAt) { lastAgentAt = m.at; }
    var el = document.createElement("div");
    el.className = "msg agent";
    el.innerHTML = '<div class="avatar" aria-hidden="true"></div><div class="body"><div class="bubble md"></div></div>';
    el.querySelector(".avatar").textContent = (m.text || "?").slice(0, 1);
    el.querySelector(".bubble").innerHTML = renderMarkdown(m.text || "", "a" + (++counter));
    messages.appendChild(el); scrollDown();
  }
  function pollAgents() {
    if (document.visibilityState !== "visible" || busy || !messages.querySelector(".ticket-card, .msg.agent")) { return; }
    fetch("/api/chat/history?session_id=" + encodeURIComponent(sessionId), {
      headers: authHeaders({ Accept: "application/json" }), credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : { messages: [] }; }).then(function (data) {
      data.messages.forEach(function (m) { if (m.role === "agent" && m.at > lastAgentAt) { addAgent(m); } });
    }).catch(function () { /* the next poll tries again */ });
  }
  setInterval(pollAgents, 15000);

  // A reload keeps the chat: fetch what was said in this tab's session.
  if (resumed) {
    ready.then(function () {
      return fetch("/api/chat/history?session_id=" + encodeURIComponent(sessionId), {
        headers: authHeaders({ Accept: "application/json" }), credentials: "same-origin"
      });
    }).then(function (r) { return r.ok ? r.json() : { messages: [] }; }).then(function (data) {
      data.messages.forEach(function (m) {
        if (m.role === "user") { if (m.text) { addUser(m.text, []); } return; }
        if (m.role === "agent") { addAgent(m); return; }
        finish(addBot(), { kind: m.kind || "answer", text: m.text, citations: m.citations, actions: [], missing: [] });
      });
    }).catch(function () { /* a fresh chat is fine */ });
  }

  input.focus();
})();
