// Page behaviour lives here, not in the HTML, so the Content-Security-Policy
// can refuse every inline script (docs/security.md, "Headers").

// An error summary takes focus when the page loads, so screen readers announce it.
document.querySelector("[data-autofocus]")?.focus();

// <button data-print> prints the page (caretaker's day sheet).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
