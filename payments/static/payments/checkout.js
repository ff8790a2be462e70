// The family's checkout (templates/payments/checkout.html).
//
// 1. The time left on the hold, in words, updated every 15 seconds in the
//    visible text. Screen readers hear it only at 10, 5, 2 and 1 minutes and
//    when it ends, through a polite live region, so it is not chatty. When
//    the hold ends the card form goes and the page says so in words.
// 2. The card form: shown only once Stripe.js has loaded (otherwise the page
//    keeps its message saying the form has not loaded). The server makes or
//    reuses the PaymentIntent (POST to the API with the session's CSRF
//    token, so a retry never charges twice); Stripe.js confirms it with the
//    card in Stripe's own frame, so card numbers never reach us. The webhook
//    confirms the place; the result page says what happened.
(function () {
  "use strict";

  const hold = document.getElementById("hold");
  const left = document.getElementById("hold-left");
  const announce = document.getElementById("hold-announce");
  const form = document.querySelector("[data-checkout]");
  const unavailable = document.getElementById("card-unavailable");

  function words(seconds) {
    const minutes = Math.max(0, Math.ceil(seconds / 60));
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    const parts = [];
    if (hours) parts.push(hours + (hours === 1 ? " hour" : " hours"));
    if (rest || !hours) parts.push(rest + (rest === 1 ? " minute" : " minutes"));
    return parts.join(" ");
  }

  if (hold && left) {
    const ends = Date.now() + Number(hold.dataset.holdSeconds) * 1000;
    const milestones = [600, 300, 120, 60];
    let said = new Set(milestones.filter((m) => Number(hold.dataset.holdSeconds) <= m));
    const tick = function () {
      const seconds = Math.round((ends - Date.now()) / 1000);
      if (seconds <= 0) {
        left.textContent = "The hold has ended. Go back to the activity to sign up again if places are left.";
        if (announce) announce.textContent = "The hold on your place has ended.";
        if (form) form.hidden = true;
        clearInterval(timer);
        return;
      }
      left.textContent = words(seconds) + " left.";
      for (const m of milestones) {
        if (seconds <= m && !said.has(m)) {
          said.add(m);
          if (announce) announce.textContent = words(seconds) + " left to pay for your place.";
        }
      }
    };
    const timer = setInterval(tick, 15000);
    tick();
  }

  if (!form || !window.Stripe) return;
  const stripe = window.Stripe(form.dataset.stripeKey);
  const card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  form.hidden = false;
  if (unavailable) unavailable.hidden = true;
  const errors = document.getElementById("card-errors");
  const button = form.querySelector("button[type=submit]");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    try {
      const response = await fetch(form.dataset.intentUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: "{}",
        credentials: "same-origin",
      });
      const body = await response.json();
      if (!response.ok) {
        throw new Error(body.error ? body.error.message : "The payment could not start.");
      }
      const result = await stripe.confirmCardPayment(body.client_secret, {
        payment_method: { card: card },
      });
      if (result.error) {
        throw new Error((result.error.message || "The card payment did not go through.") + " Nothing was taken.");
      }
      window.location.assign(form.dataset.returnUrl + "?paid=1");
    } catch (error) {
      errors.textContent = error.message + " Check the card details and try again.";
      button.disabled = false;
    }
  });
})();
