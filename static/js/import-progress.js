// An import's page while its task runs: ask the server for the task's progress every second and move the
// bars; when the task leaves the running states (preview ready, imported, refused, failed), reload the page,
// which then shows the report. Leaving the page does not stop the task.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector(".js-import-progress");
  if (!box) return;
  const url = box.dataset.stateUrl;
  const show = (state) => {
    box.querySelector(".js-status-label").textContent = state.label.charAt(0).toUpperCase() + state.label.slice(1);
    const total = Math.max(state.total, state.read, 1);
    box.querySelectorAll(".js-count").forEach((count) => { count.textContent = state[count.dataset.count]; });
    box.querySelectorAll(".js-of").forEach((of) => { of.textContent = state.total ? `/ ${total}` : ""; });
    box.querySelectorAll(".js-bar").forEach((bar) => {
      const percent = Math.min(100, Math.round((100 * state[bar.dataset.bar]) / total));
      bar.style.width = `${percent}%`;
      bar.parentElement.setAttribute("aria-valuenow", String(percent));
    });
  };
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        if (!state.running || state.status !== box.dataset.status) {
          window.location.reload();
          return;
        }
        show(state);
      }
    } catch (error) {
      // The server is briefly unreachable: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  poll();
});
