// Progressive enhancement only: every page works without this file.
import { initAll } from "./vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// Search filters are collapsed on phones (the results come first); on wider screens they start open.
if (window.matchMedia("(min-width: 48.0625em)").matches) {
  for (const details of document.querySelectorAll("details[data-open-on-wide-screens]")) {
    details.open = true;
  }
}
