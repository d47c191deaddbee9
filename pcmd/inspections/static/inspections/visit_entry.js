// Visit entry: "add a row" buttons for the violation and sanction formsets (no other behaviour).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  const template = document.getElementById(prefix + "-empty");
  const holder = document.querySelector('[data-formset="' + prefix + '"]');
  const index = parseInt(total.value, 10);
  holder.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
  total.value = String(index + 1);
  const first = holder.lastElementChild.querySelector("select, input:not([type=hidden])");
  if (first) first.focus();
});
