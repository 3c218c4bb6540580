// The query page: YASGUI on /sparql, the example library, download and share links.
// Without this script the page still works: a plain form GETs /sparql.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var form = document.getElementById("plain-query-form");
  var textarea = document.getElementById("query-text");
  if (!root || typeof window.Yasgui !== "function") { return; }

  var endpoint = root.getAttribute("data-endpoint");
  var fromUrl = root.getAttribute("data-from-url") === "true";
  var initialQuery = textarea ? textarea.value : "";
  var sparqlPath = new URL(endpoint).pathname;
  var pagePath = window.location.pathname;

  var yasgui = new window.Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    // A query given in the URL (a share link, an example) starts a clean editor; otherwise the
    // browser remembers the person's tabs.
    persistenceId: fromUrl ? null : "coopkg-query",
    populateFromUrl: true,
    yasqe: { resizeable: true, editorHeight: "22rem" }
  });
  if (form) { form.hidden = true; }

  function tab() { return yasgui.getTab(); }
  function yasqe() { return tab().getYasqe(); }
  function currentQuery() { return yasqe().getValue(); }

  // The starter query (our prefixes, a first question) replaces YASGUI's generic default on a first
  // visit; later visits keep the person's own tabs.
  var firstVisit = true;
  try {
    firstVisit = !window.localStorage.getItem("coopkg-query-seen");
    window.localStorage.setItem("coopkg-query-seen", "1");
  } catch (e) { /* storage may be disabled: treat every visit as the first */ }
  var current = tab();
  if (current && (fromUrl || firstVisit || !current.getQuery().trim())) {
    current.setQuery(initialQuery);
  }

  function queryKind() {
    var type = (yasqe().getQueryType && yasqe().getQueryType()) || "SELECT";
    return (type === "CONSTRUCT" || type === "DESCRIBE") ? "graph" : "bindings";
  }

  function refreshLinks() {
    var query = currentQuery();
    var kind = queryKind();
    document.querySelectorAll("#downloads span[data-kind]").forEach(function (span) {
      span.hidden = span.getAttribute("data-kind") !== kind;
    });
    document.querySelectorAll("a.download").forEach(function (link) {
      var params = new URLSearchParams({ query: query, format: link.getAttribute("data-format"), download: "1" });
      link.href = sparqlPath + "?" + params.toString();
    });
    var share = document.getElementById("share-link");
    if (share) {
      share.value = window.location.origin + pagePath + "?" + new URLSearchParams({ query: query }).toString();
    }
  }

  function watch(editor) {
    // The class and property completers ask a remote vocabulary service; this site fetches nothing
    // from elsewhere (and its CSP would block it), so they are switched off.
    ["property", "class"].forEach(function (name) {
      if (editor.disableCompleter) { editor.disableCompleter(name); }
    });
    editor.on("change", refreshLinks);
    editor.on("queryResponse", function (_editor, response) {
      var note = document.getElementById("truncated-note");
      if (!note) { return; }
      var truncated = response && response.headers && response.headers.get &&
        response.headers.get("X-Coopkg-Truncated") === "true";
      note.textContent = truncated ? root.getAttribute("data-truncated-message") : "";
      note.hidden = !truncated;
    });
  }

  // Accessibility repairs on YASGUI's markup: names for its unlabelled inputs, a focusable scroll
  // region, one tab only (its "add tab" button sits where only tabs may be).
  function repairAccessibility() {
    var label = root.getAttribute("data-editor-label");
    root.querySelectorAll(".CodeMirror textarea").forEach(function (el) { el.setAttribute("aria-label", label); });
    root.querySelectorAll("input.autocomplete").forEach(function (el) {
      el.setAttribute("aria-label", root.getAttribute("data-endpoint-label"));
    });
    root.querySelectorAll(".tabsList input[type=text]").forEach(function (el) {
      el.setAttribute("aria-label", root.getAttribute("data-tab-label"));
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("aria-label", label);
    });
  }
  repairAccessibility();

  watch(yasqe());
  yasgui.on("tabSelect", function () { window.setTimeout(function () { watch(yasqe()); refreshLinks(); }, 0); });
  refreshLinks();

  // Examples open in the editor without leaving the page; the link still works as a share link.
  document.querySelectorAll("a.open-example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var id = link.getAttribute("data-example");
      var source = document.querySelector('pre.example-query[data-example="' + id + '"]');
      if (!source) { return; }
      event.preventDefault();
      tab().setQuery(source.textContent);
      refreshLinks();
      window.history.replaceState(null, "", pagePath + "?example=" + encodeURIComponent(id));
      root.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });

  var copy = document.getElementById("copy-share-link");
  if (copy) {
    copy.addEventListener("click", function () {
      var share = document.getElementById("share-link");
      share.select();
      var done = function () { copy.textContent = copy.getAttribute("data-copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(share.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }
}());
