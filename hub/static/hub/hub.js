// Page behaviour lives here, not in the HTML, so the Content-Security-Policy
// can refuse every inline script (docs/security.md, "Headers").

// An error summary takes focus when the page loads, so screen readers announce it.
document.querySelector("[data-autofocus]")?.focus();

// A link in the error summary puts the cursor in its field (the first box of
// a date, the first radio of a set) and shows the field's label or legend too.
for (const link of document.querySelectorAll(".error-summary a[href^='#']")) {
  link.addEventListener("click", (event) => {
    const field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    const group = field.closest("fieldset") || field.closest(".form-group") || field;
    group.scrollIntoView();
    field.focus({preventScroll: true});
  });
}

// <button data-print> prints the page (caretaker's day sheet).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

// The Menu button on a phone: the navigation starts folded away and the
// button says whether it is open (aria-expanded). Wider screens always show it.
const navToggle = document.querySelector(".nav-toggle");
const navList = document.getElementById("main-nav");
if (navToggle && navList) {
  const phone = window.matchMedia("(max-width: 640px)");
  const fold = (open) => {
    navToggle.setAttribute("aria-expanded", String(open));
    navList.classList.toggle("is-collapsed", !open);
  };
  const fit = () => {
    navToggle.hidden = !phone.matches;
    fold(!phone.matches);
  };
  navToggle.addEventListener("click", () => {
    fold(navToggle.getAttribute("aria-expanded") !== "true");
  });
  phone.addEventListener("change", fit);
  fit();
}

// A table too wide for the screen scrolls sideways inside its .table-wrap:
// keyboard users must be able to reach it (focusable, named after its caption).
for (const wrap of document.querySelectorAll(".table-wrap")) {
  if (wrap.scrollWidth > wrap.clientWidth) {
    const caption = wrap.querySelector("caption");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
  }
}

// A form sends once: on launch day a slow answer tempts families to press
// "Sign up" again, and a second request would only be refused ("already
// signed up"). The button says it is busy (aria-disabled, not disabled, so it
// keeps focus and is still read out). A form whose own script handles the
// submit (it prevents the default) is left alone; a page restored with the
// back button can be sent again.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method.toLowerCase() !== "post") { return; }
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  for (const button of form.querySelectorAll("button:not([type=button])")) {
    button.setAttribute("aria-disabled", "true");
  }
});
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-sent]")) {
    delete form.dataset.sent;
    for (const button of form.querySelectorAll("[aria-disabled=true]")) {
      button.removeAttribute("aria-disabled");
    }
  }
});
