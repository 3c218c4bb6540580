// Draws the network table's data with cytoscape; the table stays for keyboard and screen-reader use.
(function () {
  "use strict";
  var box = document.getElementById("network-canvas");
  if (!box || typeof cytoscape !== "function") { return; }
  var colours = { person: "#8a3b12", organisation: "#0b6b3a", event: "#1f4e8c", collaboration: "#6b2a7a",
                  programme: "#7a5c00", other: "#4a5560" };
  var shapes = { person: "ellipse", organisation: "round-rectangle", event: "diamond", collaboration: "hexagon",
                 programme: "triangle", other: "ellipse" };
  fetch(box.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var elements = data.nodes.map(function (n) {
        return { data: { id: n.id, label: n.label, kind: n.kind, href: n.href, focus: n.focus ? 1 : 0 } };
      }).concat(data.edges.map(function (e, i) {
        return { data: { id: "e" + i, source: e.source, target: e.target, label: e.label } };
      }));
      var cy = cytoscape({
        container: box,
        elements: elements,
        style: [
          { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-wrap": "wrap",
              "text-max-width": 120, "background-color": function (n) { return colours[n.data("kind")] || colours.other; },
              "shape": function (n) { return shapes[n.data("kind")] || "ellipse"; }, "color": "#1b1f23" } },
          { selector: "node[focus = 1]", style: { "border-width": 4, "border-color": "#d4a000", "width": 40, "height": 40 } },
          { selector: "edge", style: { "width": 1.5, "line-color": "#9aa39a", "curve-style": "bezier",
              "target-arrow-shape": "triangle", "target-arrow-color": "#9aa39a" } }
        ],
        layout: { name: data.nodes.length > 150 ? "grid" : "cose", animate: false }
      });
      cy.on("tap", "node", function (evt) {
        var href = evt.target.data("href");
        if (href) { window.location.href = href; }
      });
      box.setAttribute("data-rendered", String(cy.nodes().length));
    })
    .catch(function () { box.hidden = true; });
})();
