// When the server says the session ended during an htmx request, go to the login page.
document.addEventListener("htmx:responseError", function (event) {
  if (event.detail.xhr.status === 401 || event.detail.xhr.status === 403) {
    var box = document.getElementById("htmx-error");
    if (box) { box.textContent = "Bạn không còn quyền xem nội dung này hoặc phiên làm việc đã hết hạn. Hãy tải lại trang."; box.hidden = false; }
  }
});

// Buttons that print the page (no inline onclick: the Content-Security-Policy forbids inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-pcmd-print]")) { window.print(); }
});
