/* Registers the service worker (static/portal/sw.js, served at /sw.js) for signed-in
 * pages, and empties its kept pages when someone signs out on this browser. */

if ("serviceWorker" in navigator && document.body.dataset.signedIn === "1") {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
for (const form of document.querySelectorAll("form[data-role=sign-out]")) {
  form.addEventListener("submit", () => {
    navigator.serviceWorker?.controller?.postMessage("signed-out");
  });
}
