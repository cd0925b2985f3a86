// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail.target;
  if (target && target.id === "preview") {
    target.textContent = "The preview could not be updated. Your text is safe; press Preview to try again.";
  }
});
