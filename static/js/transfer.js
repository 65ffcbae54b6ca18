// Import / export pages: show the « create partners » option only for files with partners,
// and keep a submit button from being pressed twice while a large file is checked or imported.
document.addEventListener("DOMContentLoaded", () => {
  const importForm = document.querySelector("form.js-transfer-import");
  if (importForm) {
    const kind = importForm.querySelector("select[name=kind]");
    const option = document.getElementById("div_id_create_partners");
    if (kind && option) {
      const partnerKinds = (kind.dataset.partnerKinds || "").split(" ");
      const sync = () => { option.hidden = !partnerKinds.includes(kind.value); };
      kind.addEventListener("change", sync);
      sync();
    }
  }
  document.querySelectorAll("form.js-busy-on-submit").forEach((form) => {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (!button) return;
      window.setTimeout(() => { button.disabled = true; }, 0);
      button.querySelector(".spinner-border")?.classList.remove("d-none");
      const label = button.querySelector(".js-label");
      if (label && button.dataset.busyLabel) label.textContent = button.dataset.busyLabel;
    });
  });
});
