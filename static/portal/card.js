/* The card sign-in page: its address carries the card's token; take it out of the
 * address bar and the history (the form keeps it for the button). */
if (window.location.search) {
  window.history.replaceState(null, "", window.location.pathname);
}
