// Starts GOV.UK Frontend's components (error summaries take focus, data-module
// behaviours). A module script: browsers too old for one get the plain pages,
// which work without it.
import { initAll } from "/static/vendor/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// Content htmx swaps in (a refused form with its error summary, say) gets the same.
// Components already started refuse a second start; that refusal is expected here.
document.addEventListener("htmx:load", function (event) {
  var scope = event.detail.elt && event.detail.elt.parentElement;
  if (scope) initAll({ scope: scope, onError: function () {} });
});
