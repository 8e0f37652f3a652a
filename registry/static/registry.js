// Progressive enhancement only: every page works without this file.
import { initAll } from "./vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// Search filters are collapsed on phones (the results come first); on wider screens they start open.
if (window.matchMedia("(min-width: 48.0625em)").matches) {
  for (const details of document.querySelectorAll("details[data-open-on-wide-screens]")) {
    details.open = true;
  }
}

// "Add another" and "Remove" buttons post to an address naming where to carry on (the new row, or the row before
// the one removed): the browser scrolls there; move the focus there too, so keyboard and screen reader users do not
// start again from the top. An error summary, when the page has one, keeps the focus it takes.
const landing = window.location.hash ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
if (landing && landing.getAttribute("tabindex") === "-1" && !document.querySelector(".nhsuk-error-summary")) {
  landing.focus();
}
