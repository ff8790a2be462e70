// Pay an invoice by card with Stripe.js (templates/payments/invoice_detail.html).
// The server makes the PaymentIntent (POST to the API with the session's CSRF
// token); Stripe.js confirms it with the card in Stripe's own frame, so card
// numbers never reach us. The webhook records the payment.
const form = document.querySelector("[data-invoice-pay]");
if (form && window.Stripe) {
  const stripe = window.Stripe(form.dataset.stripeKey);
  const card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  const errors = document.getElementById("card-errors");
  const button = form.querySelector("button[type=submit]");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  form.addEventListener("submit", async (event) => {
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
        payment_method: { card },
      });
      if (result.error) {
        throw new Error(result.error.message || "The card payment did not go through.");
      }
      window.location.assign(form.dataset.returnUrl + "?paid=1");
    } catch (error) {
      errors.textContent = error.message + " Nothing was taken. Try again or pay by bank transfer.";
      button.disabled = false;
    }
  });
}
