// Autocomplete for the contribution form: inputs with data-suggest="<type>" get suggestions from
// /contribute/suggest; choosing one fills the hidden <name>_iri field (or, with data-navigate, opens
// the correction form for that entity). Without JavaScript the typed name is looked up on submit.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var hidden = input.form && input.form.querySelector('input[type=hidden][name="' + input.name + '_iri"]');
    var navigate = input.hasAttribute("data-navigate");
    var active = -1;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(item) {
      if (navigate) {
        var url = new URL(window.location.href);
        url.search = "";
        url.searchParams.set("kind", "correction");
        url.searchParams.set("entity", item.iri);
        window.location.assign(url.toString());
        return;
      }
      input.value = item.label;
      if (hidden) hidden.value = item.iri;
      close();
    }

    function show(items) {
      list.textContent = "";
      if (!items.length) { close(); return; }
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = input.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.label;
        li.title = item.iri;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        li._item = item;
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    var lookup = debounce(function () {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      var url = "/contribute/suggest?type=" + encodeURIComponent(input.getAttribute("data-suggest")) +
                "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(show)
        .catch(close);
    }, 150);

    input.addEventListener("input", function () {
      if (hidden) hidden.value = "";  // a typed name no longer matches the chosen entity
      lookup();
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (event) {
      var options = list.querySelectorAll("li");
      if (!options.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
        options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
        input.setAttribute("aria-activedescendant", options[active].id);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(options[active]._item);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
