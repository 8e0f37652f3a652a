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

// A board seat's "Elected by" offers the member classes named on the same form. The page lists those named when
// it was made; as people name, rename or clear a class, the choices follow at once instead of after a reload. A
// choice already made stays (marked as not one of the classes when none has that name now), so nothing is lost.
const CLASS_NAMES = "input[id^='member_classes-'][id$='-name']";
const ELECTED_BY = "select[id^='board_seats-'][id$='-member_class']";
// The words come from the page, in its language ("{name}" stands for the class's name).
const NOT_A_CLASS =
  document.querySelector("[data-label-not-a-class]")?.dataset.labelNotAClass ?? "{name} (not one of the member classes above)";

function electedByChoices() {
  const names = new Map();
  for (const input of document.querySelectorAll(CLASS_NAMES)) {
    const name = input.value.trim();
    if (name && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  for (const select of document.querySelectorAll(ELECTED_BY)) {
    const chosen = select.value;
    for (const option of [...select.options]) {
      if (option.value) option.remove();
    }
    for (const [key, name] of names) {
      // An answer in another case keeps its own spelling (the validator matches names whatever their case).
      const value = chosen && chosen.toLowerCase() === key ? chosen : name;
      select.add(new Option(name, value));
    }
    if (chosen && !names.has(chosen.toLowerCase())) select.add(new Option(NOT_A_CLASS.replace("{name}", () => chosen), chosen));
    select.value = chosen;
  }
}

if (document.querySelector(ELECTED_BY)) {
  document.addEventListener("input", (event) => {
    if (event.target.matches(CLASS_NAMES)) electedByChoices();
  });
}
