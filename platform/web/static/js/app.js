// Behaviour shared by every page, kept out of the HTML so the content-security policy can
// refuse inline handlers: a button with data-print prints the page.
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-print]");
  if (target) {
    event.preventDefault();
    window.print();
  }
});
