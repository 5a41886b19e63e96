// lawreq progressive enhancement: no inline scripts (CSP script-src 'self'); every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that need a second thought: <button data-confirm="Withdraw this request?">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });
  // Auto-submit filter selects on the board: <select data-autosubmit>
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.requestSubmit());
  });
});
