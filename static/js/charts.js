/*
 * Charts: embed every [data-vega-spec] element with the bundled Vega runtime
 * (kam/charts.py serves it; no CDN). The spec sits in a <script type=
 * "application/json"> whose id the attribute names. Colours and font sizes come
 * from the page's design tokens, so the projector theme gets its larger, darker
 * chart too. Clicking a mark whose datum has an "href" opens that page.
 * Charts swapped in by htmx are embedded after the swap.
 */
(function () {
  "use strict";

  function token(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function themeConfig() {
    var projector = document.documentElement.getAttribute("data-theme") === "projector";
    var text = token("--color-text", "#1b2330");
    var muted = token("--color-text-muted", "#5a6473");
    var border = token("--color-border", "#dde1e7");
    var size = projector ? 16 : 12;
    return {
      background: null,
      font: getComputedStyle(document.body).fontFamily,
      axis: {
        labelColor: muted, titleColor: text, domainColor: border, tickColor: border,
        gridColor: border, labelFontSize: size, titleFontSize: size + 1,
      },
      legend: { labelColor: text, titleColor: text, labelFontSize: size },
      text: { color: text, fontSize: size },
      range: { category: [token("--color-primary", "#1f5fa8"), token("--color-warn", "#8a5a00"),
        token("--color-ok", "#1e7a46"), token("--color-danger", "#b3261e")] },
    };
  }

  function embed(element) {
    if (element.dataset.vegaEmbedded === "yes" || typeof window.vegaEmbed !== "function") {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-vega-spec"));
    if (!source) {
      return;
    }
    element.dataset.vegaEmbedded = "yes";
    var spec = JSON.parse(source.textContent);
    // The page's theme wins over the spec's plain defaults (kam/charts.py BASE_CONFIG),
    // one level deep: axis, legend, text, range.
    var theme = themeConfig();
    var config = Object.assign({}, spec.config || {});
    Object.keys(theme).forEach(function (key) {
      var both = config[key] && typeof config[key] === "object" && theme[key] && !Array.isArray(theme[key]);
      config[key] = both ? Object.assign({}, config[key], theme[key]) : theme[key];
    });
    spec.config = config;
    window.vegaEmbed(element, spec, {
      actions: false,
      renderer: "svg",
      tooltip: { theme: document.documentElement.getAttribute("data-theme") === "projector" ? "dark" : "light" },
    }).then(function (result) {
      element.classList.add("chart-ready");
      result.view.addEventListener("click", function (event, item) {
        var href = item && item.datum && item.datum.href;
        // Only the app's own pages: a spec never sends anyone elsewhere.
        if (href && href.charAt(0) === "/" && href.charAt(1) !== "/") {
          window.location.assign(href);
        }
      });
    }).catch(function (error) {
      element.dataset.vegaEmbedded = "failed";
      element.textContent = "The chart could not be drawn. " + error;
    });
  }

  function embedAll(root) {
    (root || document).querySelectorAll("[data-vega-spec]").forEach(embed);
  }

  function rethemeAll() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      element.dataset.vegaEmbedded = "";
      embed(element);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { embedAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { embedAll(event.target); });
  // The theme toggle (app.js) flips data-theme in place: redraw with its colours.
  new MutationObserver(rethemeAll).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme"],
  });
})();
